"""Read a whole al-folio checkout into drafts: settings, homepage, pages, people, schedule, dates.

Nothing here touches the database: reading finishes (or fails, naming the file and line) before
anything is written, which is what lets a dry run say exactly what an import would do.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from people.models import Role

from .cards import CardDraft, kind_for_words, parse_card
from .checkout import Checkout
from .dates import DateDraft
from .frontmatter import Document, Mapping, load_yaml, split
from .homepage import SUBMISSION, HomepageDraft, parse_homepage, year_in
from .pages import PageDraft, parse_page, permalink
from .problems import ImportProblem, Notice
from .roster import Roster
from .schedule import SessionDraft, assign_keys, parse_schedule

# Collections other sites keep their people in, and the role each stands for.
PEOPLE_COLLECTIONS = ("speakers", "organizers", "organisers", "panelists", "moderators", "sponsors", "committee")
HOMEPAGE_FILES = ("_pages/about.md", "_pages/index.md", "index.md", "about.md")


@dataclass
class SiteDraft:
    checkout: Checkout
    year: int
    config: Mapping
    homepage: HomepageDraft
    pages: list[PageDraft] = field(default_factory=list)
    roster: Roster = field(default_factory=Roster)
    sessions: list[SessionDraft] = field(default_factory=list)
    dates: list[DateDraft] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def setting(self, key) -> str:
        value = self.config.get(key)
        return str(value).strip() if isinstance(value, (str, int, float)) else ""


def _document(checkout: Checkout, path: Path) -> Document:
    return split(checkout.read_text(path), checkout.where(path))


def read_config(checkout: Checkout) -> Mapping:
    path = checkout.root / "_config.yml"
    if not path.is_file():
        return Mapping()
    return load_yaml(checkout.read_text(path), checkout.where(path))


def read_site(checkout: Checkout, year: int | None = None, step=lambda: None) -> SiteDraft:
    """Read and check everything; `step` is called once per file read (for a progress bar)."""
    config = read_config(checkout)
    step()
    site_vars = {key: value for key, value in config.items() if isinstance(value, (str, int, float))}
    # The portal serves the edition at its own addresses: links written "{{ site.baseurl }}/call/" mean "/call/".
    site_vars["baseurl"] = ""
    page_files = checkout.markdown_files("_pages")
    documents = []
    for path in page_files:
        documents.append(_document(checkout, path))
        step()
    homepage_document = _homepage(checkout, documents)
    year = year or year_in(str(homepage_document.data.get("subtitle") or "")) or year_in(str(config.get("title", "")))
    if not year:
        raise ImportProblem("the site does not say which year's edition it is; pass --edition YEAR.")
    homepage = parse_homepage(homepage_document, site_vars, year)
    draft = SiteDraft(
        checkout=checkout, year=year, config=config, homepage=homepage, roster=Roster(homepage.categories)
    )
    draft.notices += homepage.notices
    cards: list[CardDraft] = []
    for document in documents:
        if document is homepage_document:
            continue
        if permalink(document) in ("/", "/index.html"):
            draft.notices.append(
                Notice("has the homepage's address “/” too; only one homepage is imported.", document.where)
            )
            continue
        reading = parse_page(document, site_vars, year)
        draft.notices += reading.notices
        cards += reading.cards
        if reading.page:
            draft.pages.append(reading.page)
    if not homepage.submission_url:
        # The call for papers is where a submission link usually is when the homepage has none.
        links = (SUBMISSION.search(page.body) for page in draft.pages)
        homepage.submission_url = next((link.group(0) for link in links if link), "")
    for collection in _collections(checkout, homepage):
        default = "" if collection.startswith("projects") else (kind_for_words(collection) or collection)
        for order, path in enumerate(checkout.markdown_files(f"_{collection}")):
            document = _document(checkout, path)
            step()
            if document.body_line == 1:
                continue  # a file without front matter is no card to Jekyll either
            cards.append(parse_card(document.data, document.where, year, default, order))
    for card in cards:
        draft.roster.add(card)
    draft.roster.settle()
    for table, day in homepage.tables:
        draft.sessions += parse_schedule(table, homepage.where, draft.roster.is_known, day)
    assign_keys(draft.sessions)
    _panel_roles(draft)
    draft.dates = merge_dates([date for page in draft.pages for date in page.dates], homepage.dates, draft.notices)
    return draft


def _homepage(checkout: Checkout, documents: list[Document]) -> Document:
    by_path = {document.where.path: document for document in documents}
    for name in HOMEPAGE_FILES[:2]:
        if name in by_path:
            return by_path[name]
    for document in documents:
        if permalink(document) in ("/", "/index.html"):
            return document
    for name in HOMEPAGE_FILES[2:]:
        if (checkout.root / name).is_file():
            return _document(checkout, checkout.root / name)
    raise ImportProblem(
        "found no homepage: an al-folio site has _pages/about.md (or a page whose permalink is “/”). "
        "Is this the site's folder?"
    )


def _collections(checkout: Checkout, homepage: HomepageDraft) -> list[str]:
    names = ["projects", *homepage.collections, *PEOPLE_COLLECTIONS]
    return [name for name in dict.fromkeys(names) if checkout.folder(f"_{name}")]


def _panel_roles(draft: SiteDraft) -> None:
    order = 0
    for session in draft.sessions:
        for talk in session.talks:
            for credit in talk.credits:
                if credit.role in (Role.Kind.PANELIST, Role.Kind.MODERATOR):
                    order += 1
                    draft.roster.add_schedule_role(credit.name, credit.role, credit.affiliation, talk.where, order)


def _same_date(one: DateDraft, other: DateDraft) -> bool:
    words = {word for word in one.label.lower().split() if word not in ("the", "a", "of")}
    return one.effective_date == other.effective_date and bool(words & set(other.label.lower().split()))


def merge_dates(page_dates: list[DateDraft], announced: list[DateDraft], notices: list[Notice]) -> list[DateDraft]:
    """The edition's dates: the pages' list, with the homepage's announced ones matched to them or added."""
    merged: list[DateDraft] = []
    for date in page_dates:
        if any(other.label.lower() == date.label.lower() for other in merged):
            notices.append(Notice(f"the date “{date.label}” is listed twice; the first is kept.", date.where))
            continue
        merged.append(date)
    for date in announced:
        twin = next((other for other in merged if _same_date(other, date)), None)
        if twin is None:
            merged.append(date)
            continue
        twin.announce = True
        twin.time = twin.time or date.time
        twin.zone = twin.zone or date.zone
        twin.extension_reason = twin.extension_reason or date.extension_reason
        if twin.extended_date is None and date.extended_date is not None:
            twin.date, twin.extended_date = date.date, date.extended_date
    # A date written without its zone ("Acceptance notification: June 9") shares the list's zone.
    zone = next((date.zone for date in merged if date.zone), None)
    for date in merged:
        date.zone = date.zone or zone or "AoE"
    return sorted(merged, key=lambda date: (date.effective_date, date.time or datetime.time.max))
