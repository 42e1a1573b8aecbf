"""The load benchmark of the production server (``make bench``); see bench/__main__.py."""
