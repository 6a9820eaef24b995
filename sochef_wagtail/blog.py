"""The host's blog, read through an adapter: the app does not own the blog, it only reads it.

``SOCHEF_BLOG`` names the adapter class and its options; every key but ``adapter`` goes to the
adapter's constructor::

    SOCHEF_BLOG = {
        "adapter": "sochef_wagtail.blog.CategoryBlogAdapter",  # the default
        "post_model": "blog.BlogPage",
        "category": "SOchef",  # a slug or a name, whatever the case
    }

Three adapters cover the common shapes: a many-to-many field to a category model
(``CategoryBlogAdapter``), categories through an inline model as in puput (``PuputBlogAdapter``)
and django-taggit tags (``TagBlogAdapter``). Subclass one and override its small methods
(``post_author``, ``post_summary``…) when a blog stores things differently.

The adapter also writes one thing: the draft post announcing a guest week
(``create_draft``), below the page that holds the category's posts, for an editor to finish and
publish.
"""

import datetime
import mimetypes
from dataclasses import dataclass, replace
from urllib.parse import urljoin

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.feedgenerator import Enclosure
from django.utils.module_loading import import_string
from django.utils.text import Truncator, slugify
from wagtail.coreutils import find_available_slug
from wagtail.fields import RichTextField
from wagtail.log_actions import log
from wagtail.models import Page, Site

from .conf import app_settings
from .dates import app_time_zone, start_of_day
from .pages import public
from .text import plain_text

DEFAULT_ADAPTER = "sochef_wagtail.blog.CategoryBlogAdapter"


