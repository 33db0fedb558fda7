"""Wagtail's bulk actions (/admin/bulk/<app>/<model>/<action>/?id=…) without the titles of others' objects.

Their confirmation page lists, by title, the chosen objects the user may not act on: any id typed in
the address named any page, document or image of the platform. Here that list keeps only what the
user may see anyway (pages of their sections, files of their collections).
"""

from django.apps import apps
from django.http import Http404
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

from pages.scope.files import visible_objects


class OnlyVisibleRefusals:
    def get_actionable_objects(self):
        objects, context = super().get_actionable_objects()
        visible = set(visible_objects(self.request.user, self.model).values_list("pk", flat=True))
        refused = [item for item in context["items_with_no_access"] if item.pk in visible]
        return objects, {**context, "items_with_no_access": refused}


def bulk_action(request, app_label: str, model_name: str, action: str):
    """Wagtail's dispatcher (wagtail.admin.views.bulk_action.index), with the refusals narrowed."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError as error:
        raise Http404 from error
    action_class = bulk_action_registry.get_bulk_action_class(app_label, model_name, action)
    if action_class is None:
        raise Http404
    scoped = type(action_class.__name__, (OnlyVisibleRefusals, action_class), {})
    return scoped(request, model).dispatch(request)
