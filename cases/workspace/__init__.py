"""The agents' workspace pages in Wagtail's admin that read many cases at once.

- `index`: the case index at /admin/dossiers/ (a wagtail-modeladmin list: views, filters, search, pages).
- `dashboard`: the case panels of Wagtail's home page (dashboard) and the authority switcher.
- `lists`: the two-level lists (domains, competent third parties) as modeladmin lists.

They are registered with Wagtail by cases/wagtail_hooks.py; the page of one case lives in cases/views/.
Every case query goes through cases/access.py.
"""
