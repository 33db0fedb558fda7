"""Settings for pytest: the real settings, with the test switches set before they are read."""

import os

os.environ.setdefault("TESTING", "1")
os.environ["HUEY_IMMEDIATE"] = "1"

from mediature.settings import *  # noqa: E402, F403
