"""What a page says of itself to search engines and to the sites it is shared on: the meta
description, OpenGraph and card tags (``PageMeta``), built by ``SochefPageMixin.get_meta()``
and written by ``{% sochef_meta %}`` (templatetags/sochef_meta.py)."""

import logging
from dataclasses import dataclass
from urllib.parse import urljoin

from django.templatetags.static import static
from django.utils.text import Truncator

from .conf import app_settings
from .text import clean_text, plain_text

logger = logging.getLogger(__name__)

#: A shared page's picture: square, which every network's small card shows whole.
SHARE_IMAGE_SPEC = "fill-800x800-c75"
#: Search engines show about this many characters of a description.
DESCRIPTION_LENGTH = 200
TITLE_LENGTH = 150


def meta_text(value, length, rich=False):
    """Text on one line without control characters, cut near ``length``; ``rich`` text
    (an intro, a bio) loses its markup first."""
    line = " ".join(clean_text(plain_text(value) if rich else str(value)).split())
    return Truncator(line).chars(length)


@dataclass(frozen=True)
class PageMeta:
    """The values of the tags; ``url`` and ``image_url`` absolute. Escaped by the template."""

    title: str
    description: str
    url: str
    site_name: str = ""
    image_url: str = ""
    image_alt: str = ""
    image_width: int | None = None
    image_height: int | None = None
    #: Keep the page out of search engines' indexes (search results, thank-you pages).
    noindex: bool = False

    @property
    def card(self):
        """A large card for a wide picture (the default one), a small one for a portrait."""
        wide = self.image_width is None or self.image_width > self.image_height
        return "summary_large_image" if self.image_url and wide else "summary"


def image_values(image, base_url):
    """og:image's URL (absolute, below ``base_url`` when the storage gives a path), size and
    alt text of a Wagtail image's share rendition; {} when its file cannot be read."""
    try:
        rendition = image.get_rendition(SHARE_IMAGE_SPEC)
    except OSError:  # Wagtail's SourceImageIOError among them
        logger.warning("No share picture: the file of image %s cannot be read", image.pk)
        return {}
    return {
        "image_url": urljoin(base_url, rendition.url),
        "image_alt": clean_text(getattr(image, "default_alt_text", "") or image.title),
        "image_width": rendition.width,
        "image_height": rendition.height,
    }


def default_image_values(base_url):
    """The picture of SOCHEF_SHARE_IMAGE (a static file), or {} when it is empty."""
    if not app_settings.SHARE_IMAGE:
        return {}
    return {"image_url": urljoin(base_url, static(app_settings.SHARE_IMAGE))}
