"""The admin's upload form for an archive ZIP."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..accounts import RelayAccount
from .formats import ArchiveError, ArchiveZip


class ArchiveImportForm(forms.Form):
    archive = forms.FileField(
        label=_("Archive ZIP"),
        help_text=_(
            "The ZIP that X sends as “an archive of your data”, or an archive from before 2019."
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
        """Refuse at once what the importer refuses from the ZIP's directory alone (not a ZIP,
        no tweets, members too large or leading out of their folder)."""
        archive = self.cleaned_data["archive"]
        try:
            with ArchiveZip(archive):
                pass
        except ArchiveError as error:
            raise forms.ValidationError(str(error)) from None
        archive.seek(0)
        return archive
