"""Production settings plus the benchmark's query counter and floor view; never used outside `make bench-scale`."""

from mediature.settings import *  # noqa: F403
from mediature.settings import MIDDLEWARE

MIDDLEWARE = ["tests.benchmarks.scale.probe.QueryProbe", *MIDDLEWARE]
ROOT_URLCONF = "tests.benchmarks.scale.urls"
