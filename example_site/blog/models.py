"""The host site's own small blog: the app does not own it, it only reads it."""

from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.snippets.models import register_snippet

from sochef_wagtail.archive.blocks import TweetArchiveBlock


@register_snippet
class BlogCategory(models.Model):
    name = models.CharField(max_length=80)
    slug = models.SlugField(unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        verbose_name_plural = "blog categories"
        ordering = ["name"]

    def __str__(self):
        return self.name


class BlogIndexPage(Page):
    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["blog.BlogPage"]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["posts"] = (
            BlogPage.objects.child_of(self).live().order_by("-date").prefetch_related("categories")
        )
        return context


class BlogPage(Page):
    date = models.DateField("post date")
    author = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)
    body = RichTextField(blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    categories = ParentalManyToManyField(BlogCategory, blank=True, related_name="posts")
    # The host's own StreamField, with the app's tweet block in it (see docs/site/blocks.md).
    tweets = StreamField(
        [("tweet_archive", TweetArchiveBlock())], blank=True, verbose_name="tweets"
    )

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("author"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("image"),
        FieldPanel("categories"),
        FieldPanel("tweets"),
    ]
    parent_page_types = ["blog.BlogIndexPage"]
