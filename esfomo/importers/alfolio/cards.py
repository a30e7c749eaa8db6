"""People and sponsor cards: al-folio `_projects/*.md`, `_speakers/`-style collections, `profiles:` lists.

A card names one person (or sponsor) with an affiliation, links, a photo, an order and a category.
The theme's own cards write the name as `<b>First</b> <br> Last`; other sites use `name:` with
`affiliation:`, `website:`, `scholar:` and `twitter:`. `importance` orders the cards, either as one
number or per edition (`importance: {2024: 3, 2025: 1}`; a card without this edition's entry
belongs to another edition and is kept as a hidden role).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from people.models import Role, Sponsor

from .frontmatter import Mapping
from .kramdown import plain, split_br
from .problems import ImportProblem, Where

NAME_PARTICLES = {
    "al", "bin", "da", "das", "de", "del", "della", "der", "di", "do", "dos", "du", "el", "ibn",
    "la", "le", "st", "ten", "ter", "van", "von", "y", "zu",
}  # fmt: skip
_BOLD = re.compile(r"<(b|strong)\b[^>]*>(.*?)</\1\s*>|\*\*(.+?)\*\*", re.IGNORECASE | re.DOTALL)
_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
_HANDLE = re.compile(r"^@?([A-Za-z0-9_.-]{1,100})$")

WEBSITE_KEYS = ("redirect", "website", "url", "homepage", "link", "web")
SCHOLAR_KEYS = ("scholar", "google_scholar", "scholar_url", "scholar_userid")
SOCIAL_KEYS = {
    "twitter": "https://x.com/{}",
    "x": "https://x.com/{}",
    "bluesky": "https://bsky.app/profile/{}",
    "linkedin": "https://www.linkedin.com/in/{}",
    "github": "https://github.com/{}",
    "mastodon": None,
    "social": None,
}
IMAGE_KEYS = ("img", "image", "photo", "picture", "avatar", "logo")
ORDER_KEYS = ("importance", "order", "weight", "position")

# Words that say which role a category, collection or section heading stands for.
KIND_WORDS = [
    (Role.Kind.SPEAKER, re.compile(r"speak|keynote|invited|talk")),
    (Role.Kind.PANELIST, re.compile(r"panel")),
    (Role.Kind.MODERATOR, re.compile(r"moderat")),
    (Role.Kind.ORGANIZER, re.compile(r"organi[sz]|committee|chair|team")),
    ("sponsor", re.compile(r"sponsor|partner|supporter")),
]
# When one person has several cards, the card of the most visible role gives their links and photo.
KIND_PRIORITY = [Role.Kind.SPEAKER, Role.Kind.ORGANIZER, Role.Kind.PANELIST, Role.Kind.MODERATOR, Role.Kind.HIDDEN]


# Given and family name fit 100 characters each; markup around them (<b>, <br>) takes a few more.
MAX_NAME = 300


@dataclass(frozen=True)
class ImageRef:
    reference: str
    where: Where


@dataclass
class CardDraft:
    where: Where
    given_name: str
    family_name: str
    affiliation: str = ""
    website: str = ""
    scholar_url: str = ""
    social_url: str = ""
    image: ImageRef | None = None
    categories: list[str] = field(default_factory=list)
    # Lower comes first; cards without an order come after those with one, in file order.
    importance: float = float("inf")
    # False when the card's per-edition order leaves this edition out: a past card, kept hidden.
    in_edition: bool = True
    tier: str = ""
    order: int = 0

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


def kind_for_words(text: str) -> str | None:
    """The role kind (or "sponsor") a category or heading names, e.g. "invited speakers" -> speaker."""
    lowered = text.lower()
    for kind, pattern in KIND_WORDS:
        if pattern.search(lowered):
            return kind
    return None


def name_key(name: str) -> str:
    """Compare names without case, accents or extra spaces: "Barış  Kasıkçı" ~ "baris kasikci"."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ı", "i"))
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s'-]", " ", letters.casefold()).split())


def split_name(title) -> tuple[str, str]:
    """Split a card title into given and family name.

    `<b>Albert</b> <br> Gu` -> ("Albert", "Gu"); `<b>Together</b> <br>` -> ("Together", "");
    `Mary Ann van der Berg` -> ("Mary Ann", "van der Berg"); the bold part or the line before
    `<br>` is the given name, as the theme shows it.
    """
    text = str(title).strip()
    bold = _BOLD.search(text)
    if bold:
        given = plain(bold.group(2) if bold.group(2) is not None else bold.group(3))
        rest = plain(" ".join(split_br(text[: bold.start()] + " " + text[bold.end() :])))
        if given:
            return given, rest
        text = rest
    lines = [plain(line) for line in split_br(text)]
    lines = [line for line in lines if line]
    if len(lines) > 1:
        return lines[0], " ".join(lines[1:])
    words = (lines[0] if lines else "").split()
    if len(words) <= 1:
        return (words[0] if words else ""), ""
    family_start = len(words) - 1
    while family_start > 1 and words[family_start - 1].lower() in NAME_PARTICLES:
        family_start -= 1
    return " ".join(words[:family_start]), " ".join(words[family_start:])


def _text(data: Mapping, key, where: Where) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if isinstance(value, (list, tuple)) and all(isinstance(item, (str, int, float)) for item in value):
        return ", ".join(str(item).strip() for item in value if str(item).strip())
    if not isinstance(value, (str, int, float)):
        raise ImportProblem(f"“{key}” must be text, not a {type(value).__name__}.", where.at(data.line_of(key)))
    return str(value).strip()


def _first(data: Mapping, keys, where: Where) -> tuple[str, str | None]:
    for key in keys:
        value = _text(data, key, where)
        if value:
            return value, key
    return "", None


