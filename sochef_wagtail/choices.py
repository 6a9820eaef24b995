"""Choices shared by accounts, guests and weeks."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Platform(models.TextChoices):
    """The network a relay account posts on."""

    X = "x", "X"
    BLUESKY = "bluesky", "Bluesky"
    MASTODON = "mastodon", "Mastodon"


class Side(models.TextChoices):
    EMPLOYER = "employer", _("Employer side")
    WORKER = "worker", _("Worker side")


class Role(models.TextChoices):
    MANAGER = "manager", _("Manager")
    EMPLOYER = "employer", _("Employer")
    HR = "hr", _("HR")
    SAFETY_REP = "safety_rep", _("Safety representative")
    WORK_ENV_REP = "work_env_rep", _("Work environment representative")
    HEAD_SAFETY_REP = "head_safety_rep", _("Head safety representative")
    REGIONAL_SAFETY_REP = "regional_safety_rep", _("Regional safety representative")
    STUDENT_SAFETY_REP = "student_safety_rep", _("Student safety representative")
    SAFETY_COMMITTEE = "safety_committee", _("Safety committee member")
    OTHER = "other", _("Other")


class Sector(models.TextChoices):
    PRIVATE = "private", _("Private sector")
    PUBLIC = "public", _("Public sector")
    OTHER = "other", _("Other")
