"""The admin's forms as a browser submits them: every field with its current value, some changed."""

import lxml.html


def admin_form(html, **changes) -> dict[str, list[str]]:
    """Return the fields of the page's model form (inlines included), with `changes` applied."""
    form = next(f for f in lxml.html.fromstring(html).forms if f.get("enctype") == "multipart/form-data")
    data = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    data.update({name: value if isinstance(value, list) else [value] for name, value in changes.items()})
    return data