def get_blog_adapter():
    """The adapter configured in ``SOCHEF_BLOG``, or None when no blog is configured."""
    options = dict(app_settings.BLOG)
    if not options:
        return None
    path = options.pop("adapter", DEFAULT_ADAPTER)
    try:
        adapter_class = import_string(path)
    except ImportError as error:
        raise ImproperlyConfigured(f"SOCHEF_BLOG['adapter']: {error}") from None
    return adapter_class(**options)


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed or of a list of latest posts, whatever kind of page it came from."""

    title: str
    url: str  # relative when on the request's site; a feed makes it absolute
    pubdate: datetime.datetime
    updateddate: datetime.datetime | None = None
    summary: str = ""
    author: str = ""
    categories: tuple[str, ...] = ()
    image: object = None  # a Wagtail image, or None
    enclosure: Enclosure | None = None


def image_enclosure(image, request):
    """The image as a feed enclosure, when its size and type are known (uploads record both)."""
    if image is None or not image.file_size:
        return None
    mime_type, _encoding = mimetypes.guess_type(image.file.name)
    if not mime_type:
        return None
    # From the Site's root URL (its hostname and port), as every absolute URL of the feeds.
    url = urljoin(Site.find_for_request(request).root_url, image.file.url)
    return Enclosure(url, str(image.file_size), mime_type)


class BlogAdapter:
    """Finds the posts of one category in the host's blog and reads what a feed item needs.

    A subclass says how posts belong to categories by defining ``category_model``,
    ``filter_category``, ``prefetch_categories`` and ``post_categories``. A field option set to
    None is not read (no author, no image…).
    """

    def __init__(
        self,
        post_model,
        category="SOchef",
        date_field="date",
        author_field="author",
        summary_field="summary",
        image_field="image",
        body_field="body",
        category_name_field="name",
        category_slug_field="slug",
    ):
        try:
            self.post_model = apps.get_model(post_model)
        except (LookupError, ValueError) as error:
            raise ImproperlyConfigured(f"SOCHEF_BLOG['post_model']: {error}") from None
        self.category = category
        self.date_field = date_field
        self.author_field = author_field
        self.summary_field = summary_field
        self.image_field = image_field
        # Only written (the draft announcing a week), so a blog without a "body" is no error.
        self.body_field = body_field if self.has_field(body_field) else None
        self.category_name_field = category_name_field
        self.category_slug_field = category_slug_field
        for option in ("date_field", "author_field", "summary_field", "image_field"):
            self.check_field(option, getattr(self, option))

    def has_field(self, name):
        try:
            return name is not None and bool(self.post_model._meta.get_field(name))
        except FieldDoesNotExist:
            return False

    def check_field(self, option, name):
        if name is None:
            return None
        try:
            return self.post_model._meta.get_field(name)
        except FieldDoesNotExist:
            raise ImproperlyConfigured(
                f"SOCHEF_BLOG[{option!r}]: {self.post_model._meta.label} has no field {name!r}."
            ) from None

    # How posts belong to categories: defined by subclasses.

    @property
    def category_model(self):
        raise NotImplementedError

    def filter_category(self, posts, category):
        raise NotImplementedError

    def prefetch_categories(self, posts):
        raise NotImplementedError

    def post_categories(self, post):
        """Names of the post's categories."""
        raise NotImplementedError

    def add_to_category(self, post, category):
        """Put the unsaved ``post`` in ``category`` (saved with it)."""
        raise NotImplementedError

    # Finding posts.

    def get_category(self):
        """The configured category, matched by slug or name whatever the case; None if missing."""
        lookup = Q(**{f"{self.category_slug_field}__iexact": self.category}) | Q(
            **{f"{self.category_name_field}__iexact": self.category}
        )
        return self.category_model._default_manager.filter(lookup).order_by("pk").first()

    def category_label(self, category):
        return str(getattr(category, self.category_name_field))

    def posts(self, site, category, listed=False):
        """Live, public posts of the category on the site, newest first, ready to be read;
        ``listed``: ready for :meth:`listed_items` (no categories, no image)."""
        posts = public(self.post_model.objects.live()).in_site(site)
        related = [
            name
            for name in (self.author_field, None if listed else self.image_field)
            if name and self.post_model._meta.get_field(name).many_to_one
        ]
        posts = self.filter_category(posts, category)
        if related:
            # Not select_related() with no names: that joins every non-null foreign key (the
            # page's locale and content type), a join PostgreSQL took 4 ms to plan.
            posts = posts.select_related(*related)
        order = [f"-{self.date_field}"] if self.date_field else []
        posts = posts.order_by(*order, "-first_published_at", "-pk")
        return posts if listed else self.prefetch_categories(posts)

    def state(self, site, category):
        """How many posts there are and when one was last published: what a feed's ETag says."""
        return self.posts(site, category).aggregate(
            count=Count("pk"), latest=Max("last_published_at")
        )

    def items(self, request, site, category, limit):
        """The newest `limit` posts as feed items."""
        return [self.item(post, request) for post in self.posts(site, category)[:limit]]

    def listed_items(self, request, site, category, limit):
        """The newest `limit` posts as feed items with what a list of posts shows (title, URL,
        dates, author, summary): without categories, image and enclosure, read for nothing."""
        posts = self.posts(site, category, listed=True)[:limit]
        return [self.listed_item(post, request) for post in posts]

    # Reading a post.

    def item(self, post, request):
        image = self.post_image(post)
        return replace(
            self.listed_item(post, request),
            categories=tuple(self.post_categories(post)),
            image=image,
            enclosure=image_enclosure(image, request),
        )

    def listed_item(self, post, request):
        """The post as a feed item without categories, image and enclosure."""
        return FeedItem(
            title=post.title,
            url=post.get_url(request),
            pubdate=self.post_date(post),
            updateddate=post.last_published_at,
            summary=self.post_summary(post),
            author=self.post_author(post),
        )

    def post_date(self, post):
        """The post's date as an aware datetime; a date is taken at midnight."""
        value = getattr(post, self.date_field) if self.date_field else None
        if value is None:
            return post.first_published_at
        if not isinstance(value, datetime.datetime):
            return start_of_day(value)
        if timezone.is_naive(value):
            return timezone.make_aware(value, app_time_zone())
        return value

    def post_summary(self, post):
        return plain_text(getattr(post, self.summary_field)) if self.summary_field else ""

    def post_author(self, post):
        """The author field as text; for a user (such as a page's owner) their full name."""
        value = getattr(post, self.author_field) if self.author_field else None
        if hasattr(value, "get_full_name"):
            return value.get_full_name() or value.get_username()
        return str(value or "")

    def post_image(self, post):
        return getattr(post, self.image_field) if self.image_field else None

    # Writing a draft.

    def draft_parent(self, site, category):
        """The page a new post goes below: that of the category's newest post on the site, else
        the site's first page that may hold posts; None when there is none."""
        posts = self.filter_category(self.post_model.objects.in_site(site), category)
        newest = posts.order_by("-path").first()
        if newest is not None:
            return newest.get_parent().specific
        parents = Page.objects.in_site(site).type(*self.post_model.allowed_parent_page_models())
        for parent in parents.order_by("path").specific():
            if self.post_model.can_create_at(parent):
                return parent
        return None

    def create_draft(self, site, category, *, title, date, summary="", body="", owner=None):
        """A draft post (never published) in ``category`` dated ``date``, below
        ``draft_parent``; ``summary`` and ``body`` are HTML, written as text into fields that
        are not rich text. Returns the post, or None when the site has no page to put it below.
        """
        parent = self.draft_parent(site, category)
        if parent is None:
            return None
        title = Truncator(title).chars(self.post_model._meta.get_field("title").max_length)
        slug = slugify(title, allow_unicode=True)[:50].strip("-") or "sochef"
        post = self.post_model(
            title=title, slug=find_available_slug(parent, slug), live=False, owner=owner
        )
        self.write_date(post, date)
        self.write_html(post, self.summary_field, summary)
        self.write_html(post, self.body_field, body)
        self.add_to_category(post, category)
        parent.add_child(instance=post)
        post.save_revision(user=owner, log_action=False)
        log(instance=post, action="wagtail.create", user=owner)
        return post

    def write_date(self, post, date):
        if not self.date_field:
            return
        field = self.post_model._meta.get_field(self.date_field)
        setattr(
            post,
            self.date_field,
            start_of_day(date) if field.get_internal_type() == "DateTimeField" else date,
        )

    def write_html(self, post, name, html_text):
        """Set field ``name`` of ``post`` to ``html_text``: as it is into rich text, as plain text
        into text (cut to its length); a field of another kind (a StreamField) is left alone."""
        if not name or not html_text:
            return
        field = self.post_model._meta.get_field(name)
        if isinstance(field, RichTextField):
            setattr(post, name, html_text)
        elif isinstance(field, models.TextField | models.CharField):
            text = plain_text(html_text)
            setattr(
                post, name, Truncator(text).chars(field.max_length) if field.max_length else text
            )


