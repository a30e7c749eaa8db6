"""The picture shown when an edition's pages are shared (OpenGraph and Twitter cards), made with Pillow.

A card depends only on what it shows; its file name carries a digest of that, so a card is drawn
once, kept in the media storage, and drawn anew (under a new name) when the edition changes.
"""

import hashlib
import io
import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
GREEN, STRIPE, PALE = (29, 106, 57), (36, 120, 66), (226, 242, 231)
MARGIN = 80
# Bumped when the drawing below changes, so every card is drawn again.
DESIGN = 1


def card_text(edition) -> dict:
    where = " · ".join(part for part in (edition.conference, edition.city) if part)
    when = f"{edition.date:%B} {edition.date.day}, {edition.date:%Y}"
    return {"name": edition.name, "title": edition.title, "line": f"{where} · {when}" if where else when}


def card_key(edition) -> str:
    text = json.dumps([DESIGN, card_text(edition)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def card_name(edition) -> str:
    return f"social/{edition.acronym}-{card_key(edition)}.png"


def card_path(edition) -> str:
    """The card's address on this site; the query changes with the card, so shared caches refetch it."""
    return reverse("esfomo:social-card", kwargs={"year": edition.year}) + f"?v={card_key(edition)}"


def card_for(edition, storage=default_storage) -> bytes:
    """Return the edition's card as PNG bytes, drawing and keeping it the first time it is asked for."""
    name = card_name(edition)
    if storage.exists(name):
        with storage.open(name, "rb") as handle:
            return handle.read()
    data = draw_card(edition)
    # Two processes may draw the same card at once: both write the same picture, the second one wins.
    if not storage.exists(name):
        storage.save(name, ContentFile(data))
    return data


def _font(size):
    return ImageFont.load_default(size=size)


def _wrap(draw, text, font, width, lines):
    """Break text into at most `lines` lines that fit `width`, ending with an ellipsis when cut."""
    words, result = text.split(), [""]
    for word in words:
        candidate = f"{result[-1]} {word}".strip()
        if draw.textlength(candidate, font=font) <= width or not result[-1]:
            result[-1] = candidate
        elif len(result) < lines:
            result.append(word)
        else:
            result[-1] = result[-1].rstrip(".,;:") + "…"
            break
    return result


def draw_card(edition) -> bytes:
    text = card_text(edition)
    image = Image.new("RGB", (WIDTH, HEIGHT), GREEN)
    draw = ImageDraw.Draw(image)
    for x in range(0, WIDTH + HEIGHT, 36):
        draw.line([(x, 0), (x - HEIGHT, HEIGHT)], fill=STRIPE, width=12)
    draw.rectangle((40, 40, WIDTH - 40, HEIGHT - 40), outline="white", width=6)
    width = WIDTH - 2 * MARGIN
    y = 120
    name_font = _font(96)
    for line in _wrap(draw, text["name"], name_font, width, 1):
        draw.text((MARGIN, y), line, fill="white", font=name_font)
        y += 112
    title_font = _font(52)
    for line in _wrap(draw, text["title"], title_font, width, 3):
        draw.text((MARGIN, y), line, fill=PALE, font=title_font)
        y += 64
    line_font = _font(40)
    line = _wrap(draw, text["line"], line_font, width, 1)[0]
    draw.text((MARGIN, HEIGHT - 120), line, fill="white", font=line_font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
