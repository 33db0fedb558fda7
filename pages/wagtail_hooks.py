"""The public pages' side of Wagtail's admin: every user sees their own sections and collections (pages/scope/)."""

from wagtail import hooks

from pages.scope import files, pages

pages.scope_user_filters()

hooks.register("construct_page_chooser_queryset", pages.scope_page_chooser)
hooks.register("before_move_page", pages.refuse_foreign_move)
hooks.register("construct_reports_menu", pages.hide_platform_reports)
# Wagtail's documents and images apps register their endpoints at the default order (0).
hooks.register("construct_admin_api", files.register_scoped_file_endpoints, order=100)
