"""The ceiling: the same gunicorn answering the same bytes as the site, with no framework in the way.

`bench/run.py` saves the site's responses (status, headers, body) to the JSON file named by
BENCH_RESPONSES and serves this module with the site's gunicorn configuration.
"""

import base64
import json
import os

with open(os.environ["BENCH_RESPONSES"], encoding="utf-8") as handle:
    RESPONSES = {
        path: (status, [tuple(header) for header in headers], base64.b64decode(body))
        for path, (status, headers, body) in json.load(handle).items()
    }
NOT_FOUND = ("404 Not Found", [("Content-Type", "text/plain")], b"not saved\n")


def application(environ, start_response):
    status, headers, body = RESPONSES.get(environ["PATH_INFO"], NOT_FOUND)
    start_response(status, headers)
    return [body]
