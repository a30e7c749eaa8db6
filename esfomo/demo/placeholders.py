"""Generated stand-ins for the demo's portraits, logo and banner: the project ships no one's photo."""

import colorsys
import hashlib
import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw, ImageFont


def _hue_colors(seed: str):
    digest = hashlib.sha256(seed.encode()).digest()
    hue = digest[0] / 255

    def rgb(lightness, saturation):
        return tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness, saturation))

    return rgb(0.32, 0.45), rgb(0.55, 0.55)


def _font(size):
    return ImageFont.load_default(size=size)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def portrait(name: str, initials: str, size: int = 480) -> ContentFile:
    """A square portrait placeholder: the person's initials on a gradient of their own colour."""
    dark, light = _hue_colors(name)
    image = Image.new("RGB", (size, size), dark)
    draw = ImageDraw.Draw(image)
    for y in range(size):
        t = y / size
        draw.line([(0, y), (size, y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(dark, light, strict=True)))
    draw.text((size / 2, size / 2), initials, fill="white", font=_font(size // 3), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return ContentFile(buffer.getvalue(), name=f"{name}.jpg")


def logo(name: str, width: int = 800, height: int = 400, color=(12, 24, 40)) -> ContentFile:
    """A wordmark on a transparent background."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 120, 160, 280), radius=24, fill=(*color, 255))
    draw.text((190, height / 2), name, fill=(*color, 255), font=_font(height // 4), anchor="lm")
    return ContentFile(_png(image), name=f"{name.lower()}.png")


def banner(title: str, subtitle: str, width: int = 1024, height: int = 300) -> ContentFile:
    """A wide banner with the workshop's name, in the site's green."""
    image = Image.new("RGB", (width, height), (29, 106, 57))
    draw = ImageDraw.Draw(image)
    for x in range(0, width + height, 28):
        draw.line([(x, 0), (x - height, height)], fill=(36, 120, 66), width=10)
    draw.rectangle((40, 40, width - 40, height - 40), outline="white", width=6)
    draw.text((width / 2, height / 2 - 28), title, fill="white", font=_font(84), anchor="mm")
    draw.text((width / 2, height / 2 + 52), subtitle, fill=(226, 242, 231), font=_font(30), anchor="mm")
    return ContentFile(_png(image), name="banner.png")
