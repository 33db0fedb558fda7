"""Images and documents in the admin API, and who may download a document.

Wagtail's admin API (/admin/api/main/documents/, …/images/, used by its explorer and choosers)
lists every file of every collection to any admin user; ours lists the files of the collections
the user holds a permission on (their authority's, every one for platform admins).

Serving (/documents/<id>/<file>) goes through Wagtail's view, which applies collection privacy
(WAGTAILDOCS_SERVE_METHOD = "serve_view", so a remote storage never bypasses it). Which collections
are private is decided in authorities/permissions.py (`private_collection`).
"""

from django.db.models import QuerySet
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.models import Page
from wagtail.permissions import policy_registry

from pages.scope.pages import explorable_pages

FILE_ACTIONS = ["choose", "add", "change", "delete"]


def files_for(user, model) -> QuerySet:
    return policy_registry.get_by_type(model).instances_user_has_any_permission_for(user, FILE_ACTIONS)


def visible_objects(user, model) -> QuerySet:
    """Pages of the user's sections, files of their collections; nothing of any other model."""
    if issubclass(model, Page):
        return explorable_pages(user)
    if model in (get_document_model(), get_image_model()):
        return files_for(user, model)
    return model.objects.none()


class ScopedDocumentsAPIViewSet(DocumentsAdminAPIViewSet):
    def get_queryset(self):
        return files_for(self.request.user, get_document_model()).order_by("id")


class ScopedImagesAPIViewSet(ImagesAdminAPIViewSet):
    def get_queryset(self):
        return files_for(self.request.user, get_image_model()).order_by("id")


def register_scoped_file_endpoints(router) -> None:
    """construct_admin_api, after Wagtail's own hooks: our endpoints take the place of theirs."""
    router.register_endpoint("documents", ScopedDocumentsAPIViewSet)
    router.register_endpoint("images", ScopedImagesAPIViewSet)
