"""The demo content: the ES-FoMo 2025 edition of the seed homepage (and 2024, for the editions menu).

With the synthetic editions for benchmarks (synthetic.py), it composes whole editions: the site's
models with the people's and the programme's.

It is an edition archive kept as a folder (esfomo/content/archive.py), so `seed_demo` loads it
through the same writer as any archive. To change it, edit the demo in the admin of a local site,
then export it again (see DEVELOPERS.md).
"""

from pathlib import Path

DEMO = Path(__file__).with_name("archive")
