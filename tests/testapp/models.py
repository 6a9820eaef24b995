"""Blogs shaped otherwise than the example site's, for the blog adapters' tests.

``EntryPage`` has puput's shape (puput itself cannot be installed next to Wagtail 8): categories
through an inline model, a date-time, an excerpt, a header image, the owner as author.
``TaggedPost`` is a blog whose "categories" are django-taggit tags.
"""

from django.db import models
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class Category(models.Model):
    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    def __str__(self):
        return self.name


class EntryPage(Page):
    body = RichTextField(blank=True)
    excerpt = RichTextField(blank=True)
    date = models.DateTimeField(default=timezone.now)
    header_image = models.ForeignKey(
        "wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    categories = models.ManyToManyField(Category, through="CategoryEntryPage", blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("excerpt"),
        FieldPanel("body"),
        FieldPanel("header_image"),
        InlinePanel("entry_categories", label="Categories"),
    ]


class CategoryEntryPage(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+")
    page = ParentalKey(EntryPage, on_delete=models.CASCADE, related_name="entry_categories")

    panels = [FieldPanel("category")]

    def __str__(self):
        return f"{self.page} – {self.category}"


class TaggedPostTag(TaggedItemBase):
    content_object = ParentalKey(
        "TaggedPost", on_delete=models.CASCADE, related_name="tagged_items"
    )


class TaggedPost(Page):
    date = models.DateField()
    author = models.CharField(max_length=100, blank=True)
    summary = models.TextField(blank=True)
    tags = ClusterTaggableManager(through=TaggedPostTag, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("author"),
        FieldPanel("summary"),
        FieldPanel("tags"),
    ]
