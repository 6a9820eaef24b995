"""The admin's upload form for an archive: X's or Mastodon's ZIP, or Bluesky's CAR file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..accounts import RelayAccount
from .formats import ArchiveError
from .opening import open_archive


class ArchiveImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Archive"),
        help_text=_(
            "The ZIP that X sends as “an archive of your data” (or an archive from before "
            "2019), the ZIP of Mastodon's “Request your archive”, or the CAR file of "
            "Bluesky's “Export my data”."
        ),
    )
    account = forms.ModelChoiceField(
        RelayAccount.objects.all(),
        label=_("Relay account"),
        required=False,
        to_field_name="handle",
        empty_label=_("The archive's own account"),
        help_text=_("Needed only when the archive does not say whose it is."),
    )

    def clean_archive(self):
        """Refuse at once what the importer refuses on opening the archive (no archive, no
        posts, members too large or leading out of their folder)."""
        archive = self.cleaned_data["archive"]
        try:
            with open_archive(archive):
                pass
        except ArchiveError as error:
            raise forms.ValidationError(str(error)) from None
        archive.seek(0)
        return archive
