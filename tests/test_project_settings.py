import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from sochef_wagtail.project import ProjectSettings


@pytest.mark.django_db
def test_settings_default_to_an_active_project():
    settings = ProjectSettings.for_site(Site.objects.get(is_default_site=True))
    assert settings.status == "active" and not settings.is_closed


@pytest.mark.django_db
def test_editors_to_notify_must_be_email_addresses():
    settings = ProjectSettings(site=Site.objects.get(), notify_emails="a@example.com\nnot an address")
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert "not an address" in str(error.value)
    settings.notify_emails = " a@example.com \n\nb@example.com"
    settings.full_clean()
    assert settings.notify_email_list == ["a@example.com", "b@example.com"]
