"""Find the GFM tables in a block of markdown lines, as rows of cells with their file line numbers."""

import re
from dataclasses import dataclass

from .problems import ImportProblem, Where

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")


@dataclass
class Row:
    line: int
    cells: list[str]


@dataclass
class Table:
    line: int
    header: list[str]
    rows: list[Row]


def split_row(line: str) -> list[str]:
    """The cells of a table line; `\\|` is a pipe inside a cell, and code spans may hold pipes."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells, current, in_code = [], [], False
    for index, char in enumerate(text):
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code and (index == 0 or text[index - 1] != "\\"):
            cells.append("".join(current))
            current = []
        else:
            current.append(char)
    cells.append("".join(current))
    return [cell.strip().replace("\\|", "|") for cell in cells]


def is_separator(line: str) -> bool:
    return "-" in line and bool(_SEPARATOR.match(line)) and ("|" in line or line.strip().startswith("-"))


def find_tables(lines: list[str], first_line: int, where: Where) -> tuple[list[Table], list[int]]:
    """Return the tables among `lines` (file line of lines[0] is `first_line`) and the indexes they use.

    A run of lines that look like table rows (they start with "|") but lack the `|---|` line under
    their header is not a table to kramdown either: it is reported as a broken table.
    """
    tables: list[Table] = []
    used: list[int] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if "|" in line and index + 1 < len(lines) and is_separator(lines[index + 1]):
            header = split_row(line)
            table = Table(line=first_line + index, header=header, rows=[])
            used += [index, index + 1]
            index += 2
            while index < len(lines) and lines[index].strip() and "|" in lines[index]:
                table.rows.append(Row(first_line + index, split_row(lines[index])))
                used.append(index)
                index += 1
            tables.append(table)
            continue
        if line.lstrip().startswith("|") and line.count("|") >= 2:
            raise ImportProblem(
                "this line looks like a table row, but the table has no “|---|---|” line under its "
                "header, so it is not a table; add the separator line.",
                where.at(first_line + index),
            )
        index += 1
    return tables, used
