from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cases.citizen import CITIZEN_SPACE_SLUG
from mediature.health import health
from mediature.media import image_file

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", include("authorities.urls")),
    path("admin/", include("pages.scope.urls")),  # scoped replacements of some Wagtail admin views
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("mail/", include("cases.mail.urls")),
    path(f"{CITIZEN_SPACE_SLUG}/", include("cases.citizen.urls")),  # the citizen's case page, outside /admin/
]
if settings.MEDIA_URL.startswith("/"):  # not when a CDN or an object storage serves the media
    urlpatterns.append(path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", image_file, name="image_file"))
urlpatterns.append(path("", include(wagtail_urls)))
