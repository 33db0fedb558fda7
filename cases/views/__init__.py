"""The case page of the agents' workspace (/admin/dossiers/<N>/) and its actions; URLs in `urls.py`."""
