import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from sochef_wagtail.project import GuideLink, ProjectSettings
from tests.factories import make_guest, make_landing, make_week, project_settings


@pytest.mark.django_db
def test_settings_default_to_an_active_project():
    settings = ProjectSettings.for_site(Site.objects.get(is_default_site=True))
    assert settings.status == "active" and not settings.is_closed


@pytest.mark.django_db
def test_editors_to_notify_must_be_email_addresses():
    settings = ProjectSettings(
        site=Site.objects.get(), notify_emails="a@example.com\nnot an address"
    )
    with pytest.raises(ValidationError) as error:
        settings.full_clean()
    assert "not an address" in str(error.value)
    settings.notify_emails = " a@example.com \n\nb@example.com"
    settings.full_clean()
    assert settings.notify_email_list == ["a@example.com", "b@example.com"]


# Organiser, texts and guides, per site


@pytest.mark.django_db
def test_editor_saves_organiser_and_guides_in_their_order(client):
    client.force_login(get_user_model().objects.create_superuser("editor", "e@example.com", "pw"))
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["sochef_wagtail", "projectsettings", site.pk])
    assert "Guider" in client.get(url).content.decode()
    data = nested_form_data(
        {
            "status": "active",
            "organiser_name": "Nils Östergren",
            "organiser_role": "frilansskribent på NyArbetsmiljo.se",
            "organiser_handle": "@nilsostergren",
            "facebook_group_url": "https://www.facebook.com/groups/sochef",
            "guide_links": inline_formset(
                [
                    {"title": "Börja twittra", "url": "https://help.x.com/", "ORDER": 2},
                    {"title": "Vem gör vad?", "url": "https://www.av.se/", "ORDER": 1},
                ]
            ),
        }
    )
    data["privacy_text"] = rich_text("")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    settings = ProjectSettings.for_site(site)
    assert settings.organiser_handle == "nilsostergren"
    assert settings.organiser_url == "https://x.com/nilsostergren"
    assert [g.title for g in settings.guide_links.all()] == ["Vem gör vad?", "Börja twittra"]


@pytest.mark.django_db
def test_guide_needs_a_valid_url():
    guide = GuideLink(project_settings=project_settings(), title="Guide", url="inte en adress")
    with pytest.raises(ValidationError) as error:
        guide.full_clean()
    assert "url" in error.value.message_dict


@pytest.mark.django_db
def test_each_site_has_its_own_settings(client, other_site):
    project_settings(organiser_name="Nils Östergren", guides=[("Börja twittra", "https://a.se/")])
    project_settings(other_site, organiser_name="Anna Annan", status="closed")
    make_landing()
    make_landing(other_site.root_page)
    here = client.get("/om-sochef/").content.decode()
    there = client.get("/om-sochef/", HTTP_HOST="andra.example").content.decode()
    assert "Nils Östergren" in here and "Anna Annan" not in here
    assert "Anna Annan" in there and "Nils Östergren" not in there
    assert "Börja twittra" in here and "Börja twittra" not in there
    assert 'role="status"' in there and 'role="status"' not in here


# Closed and paused


@pytest.fixture
def week(index_page, accounts):
    return make_week(index_page, datetime.date(2012, 9, 3), [(accounts[0], make_guest("Anna"))])


@pytest.mark.django_db
@pytest.mark.parametrize("shown_on", ["index", "week"])
def test_closed_project_shows_its_message_on_index_and_week_pages(client, week, shown_on):
    project_settings(
        status="closed",
        status_date=datetime.date(2014, 10, 1),
        status_message="Sorry, projektet nedlagt.",
    )
    url = week.get_parent().url if shown_on == "index" else week.url
    html = client.get(url).content.decode()
    assert 'role="status"' in html
    assert "oktober 2014" in html
    assert "Sorry, projektet nedlagt." in html


@pytest.mark.django_db
def test_closed_project_without_a_message_says_so(client, week):
    project_settings(status="closed")
    assert "Projektet har lagts ned." in client.get(week.url).content.decode()


@pytest.mark.django_db
def test_paused_project_says_so(client, week):
    project_settings(status="paused")
    assert "Projektet har pausats." in client.get(week.url).content.decode()


@pytest.mark.django_db
def test_active_project_shows_no_status(client, week):
    project_settings(status_message="Sorry, projektet nedlagt.")
    html = client.get(week.url).content.decode()
    assert 'role="status"' not in html and "nedlagt" not in html


@pytest.mark.django_db
def test_status_message_is_escaped(client, week):
    project_settings(status="closed", status_message="<script>alert(1)</script>")
    html = client.get(week.url).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html


@pytest.mark.django_db
def test_a_sites_settings_are_read_as_wagtail_reads_them_in_one_query(django_assert_num_queries):
    """for_site() (written out) gives what Wagtail's get_or_create gives, field for field, a
    date and hostile text among them; a site without settings gets them made, as Wagtail's."""
    from wagtail.contrib.settings.models import BaseSiteSetting

    site = Site.objects.get(is_default_site=True)
    assert not ProjectSettings.objects.exists()
    made = ProjectSettings.for_site(site)  # none yet: made, as Wagtail's makes them
    assert ProjectSettings.objects.get().pk == made.pk
    made.status, made.status_date = "closed", datetime.date(2014, 10, 1)
    made.status_message = "<script>'&\"</script> 😀"
    made.save()
    fields = [field.attname for field in ProjectSettings._meta.concrete_fields]
    wagtails = BaseSiteSetting.for_site.__func__(ProjectSettings, site)
    with django_assert_num_queries(1):
        ours = ProjectSettings.for_site(site)
    assert [getattr(ours, name) for name in fields] == [getattr(wagtails, name) for name in fields]
    assert ours.status_date == datetime.date(2014, 10, 1) and ours.is_closed
    with pytest.raises(ProjectSettings.DoesNotExist):
        ProjectSettings.for_site(None)
