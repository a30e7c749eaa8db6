"""Organizer markdown is rendered once on save and cannot carry script into a page."""

import pytest
from django.core.exceptions import ValidationError

from esfomo.common.markup import render_inline, render_markdown, validate_markdown
from tests.factories import PageFactory

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<svg onload="alert(1)"><circle r="10"/></svg>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onclick="alert(1)">x</div>',
    "<object data=x></object><embed src=x>",
    '<form action="https://evil.example"><input name=x></form>',
    "<style>body{display:none}</style>",
    '<a href="vbscript:msgbox(1)">x</a>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_strings_lose_every_active_part(attack):
    html = render_markdown(f"Hello\n\n{attack}\n\nbye").lower()
    for forbidden in ("<script", "onerror", "onload", "onclick", "javascript:", "vbscript:", "data:", "<iframe",
                      "<svg", "<object", "<embed", "<form", "<input", "<style", "style="):  # fmt: skip
        assert forbidden not in html
    assert "hello" in html


def test_ordinary_markdown_keeps_links_emphasis_lists_and_tables():
    html = render_markdown("**bold** [call](/call/) [mail](mailto:a@b.c)\n\n* one\n* two\n\n|a|b|\n|-|-|\n|1|2|")
    assert "<strong>bold</strong>" in html
    assert '<a href="/call/" rel="noopener noreferrer">call</a>' in html
    assert 'href="mailto:a@b.c"' in html
    assert "<li>one</li>" in html and "<td>1</td>" in html


def test_headings_are_shifted_under_the_page_title():
    html = render_markdown("# Big\n\n### Smaller", top_heading=2)
    assert "<h2>Big</h2>" in html and "<h4>Smaller</h4>" in html
    assert "<h2>Only</h2>" in render_markdown("#### Only", top_heading=2)


def test_inline_text_has_no_wrapping_paragraph_and_typographic_dashes():
    assert render_inline("crash it--restart it") == "crash it–restart it"


@pytest.mark.django_db
def test_markdown_is_rendered_when_saved_not_when_shown(client, monkeypatch):
    page = PageFactory(body="<script>x</script>**saved**")
    assert page.body_html == "<p><strong>saved</strong></p>"
    page.body = "*changed*"
    page.save()
    page.refresh_from_db()
    assert page.body_html == "<p><em>changed</em></p>"

    def no_markdown_here(*args, **kwargs):
        raise AssertionError("markdown rendered while serving a page")

    monkeypatch.setattr("esfomo.common.markup.markdown.markdown", no_markdown_here)
    assert client.get("/").status_code == 200
    assert client.get("/call/").status_code == 200


@pytest.mark.parametrize("attack", ATTACKS)
def test_attack_strings_are_refused_with_a_reason(attack):
    with pytest.raises(ValidationError) as refused:
        validate_markdown(f"Hello\n\n{attack}\n\nbye")
    assert all(message.startswith("Remove") for message in refused.value.messages)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("<script>alert(1)</script>", "<script>"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe>"),
        ("<img src=x onerror=alert(1)>", "onerror="),
        ("[click](javascript:alert(1))", "javascript: link"),
        ("[click](data:text/html;base64,PHNjcmlwdD4=)", "data: link"),
        ('<p style="position:fixed">x</p>', 'style="…"'),
    ],
)
def test_the_reason_names_what_to_remove(text, reason):
    with pytest.raises(ValidationError) as refused:
        validate_markdown(text)
    assert reason in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    "text",
    [
        "Write `<script>` in code, or\n\n    <iframe src=x></iframe>\n\nas a code block.",
        "[call](/call/), [web](https://example.org/?a=1&b=2), [mail](mailto:a@b.c), [anchor](#dates)",
        "An **ES-FoMo** <abbr title='Foundation Models'>FoMo</abbr> table:\n\n|a|b|\n|-|-|\n|1|2|",
        "A <b>bold</b> <br> and <em>emphasis</em>, 2 < 3 and 4 > 1, and an onion: on top.",
    ],
)
def test_ordinary_text_is_accepted(text):
    validate_markdown(text)


@pytest.mark.django_db
def test_the_demo_content_is_accepted():
    from esfomo.models import Announcement, Edition, Page
    from program.models import Session

    texts = [
        *(text for e in Edition.objects.all() for text in (e.subtitle, e.tagline, e.summary, e.pitch)),
        *Page.objects.values_list("body", flat=True),
        *Announcement.objects.values_list("body", flat=True),
        *Session.objects.values_list("description", flat=True),
    ]
    assert len(texts) > 20
    for text in texts:
        validate_markdown(text)
