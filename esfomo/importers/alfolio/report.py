"""What an import did (or, in a dry run, would do): each object created, updated, left alone or removed."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from .problems import Notice

CREATED, UPDATED, UNCHANGED, REMOVED = "created", "updated", "left alone", "removed"
# The summary's lines, in this order.
KINDS = (
    "edition", "person", "role", "sponsor", "session", "talk", "paper", "page", "important date", "announcement",
)  # fmt: skip
PLURALS = {"person": "people", "important date": "important dates"}


@dataclass(frozen=True)
class Change:
    kind: str
    label: str
    action: str
    fields: tuple[str, ...] = ()

    def __str__(self):
        return self.describe()

    def describe(self, dry_run: bool = False) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields and self.action == UPDATED else ""
        return f"{self.kind} “{self.label}”: {'would be ' if dry_run else ''}{self.action}{detail}"


class Report:
    def __init__(self):
        self.changes: list[Change] = []
        self.notices: list[Notice] = []
        self.images: Counter = Counter()

    def record(self, kind: str, label: str, action: str, fields=()):
        self.changes.append(Change(kind, str(label)[:120], action, tuple(fields)))

    def warn(self, notice: Notice):
        if notice not in self.notices:
            self.notices.append(notice)

    def counts(self) -> dict[str, Counter]:
        counts: dict[str, Counter] = defaultdict(Counter)
        for change in self.changes:
            counts[change.kind][change.action] += 1
        return counts

    def count(self, kind: str, action: str) -> int:
        return self.counts()[kind][action]

    @property
    def written(self) -> list[Change]:
        return [change for change in self.changes if change.action != UNCHANGED]

    def summary(self) -> list[str]:
        counts = self.counts()
        lines = []
        for kind in KINDS:
            if kind not in counts:
                continue
            parts = [f"{counts[kind][action]} {action}" for action in (CREATED, UPDATED, UNCHANGED, REMOVED)]
            lines.append(
                f"{PLURALS.get(kind, kind + 's')}: {', '.join(part for part in parts if not part.startswith('0 '))}"
            )
        if self.images:
            order = ("imported", UNCHANGED, "missing", "refused")
            lines.append("images: " + ", ".join(f"{self.images[key]} {key}" for key in order if self.images[key]))
        return lines
