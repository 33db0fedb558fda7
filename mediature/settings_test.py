"""Settings for pytest: the real settings, with the test switches set before they are read."""

import os

os.environ.setdefault("TESTING", "1")
os.environ["HUEY_IMMEDIATE"] = "1"
# The browser tests' live server answers in threads that keep a persistent connection open for as long
# as Chromium keeps its socket; with none kept, pytest can always drop the test database at the end.
os.environ["DB_CONN_MAX_AGE"] = "0"

from mediature.settings import *  # noqa: E402, F403
