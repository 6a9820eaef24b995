"""Press mentions: what newspapers and magazines wrote about the experiment."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.search import index


class PressMention(index.Indexed, models.Model):
    title = models.CharField(_("title"), max_length=200)
    outlet = models.CharField(_("outlet"), max_length=120, help_text=_("E.g. Kommunalarbetaren."))
    date = models.DateField(
        _("date"),
        help_text=_("When only the month is known, the first of the month; lists show the month."),
    )
    url = models.URLField(_("URL"), max_length=500, blank=True)
    quote = models.TextField(_("quote"), blank=True, help_text=_("A line from the article."))

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("outlet"), FieldPanel("date")]),
        FieldPanel("url"),
        FieldPanel("quote"),
    ]

    search_fields = [
        index.SearchField("title"),
        index.AutocompleteField("title"),
        index.SearchField("outlet"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = _("press mention")
        verbose_name_plural = _("press mentions")
        ordering = ["-date", "title"]

    def __str__(self):
        return f"{self.title} – {self.outlet}"


class PressMentionsBlock(blocks.StructBlock):
    """Every press mention, newest first, or only the newest few."""

    heading = blocks.CharBlock(
        label=_("Heading"), required=False, help_text=_("Default: “Press about the project”.")
    )
    limit = blocks.IntegerBlock(
        label=_("How many"), required=False, min_value=1, help_text=_("Empty: all of them.")
    )

    class Meta:
        icon = "doc-full"
        label = _("Press mentions")
        template = "sochef_wagtail/blocks/press_mentions_block.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        mentions = PressMention.objects.all()
        context["mentions"] = mentions[: value["limit"]] if value["limit"] else mentions
        return context
