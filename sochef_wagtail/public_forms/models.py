"""The abstract model of what visitors send through a public form."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicSubmission(models.Model):
    """Something a visitor sent through a public form; kept for RETENTION_DAYS, then purged."""

    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @classmethod
    def purge(cls, cutoff):
        """Delete or anonymise what was sent before ``cutoff``; returns (deleted, anonymised)."""
        raise NotImplementedError