def web_address(value: str) -> str:
    """A link as a full address; a site-relative path ("/projects/x/") is no person's website."""
    value = value.strip()
    if not value or value.startswith(("/", "#", "mailto:")):
        return ""
    return value if _SCHEME.match(value) else f"https://{value}"


def scholar_address(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    if "/" in value or "." in value:
        return web_address(value)
    return f"https://scholar.google.com/citations?user={value}"


def social_address(data: Mapping, where: Where) -> str:
    for key, template in SOCIAL_KEYS.items():
        value = _text(data, key, where)
        if not value:
            continue
        if _SCHEME.match(value) or "/" in value:
            return web_address(value)
        handle = _HANDLE.match(value)
        if template and handle:
            return template.format(handle.group(1))
    return ""


def per_edition(data: Mapping, key, year: int):
    """A value that may be given per edition: `{2024: 3, 2025: 1}`. Returns (value, present)."""
    value = data.get(key)
    if isinstance(value, dict):
        for candidate in (year, str(year)):
            if candidate in value:
                return value[candidate], True
        return None, False
    return value, value is not None


def _importance(data: Mapping, year: int, where: Where) -> tuple[float, bool]:
    for key in ORDER_KEYS:
        if key not in data:
            continue
        value, present = per_edition(data, key, year)
        if isinstance(data.get(key), dict) and not present:
            return float("inf"), False
        if value is None:
            return float("inf"), True
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ImportProblem(
                f"“{key}” must be a number (the card's place in its list), or one per edition such as "
                f"{{2024: 3, {year}: 1}}; found “{str(value)[:40]}”.",
                where.at(data.line_of(key)),
            ) from None
        if number != number or abs(number) > 1e9:  # NaN or absurd
            raise ImportProblem(f"“{key}” is not a usable number: {value}.", where.at(data.line_of(key)))
        return number, True
    return float("inf"), True


def _categories(data: Mapping, year: int, default: str, where: Where) -> list[str]:
    for key in ("category", "categories"):
        if key not in data:
            continue
        value, present = per_edition(data, key, year)
        if not present or value is None:
            return ["none"]
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(item, (str, int)) for item in values):
            raise ImportProblem(f"“{key}” must be a word such as “speaker”.", where.at(data.line_of(key)))
        return [str(item).strip().lower() for item in values if str(item).strip()] or ["none"]
    return [default] if default else ["none"]


def parse_card(data: Mapping, where: Where, year: int, default_category: str = "", order: int = 0) -> CardDraft:
    """Read one card's front matter (or one person of a `profiles:` list)."""
    card_where = where.at(data.line) if data.line else where
    data = _lower_keys(data)
    name, name_key_used = _first(data, ("name", "title", "full_name"), card_where)
    if not name and data.get("more_info"):
        name = _name_from_more_info(_text(data, "more_info", card_where))
    if not name:
        raise ImportProblem("the card has no “title” or “name”, so it names nobody.", card_where)
    if len(name) > MAX_NAME:
        raise ImportProblem(
            f"the card's name is {len(name):,} characters long; a name holds at most {MAX_NAME}.",
            card_where.at(data.line_of(name_key_used)) if name_key_used else card_where,
        )
    given, family = split_name(name)
    if not given:
        raise ImportProblem(f"the card's name “{name[:80]}” is empty once its markup is removed.", card_where)
    affiliation, _ = _first(data, ("description", "affiliation", "affiliations", "institution", "org"), card_where)
    if not affiliation and data.get("more_info"):
        affiliation = _affiliation_from_more_info(_text(data, "more_info", card_where))
    image_value, image_key = _first(data, IMAGE_KEYS, card_where)
    importance, in_edition = _importance(data, year, card_where)
    website, _ = _first(data, WEBSITE_KEYS, card_where)
    scholar, _ = _first(data, SCHOLAR_KEYS, card_where)
    return CardDraft(
        where=card_where.at(data.line_of(name_key_used)) if name_key_used else card_where,
        given_name=given,
        family_name=family,
        affiliation=", ".join(part.strip() for part in split_br(plain_keep_commas(affiliation)) if part.strip()),
        website=web_address(website),
        scholar_url=scholar_address(scholar),
        social_url=social_address(data, card_where),
        image=ImageRef(image_value, card_where.at(data.line_of(image_key))) if image_value else None,
        categories=_categories(data, year, default_category, card_where),
        importance=importance,
        in_edition=in_edition,
        tier=_text(data, "tier", card_where).lower(),
        order=order,
    )


def _lower_keys(data: Mapping) -> Mapping:
    """The same mapping with lower-case keys ("Name", "Affiliation" in some sites), lines kept."""
    lowered = Mapping({str(key).lower(): value for key, value in data.items()})
    lowered.line = data.line
    lowered.lines = {str(key).lower(): line for key, line in getattr(data, "lines", {}).items()}
    return lowered


def plain_keep_commas(text: str) -> str:
    """Affiliations as plain text, keeping the `<br>` between several of them as separators."""
    return "<br>".join(plain(part) for part in split_br(text))


def _name_from_more_info(text: str) -> str:
    bold = _BOLD.search(text)
    return plain(bold.group(2) or bold.group(3)) if bold else plain(text.splitlines()[0] if text else "")


def _affiliation_from_more_info(text: str) -> str:
    lines = [plain(line) for line in text.splitlines()]
    return ", ".join(line for line in lines[1:] if line)


def sponsor_tier(card: CardDraft) -> str:
    return card.tier if card.tier in Sponsor.Tier.values else Sponsor.Tier.SUPPORTER
