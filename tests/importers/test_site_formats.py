"""The importer reads the theme's variations, on sites written for these tests (see their READMEs)."""

import datetime
import io

import pytest
from PIL import Image

from esfomo.models import Edition
from people.models import Person, Sponsor
from program.models import Session
from tests.conftest import DATA

from .conftest import counts, run_import, snapshot

pytestmark = pytest.mark.django_db
EARLIER = DATA / "alfolio-earlier-edition"
COLLECTIONS = DATA / "alfolio-collections"
RAW_MARKUP = ("{%", "%}", "{{", "}}", "<!--", "-->", "{:", ":tada:", ":bulb:", "must never show")


def sessions_of(edition):
    zone = edition.tzinfo
    return [
        (s.kind, s.title, f"{s.start.astimezone(zone):%H:%M}", f"{s.end.astimezone(zone):%H:%M}", s.room)
        for s in Session.objects.for_edition(edition)
    ]


def talks_of(edition, title):
    session = Session.objects.for_edition(edition).with_talks().get(title=title)
    zone = edition.tzinfo
    return [
        (
            talk.title or talk.paper.title,
            f"{talk.start.astimezone(zone):%H:%M}" if talk.start else None,
            [(c.person.name, c.affiliation) for c in talk.credits],
        )
        for talk in session.talk_list
    ]


def roles_of(edition):
    return snapshot(edition)["roles"]


def all_text(edition) -> str:
    """Everything the import stored as text for an edition, to look for markup that leaked through."""
    shot = snapshot(edition)
    return repr(shot) + repr([s.description for s in Session.objects.for_edition(edition)])


@pytest.fixture
def earlier():
    output = run_import(EARLIER)
    return Edition.objects.get(year=2027), output


def test_an_earlier_style_edition_gets_its_settings_from_the_site(earlier):
    edition, output = earlier
    assert (edition.name, edition.date, edition.time_zone, edition.time_zone_label) == (
        "SparseSys",  # the OpenReview group's name
        datetime.date(2027, 12, 11),  # from "when & where?"
        "America/New_York",  # from "All times ET"…
        "ET",
    )
    assert "the time zone America/New_York was chosen from the schedule's “All times ET”" in output  # …and said
    assert (edition.conference, edition.conference_url, edition.city, edition.room) == (
        "NeurIPS 2027", "https://neurips.cc", "Montreal", "Hall B",
    )  # fmt: skip
    assert edition.tagline == "Fewer weights, more work."
    assert edition.banner and edition.banner_alt == "Sparse Systems logo"
    assert edition.schedule_note == "Rooms may change."
    assert edition.contact_email == "sparse.workshop@example.org"
    assert edition.submission_url == "https://openreview.net/group?id=NeurIPS.cc/2027/Workshop/SparseSys"
    assert edition.summary == "A workshop on **sparse models** and the systems that run them."
    # An extra homepage section joins the pitch, its :tada: turned into the emoji the site showed.
    assert "<h3>🎉 the awards</h3>" in edition.pitch_html and "Workshop on Sparse Systems" in edition.pitch_html
    assert "the homepage section “🎉 the awards” has no place of its own" in output
    assert "_pages/about.md:21: the gist item “looking for the 2026 edition?" in output


