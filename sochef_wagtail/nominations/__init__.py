"""Nominations: the public page, the stored nominations, their moderation and notifications."""
