"""The agents' workspace pages in Wagtail's admin that read many cases at once (a Django app, label `workspace`).

- `state`: a list of cases named by its URL (filters, sort), its cases and order (`list_and_order`, from
  which the case page reads its previous and next case, cases/views/neighbours.py).
- `index`: the case index at /admin/dossiers/ (dense triage rows, one set of filters, sort, pager).
- `saved_views`: the index's tabs, built-in or saved by an agent (own) or a main agent (the authority's).
- `bulk`: the actions on the selected rows, at /admin/dossiers/actions/.
- `dashboard`: the case panels of Wagtail's home page (dashboard) and the authority switcher.
- `lists`: the two-level lists (domains, competent third parties) as modeladmin lists.

Their URLs are registered by cases/workspace/wagtail_hooks.py, the menu by cases/wagtail_hooks.py; the page
of one case lives in cases/views/. Every case query goes through cases/access.py.
"""
