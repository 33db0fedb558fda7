"""The only files served from MEDIA_ROOT: Wagtail's images (originals and renditions), in every mode.

Images are only ever shown on public pages (authority logos, page images), and their renditions are written
at first use, after deployment, where WhiteNoise (which serves the collected static files) cannot see them.
Documents are never served from here: they go through Wagtail's checking view (/documents/<id>/<file>),
which applies the private « — interne » collections (authorities/permissions.py); a direct /media/documents/
address would bypass it. Behind a CDN or object storage, MEDIA_URL points there and this view is unused.
"""

import posixpath

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve

IMAGE_FOLDERS = ("original_images/", "images/")


def image_file(request: HttpRequest, path: str) -> HttpResponse:
    path = posixpath.normpath(path).lstrip("/")  # as `serve` reads it: « images/../documents/… » is a document
    if not path.startswith(IMAGE_FOLDERS):
        raise Http404("Fichier introuvable.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
