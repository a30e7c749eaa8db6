"""Fill in and send the admin's forms as a browser would: every field as the page shows it."""

from collections import defaultdict

import lxml.html


def form_values(html: str, form_id: str | None = None) -> dict:
    """Return the values a browser would send for a form of the page (the admin's form by default)."""
    document = lxml.html.fromstring(html)
    forms = [f for f in document.forms if (f.get("id") == form_id if form_id else f.get("id", "").endswith("_form"))]
    assert forms, "no such form on the page"
    values = defaultdict(list)
    for name, value in forms[0].form_values():
        values[name].append(value)
    return {name: items[0] if len(items) == 1 else items for name, items in values.items()}


def edit(client, url: str, changes: dict, **post_options):
    """Open an admin form, change some fields and save it; return the response to the save."""
    page = client.get(url)
    assert page.status_code == 200, url
    data = {**form_values(page.content.decode()), **changes}
    return client.post(url, data, **post_options)


def errors(response) -> str:
    """The text of the error messages on an admin form page."""
    document = lxml.html.fromstring(response.content.decode())
    return " ".join(e.text_content().strip() for e in document.cssselect(".errorlist, .errornote"))


def admin_form(html, **changes) -> dict[str, list]:
    """The admin form's fields as lists of values (as raw HTTP posts send them), with `changes` applied."""
    values = {**form_values(html if isinstance(html, str) else html.decode()), **changes}
    return {name: value if isinstance(value, list) else [value] for name, value in values.items()}