def test_session_blocks_timed_and_untimed_talks_rooms_and_panels(earlier):
    edition, _ = earlier
    assert sessions_of(edition) == [
        ("remarks", "Opening remarks", "08:50", "09:00", "Hall B"),
        ("invited_talk", "🎛️ Session I: Sparsity", "09:00", "10:00", ""),
        ("break", "Coffee break", "10:00", "10:30", ""),
        ("other", "Session II: Systems", "10:30", "12:00", "Room 210"),
        ("break", "Lunch break", "12:00", "13:00", ""),
        ("poster", "🧑‍🎓 Poster session", "13:00", "14:30", "Room 301"),
        ("panel", "💬 Panel: Where does sparsity pay off?", "14:30", "15:30", ""),
        ("spotlight", "Spotlights", "15:30", "16:00", ""),
        ("remarks", "Closing remarks & awards", "16:00", "16:30", ""),
    ]
    assert talks_of(edition, "🎛️ Session I: Sparsity") == [
        ("Pruning at Scale", "09:00", [("Mira Okafor", "Lakeside University")]),
        ("Sparse Adapters", "09:30", [("Tomás Ibarra", "North Lab")]),
    ]
    oral = Session.objects.get(edition=edition, title="🎛️ Session I: Sparsity").talks.get(position=2)
    assert (oral.paper.title, oral.paper.decision, oral.paper.url) == (
        "Sparse Adapters", "oral", "https://example.org/sparse-adapters",
    )  # fmt: skip
    assert talks_of(edition, "Session II: Systems") == [
        ("Compilers for Sparse Kernels", None, [("Lena Vogt", "Kernel Co")]),
        ("Memory-Light Serving", None, [("Ravi Menon", "Cloudwise")]),
    ]
    assert talks_of(edition, "💬 Panel: Where does sparsity pay off?") == [
        (
            "Where does sparsity pay off?",
            None,
            [("Mira Okafor", "Lakeside University"), ("Lena Vogt", "Kernel Co"), ("Jun Park", "Widget Labs"),
             ("Sofia Reyes", "Open Sparse")],
        )
    ]  # fmt: skip
    assert Session.objects.get(edition=edition, title="Spotlights").description == "TBA"


def test_categories_are_the_sites_own_and_one_person_has_several_roles(earlier):
    edition, _ = earlier
    roles = roles_of(edition)
    assert roles["speaker"] == [("mira-okafor", "Lakeside University"), ("lena-vogt", "Kernel Co")]
    assert roles["organizer"] == [("lena-vogt", "Kernel Co, Lakeside University"), ("ravi-menon", "Cloudwise")]
    # Card panelists first, in their order; then those only the schedule names.
    assert roles["panelist"] == [
        ("jun-park", "Widget Labs"),
        ("sofia-reyes", "Open Sparse"),
        ("lena-vogt", "Kernel Co"),
    ]
    assert roles["moderator"] == [("mira-okafor", "Lakeside University")]
    assert roles["hidden"] == [("ada-van-der-berg", "Old Lab")]
    ada = Person.objects.get(slug="ada-van-der-berg")
    assert (ada.given_name, ada.family_name) == ("Ada", "van der Berg")
    assert Person.objects.filter(slug="lena-vogt").count() == 1
    assert Person.objects.get(slug="ravi-menon").photo  # "ravi.PNG": the extension's case does not matter
    assert Person.objects.get(slug="tomas-ibarra").roles.count() == 0  # a presenter without a card


def test_sponsors_in_order_with_logos(earlier):
    edition, output = earlier
    sponsors = list(Sponsor.objects.for_edition(edition))
    assert [(s.name, s.url) for s in sponsors] == [
        ("Acme Compute", "https://acme.example.com"), ("Widget Labs", "https://widgets.example.com"),
    ]  # fmt: skip
    with sponsors[0].logo.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).mode == "RGBA"
    assert not sponsors[1].logo
    assert "_projects/widgetco.md:3: the sponsor Widget Labs has no logo yet" in output


def test_pages_keep_their_address_and_their_dates_are_recognised(earlier):
    edition, output = earlier
    shot = snapshot(edition)
    assert [(slug, title, in_menu, dates) for slug, title, _, in_menu, dates, _ in shot["pages"]] == [
        ("call", "📝 call for papers", True, True),
        ("faq", "FAQ", False, False),
    ]
    call_html = shot["pages"][0][-1]
    assert "key dates" not in call_html and "call for papers</h" not in call_html
    assert "<h2>💡 topics</h2>" in call_html
    assert "<li>Sparse kernels<ul>" in call_html.replace("\n", "")  # two-space nesting stays nested
    assert shot["dates"] == [
        ("Paper submission", datetime.date(2027, 9, 1), datetime.time(23, 59), "AoE", datetime.date(2027, 9, 8),
         "one-week extension", True),
        ("Notification", datetime.date(2027, 10, 1), None, "AoE", None, "", False),
    ]  # fmt: skip
    assert "_pages/2026.md: is the homepage of another edition" in output
    assert "_pages/papers.md: its address /papers/ is one the portal uses itself" in output


