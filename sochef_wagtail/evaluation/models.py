"""Evaluation answers: who answered, from which side, how useful SOchef was and why."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from ..public_forms.models import PublicSubmission

TEXT_MAX_LENGTH = 2000


class Respondent(models.TextChoices):
    FOLLOWER = "follower", _("Follower")
    GUEST = "guest", _("Guest")
    OTHER = "other", _("Other")


class RespondentSide(models.TextChoices):
    EMPLOYER = "employer", _("Employer side")
    WORKER = "worker", _("Worker side")
    NEITHER = "neither", _("Neither, or rather not say")


class Usefulness(models.IntegerChoices):
    NOT_AT_ALL = 1, _("1 – not useful at all")
    LITTLE = 2, _("2 – a little useful")
    SOMEWHAT = 3, _("3 – somewhat useful")
    QUITE = 4, _("4 – quite useful")
    VERY = 5, _("5 – very useful")


class EvaluationResponse(PublicSubmission):
    page = models.ForeignKey(
        "sochef_wagtail.EvaluationPage",
        verbose_name=_("survey page"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    respondent = models.CharField(_("respondent"), max_length=10, choices=Respondent.choices)
    side = models.CharField(_("side"), max_length=10, choices=RespondentSide.choices)
    usefulness = models.PositiveSmallIntegerField(_("usefulness"), choices=Usefulness.choices)
    what_worked = models.TextField(_("what worked"), max_length=TEXT_MAX_LENGTH, blank=True)
    what_to_change = models.TextField(_("what to change"), max_length=TEXT_MAX_LENGTH, blank=True)

    panels = [
        FieldPanel("respondent"),
        FieldPanel("side"),
        FieldPanel("usefulness"),
        FieldPanel("what_worked"),
        FieldPanel("what_to_change"),
    ]

    class Meta:
        verbose_name = _("evaluation answer")
        verbose_name_plural = _("evaluation answers")
        ordering = ["-created_at"]

    def __str__(self):
        return _("Answer of %(date)s") % {"date": self.created_at.date().isoformat()}

    @classmethod
    def purge(cls, cutoff):
        """Answers are anonymous but their free text may not be: it goes, the ratings stay."""
        anonymised = cls.objects.filter(created_at__lt=cutoff, anonymised_at__isnull=True).update(
            what_worked="", what_to_change="", anonymised_at=timezone.now()
        )
        return 0, anonymised
