"""National-scale benchmark: up to 1,000,000 cases over 100 authorities, through gunicorn (`make bench-scale`)."""
