"""Gunicorn settings for the web process (Procfile) and `make bench`; the host sets PORT and WEB_CONCURRENCY."""

import os

# PaaS routers connect to the port they give the process, on any interface.
bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
# Two workers suit a small web process (about 60 MB each); raise WEB_CONCURRENCY with the dyno's
# memory and cores. Not derived from the CPU count, which containers report for the whole host.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Sync workers: a request is short (a cached page, or a dozen queries); the router in front
# deals with slow clients. Not threads: an admin page renders for a few hundred milliseconds
# holding the GIL, and visitors and organizers would wait for each other (bench/load.py).
worker_class = "sync"
timeout = 30
# A restart lets requests in progress finish before the workers stop.
graceful_timeout = 20
# No shared control socket: several servers (processes of a release, tests) may run on one host.
control_socket_disable = True
# Errors to stderr, collected by the host; the router already logs every request.
errorlog = "-"
