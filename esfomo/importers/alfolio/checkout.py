"""Read an al-folio checkout safely: only files inside it, of sane sizes, and only UTF-8 text.

Everything the importer reads goes through `Checkout`, so a card whose `img` says
`../../etc/passwd`, or a symbolic link that leads out of the checkout, is refused in one place.
"""

import re
from pathlib import Path, PurePosixPath

from esfomo.common.encoding import repair_text

from .problems import ImportProblem, Where

# Real pages and cards are a few kilobytes; anything this large is not a hand-written page.
MAX_TEXT_BYTES = 1024 * 1024
# A hand-written paragraph is a few thousand characters: longer lines are refused, which also keeps
# every pattern the importer runs on a line fast whatever the line holds.
MAX_LINE_LENGTH = 20_000
_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.IGNORECASE)
_LIQUID = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


class TooLarge(ImportProblem):
    """A file over the size limit (images: a warning, pages: an error)."""


class Checkout:
    def __init__(self, root):
        path = Path(root)
        if not path.is_dir():
            raise ImportProblem(f"{root} is not a folder; give the path of an al-folio site checkout.")
        self.root = path.resolve()

    def where(self, path: Path, line: int | None = None) -> Where:
        return Where(self.relative(path), line)

    def relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def inside(self, path: Path) -> bool:
        return path.resolve().is_relative_to(self.root)

    def folder(self, name: str) -> Path | None:
        path = self.root / name
        return path if path.is_dir() and self.inside(path) else None

    def markdown_files(self, folder: str) -> list[Path]:
        """Every `.md` file of a folder and its subfolders (Jekyll reads collections recursively)."""
        base = self.folder(folder)
        if base is None:
            return []
        found = []
        for path in sorted(base.rglob("*")):
            relative = path.relative_to(base)
            # Jekyll skips dot-files and dot-folders; so do we.
            if any(part.startswith(".") for part in relative.parts):
                continue
            if path.suffix.lower() in (".md", ".markdown") and path.is_file():
                found.append(path)
        return found

    def read_text(self, path: Path) -> str:
        """Return a text file's content with its encoding damage repaired; refuse binary or huge files."""
        where = self.where(path)
        if not self.inside(path):
            raise ImportProblem("is a link to a file outside the checkout; it was not read.", where)
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise TooLarge(
                f"is {size / 1024 / 1024:.1f} MB; pages, cards and settings are at most "
                f"{MAX_TEXT_BYTES // 1024 // 1024} MB.",
                where,
            )
        data = path.read_bytes()
        if b"\x00" in data:
            line = data[: data.index(b"\x00")].count(b"\n") + 1
            raise ImportProblem("is binary data, not a text file.", where.at(line))
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise ImportProblem(
                f"is not UTF-8 text (byte 0x{data[error.start]:02x} cannot be read); save it as UTF-8.",
                where.at(line),
            ) from None
        # The old site's files were saved with a wrong encoding at times ("üî•" for 🔥); repairing
        # also turns Windows line ends into plain ones, so line numbers stay right.
        text = repair_text(text)
        for number, line in enumerate(text.split("\n"), start=1):
            if len(line) > MAX_LINE_LENGTH:
                raise ImportProblem(
                    f"this line is {len(line):,} characters long; lines of a page or card hold at most "
                    f"{MAX_LINE_LENGTH:,}.",
                    where.at(number),
                )
        return text

    def read_bytes(self, path: Path, limit: int) -> bytes:
        if not self.inside(path):
            raise ImportProblem("is a link to a file outside the checkout; it was not read.", self.where(path))
        size = path.stat().st_size
        if size > limit:
            raise TooLarge(
                f"{self.relative(path)} is {size / 1024 / 1024:.1f} MB; at most {limit // 1024 // 1024} MB "
                "are accepted."
            )
        return path.read_bytes()

    @staticmethod
    def is_remote(reference: str) -> bool:
        return bool(_REMOTE.match(reference.strip()))

    def find(self, reference: str, where: Where) -> Path | None:
        """Return the file a page or card refers to (`assets/img/x.jpg`), or None when it is absent.

        A leading slash means the site's root, as in Jekyll. A reference that leads out of the
        checkout, by `..` or by a symbolic link, is refused with an error naming the file and line.
        """
        cleaned = _LIQUID.sub("", reference).strip().split("?")[0].split("#")[0].replace("\\", "/")
        if "\x00" in cleaned or not cleaned:
            raise ImportProblem(f"the path “{reference[:80]}” is not a file name.", where)
        relative = PurePosixPath(cleaned.lstrip("/"))
        candidate = self.root.joinpath(*relative.parts)
        if not self.inside(candidate):
            raise ImportProblem(f"the path “{reference[:200]}” leads outside the site's folder; it was refused.", where)
        if candidate.is_file():
            return candidate
        # Jekyll on macOS and Windows finds "photo.JPG" for "photo.jpg": do the same on any system.
        parent = candidate.parent
        if parent.is_dir() and self.inside(parent):
            for entry in parent.iterdir():
                if entry.name.lower() == candidate.name.lower() and entry.is_file() and self.inside(entry):
                    return entry
        # Cards of some sites give only the file name, relative to the theme's image folder.
        if len(relative.parts) == 1 and relative.parts[0] != "assets":
            return self.find(f"assets/img/{relative.parts[0]}", where)
        return None