def test_liquid_comments_attribute_lists_and_emoji_codes_never_show(earlier):
    edition, _ = earlier
    text = all_text(edition)
    for markup in RAW_MARKUP:
        assert markup not in text
    faq = edition.pages.get(slug="faq")
    assert faq.body == "**Is the workshop archival?** No.\n\nWrite to sparse.workshop@example.org."


def test_a_second_import_of_the_earlier_edition_changes_nothing(earlier):
    before = counts()
    output = run_import(EARLIER)
    assert counts() == before
    assert " created" not in output and " updated" not in output


def test_collections_profiles_and_per_edition_importance():
    output = run_import(COLLECTIONS)
    edition = Edition.objects.get(year=2029)
    assert (edition.date, edition.time_zone, edition.city) == (
        datetime.date(2029, 4, 27),
        "Europe/Paris",
        "Rio de Janeiro",
    )
    assert "chosen from the schedule's “All times CEST”" in output
    roles = roles_of(edition)
    assert roles["speaker"] == [("priya-raman", "Coral Institute"), ("nora-quist", "Quist Robotics")]
    # Organizers from their collection, then the committee page's "Program committee" group.
    assert roles["organizer"] == [
        ("omar-haddad", "Harbor University, Coral Institute"), ("wen-li", "Harbor University"),
        ("hugo-blanc", "ETH Lausanne"), ("ines-duarte", "Lisbon Tech"),
    ]  # fmt: skip
    # Gustavo's importance has no 2029 entry: a past speaker, kept hidden; "Advisors" is no role of the portal.
    assert sorted(roles["hidden"]) == [("gustavo-lima", "Andes AI"), ("karl-jensen", "Nordic AI Lab")]
    assert roles["moderator"] == [("omar-haddad", "Harbor University, Coral Institute")]
    assert [slug for slug, _ in roles["panelist"]] == ["priya-raman", "wen-li", "nora-quist"]
    priya = Person.objects.get(slug="priya-raman")
    assert (priya.website, priya.scholar_url, priya.social_url) == (
        "https://priya.example.org",
        "https://scholar.google.com/citations?user=AbCdEf123",
        "https://x.com/priya_r",
    )
    assert priya.photo  # "/assets/img/priya.jpg": a leading slash is the site's root
    assert Person.objects.get(slug="omar-haddad").social_url == "https://bsky.app/profile/omar.example.org"
    assert Person.objects.get(slug="wen-li").social_url == "https://www.linkedin.com/in/wenli"
    assert sessions_of(edition) == [
        ("remarks", "Welcome", "09:00", "09:10", ""),
        ("invited_talk", "Keynote", "09:10", "09:50", ""),
        ("oral", "Contributed talks", "09:50", "10:30", ""),
        ("break", "Coffee Break", "10:30", "11:00", ""),
        ("panel", "Panel discussion: what breaks agents?", "11:00", "12:00", ""),
        ("poster", "Posters", "14:00", "14:30", ""),
    ]
    assert talks_of(edition, "Contributed talks") == [
        ("Recovering from tool failures", None, [("Hugo Blanc", "ETH Lausanne")]),
        ("Planning with stale maps", None, [("Wen Li", "Harbor University")]),
    ]
    assert 'href="/committee/"' in edition.pitch_html  # "{{ site.baseurl }}/committee/": the portal's own address
    committee = edition.pages.get(slug="committee")
    assert committee.in_menu and committee.body == "The committee reviews every paper **twice**."
