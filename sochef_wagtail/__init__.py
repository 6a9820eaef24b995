"""SOchef: a Twitter/X relay experiment for Wagtail sites."""

__version__ = "0.1.0"
