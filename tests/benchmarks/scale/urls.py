"""The platform's URLs with the floor view in front (a path no page uses)."""

from django.urls import path

from mediature.urls import urlpatterns as platform_urls
from tests.benchmarks.scale.probe import floor

urlpatterns = [path("__banc__/plancher/<slug:key>/", floor), *platform_urls]
