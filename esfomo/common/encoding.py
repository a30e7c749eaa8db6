"""Repair text that was saved with a wrong encoding (UTF-8 bytes read as Mac Roman or Windows-1252).

ftfy undoes most such damage. It leaves alone sequences that start with U+F8FF, the Apple logo
that Mac Roman gives the byte 0xF0, which leads every four-byte UTF-8 character (most emoji):
those are re-decoded here.
"""

import re

import ftfy

# A four-byte character read as Mac Roman: the Apple logo, then three characters.
_MAC_ROMAN_CHAR = re.compile("\uf8ff...", re.DOTALL)


def _redecode(match):
    text = match.group(0)
    try:
        return text.encode("mac_roman").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def repair_text(text: str) -> str:
    """Return the text with mojibake undone; text that is already right is returned unchanged."""
    # Typographic quotes are wanted: only the encoding is repaired.
    return _MAC_ROMAN_CHAR.sub(_redecode, ftfy.fix_text(text, uncurl_quotes=False))