class CategoryBlogAdapter(BlogAdapter):
    """Posts with a many-to-many field to a category model, such as a ParentalManyToManyField
    ``categories`` to a category snippet (the example site's blog)."""

    def __init__(self, *, categories_field="categories", **options):
        self.categories_field = categories_field
        super().__init__(**options)
        self.check_field("categories_field", categories_field)

    @property
    def category_model(self):
        return self.post_model._meta.get_field(self.categories_field).related_model

    def filter_category(self, posts, category):
        return posts.filter(**{self.categories_field: category})

    def prefetch_categories(self, posts):
        return posts.prefetch_related(self.categories_field)

    def post_categories(self, post):
        return [self.category_label(c) for c in getattr(post, self.categories_field).all()]

    def add_to_category(self, post, category):
        # A ParentalManyToManyField holds it until the post is saved.
        setattr(post, self.categories_field, [category])


class PuputBlogAdapter(BlogAdapter):
    """Categories through an inline model, as in puput: ``EntryPage.entry_categories`` is the
    ParentalKey relation of ``CategoryEntryPage``, whose ``category`` points to ``Category``.
    The defaults are puput's names; the author is the page's owner."""

    def __init__(
        self,
        *,
        through_field="entry_categories",
        through_category_field="category",
        date_field="date",
        author_field="owner",
        summary_field="excerpt",
        image_field="header_image",
        **options,
    ):
        self.through_field = through_field
        self.through_category_field = through_category_field
        super().__init__(
            date_field=date_field,
            author_field=author_field,
            summary_field=summary_field,
            image_field=image_field,
            **options,
        )
        self.check_field("through_field", through_field)

    @property
    def through_model(self):
        return self.post_model._meta.get_field(self.through_field).related_model

    @property
    def category_model(self):
        return self.through_model._meta.get_field(self.through_category_field).related_model

    def filter_category(self, posts, category):
        # A subquery rather than a join, so that a category given twice lists a post once.
        post_key = self.post_model._meta.get_field(self.through_field).field.attname
        links = self.through_model._default_manager.filter(
            **{self.through_category_field: category}
        )
        return posts.filter(pk__in=links.values(post_key))

    def prefetch_categories(self, posts):
        links = self.through_model._default_manager.select_related(self.through_category_field)
        return posts.prefetch_related(Prefetch(self.through_field, queryset=links))

    def post_categories(self, post):
        return [
            self.category_label(getattr(link, self.through_category_field))
            for link in getattr(post, self.through_field).all()
        ]

    def add_to_category(self, post, category):
        setattr(
            post,
            self.through_field,
            [self.through_model(**{self.through_category_field: category})],
        )


class TagBlogAdapter(BlogAdapter):
    """Posts tagged with django-taggit (``TaggableManager`` or modelcluster's
    ``ClusterTaggableManager``): the "category" is a tag, and the item's categories its tags."""

    def __init__(self, *, tags_field="tags", **options):
        self.tags_field = tags_field
        super().__init__(**options)
        self.check_field("tags_field", tags_field)

    @property
    def category_model(self):
        return self.post_model._meta.get_field(self.tags_field).related_model

    def filter_category(self, posts, category):
        return posts.filter(**{f"{self.tags_field}__in": [category]})

    def prefetch_categories(self, posts):
        return posts.prefetch_related(self.tags_field)

    def post_categories(self, post):
        return [self.category_label(tag) for tag in getattr(post, self.tags_field).all()]

    def add_to_category(self, post, category):
        getattr(post, self.tags_field).add(category)
