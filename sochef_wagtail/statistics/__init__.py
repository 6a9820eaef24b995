"""Statistics of the relay: tweets, replies between the accounts, followers and guests.

Every figure is aggregated in the database (figures), so the admin page (views) runs the same
few queries however many tweets are stored. Shown to users with the ``view_statistics``
permission.
"""
