"""Test-wide environment, set before Django reads its settings."""

import os

os.environ.setdefault("TESTING", "1")
os.environ["HUEY_IMMEDIATE"] = "1"
