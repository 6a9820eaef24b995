"""StreamField blocks for SOchef pages, usable in a host site's own StreamFields too."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

from .archive.blocks import TweetArchiveBlock


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "sochef_wagtail/blocks/quote_block.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Text"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )
    image = ImageBlock(label=_("Image"))
    quote = QuoteBlock()
    embed = EmbedBlock(label=_("Embed"), help_text=_("A link to a video or other media."))
    tweet_archive = TweetArchiveBlock()
