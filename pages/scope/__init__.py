"""What each admin user sees of the pages, images and documents: their own sections and collections.

Wagtail's own permissions keep editors from changing another authority's pages and files, but several
of its admin views list or name them to every admin user: the page chooser (draft titles), the
filters of the page listings and of the site history (names of other authorities' staff), the
admin API's documents and images endpoints (any collection), the page types report (the latest
edited page of the whole site). This package narrows each of them to what the user may explore;
pages/wagtail_hooks.py and pages/scope/urls.py plug it in.
"""
