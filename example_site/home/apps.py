import logging

from django.apps import AppConfig
from django.conf import settings
from django.db import connections
from django.db.models.signals import post_migrate

logger = logging.getLogger(__name__)


def configure_site(using="default", **kwargs):
    """Give the default Site the name, hostname and port of the settings (SITE_NAME,
    SITE_HOSTNAME, SITE_PORT): Wagtail builds every absolute URL from them."""
    from wagtail.models import Site

    if Site._meta.db_table not in connections[using].introspection.table_names():
        return  # a migrate of other apps only, before Wagtail's
    site = Site.objects.using(using).filter(is_default_site=True).first()
    wanted = {
        "site_name": settings.SITE_NAME,
        "hostname": settings.SITE_HOSTNAME,
        "port": settings.SITE_PORT,
    }
    if site is None or all(getattr(site, name) == value for name, value in wanted.items()):
        return
    taken = (
        Site.objects.using(using)
        .filter(hostname=wanted["hostname"], port=wanted["port"])
        .exclude(pk=site.pk)
    )
    if taken.exists():
        logger.warning("Another Site is %(hostname)s:%(port)s: the default one is left", wanted)
        return
    for name, value in wanted.items():
        setattr(site, name, value)
    # save(), not update(): Wagtail forgets its cached site root paths, SOchef its pages.
    site.save(using=using)


class HomeConfig(AppConfig):
    name = "example_site.home"
    label = "home"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(configure_site, sender=self)
