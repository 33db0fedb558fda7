"""Template context of every page: django-dsfr's site configuration, read only by a template that uses it.

django-dsfr's own `site_config` processor queries its configuration on every render, the admin's pages
included, which never show it; the lazy object reads it at the first use, once per request.
"""

from django.utils.functional import SimpleLazyObject
from dsfr.context_processors import site_config as dsfr_site_config


def site_config(request) -> dict:
    return {"SITE_CONFIG": SimpleLazyObject(lambda: dsfr_site_config(request)["SITE_CONFIG"])}
