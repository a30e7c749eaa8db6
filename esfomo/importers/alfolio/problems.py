"""What an import can run into: errors that stop it, and warnings that it reports and goes on after."""

from dataclasses import dataclass

from esfomo.content.writer import WriteError


@dataclass(frozen=True)
class Where:
    """A place in the checkout: a file relative to its root, and a line when one is known."""

    path: str
    line: int | None = None

    def __str__(self):
        return f"{self.path}:{self.line}" if self.line else self.path

    def at(self, line: int | None) -> "Where":
        return Where(self.path, line)


class ImportProblem(WriteError):
    """Input the importer refuses; nothing is written. The message names the file and line."""


@dataclass(frozen=True)
class Notice:
    """Something skipped or guessed; the import goes on."""

    message: str
    where: Where | None = None

    def __str__(self):
        return f"{self.where}: {self.message}" if self.where else self.message
