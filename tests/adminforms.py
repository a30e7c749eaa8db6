"""Read an admin form as a browser would submit it, so tests post exactly what the page offers."""

import lxml.html


def form_values(response, form_id=None) -> dict:
    """Return the successful controls of the page's form (the first one, or `form_id`) as a dict.

    Checkboxes appear only when ticked and files never, as in a browser; a name that occurs
    several times (a multiple select) maps to a list.
    """
    document = lxml.html.fromstring(response.content.decode())
    forms = document.forms if form_id is None else [document.get_element_by_id(form_id)]
    # HTML drops the newline right after <textarea>, as browsers do; lxml keeps it.
    textareas = {element.name for element in forms[0].xpath(".//textarea")}
    data = {}
    for name, value in forms[0].form_values():
        if name in textareas and value.startswith("\n"):
            value = value[1:]
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    return data


def errors_of(response) -> list[str]:
    """Return the texts of the error lists on an admin page."""
    document = lxml.html.fromstring(response.content.decode())
    return [item.text_content().strip() for item in document.cssselect(".errorlist li, .errornote")]
