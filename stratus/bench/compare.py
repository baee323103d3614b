"""`stratus bench --compare FILE`: each figure of this run beside the same figure of a previous one.

Both runs are read as `stratus bench` writes them (docs/benchmarks.md): every table row is keyed by its
section, its table's header and its first cell; every numeric cell is a figure. The comparison lists, for
each figure present in both, the previous value, this value and their ratio (this ÷ previous), so that a
regression reads as a ratio above 1 for times and counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"^[~\u2248]?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(?:ms|\u00d7|%|s|MiB|kB|MB)?$")


@dataclass(frozen=True)
class Figure:
    section: str
    row: str
    column: str
    value: float


@dataclass(frozen=True)
class Change:
    figure: str  # "section / row / column"
    before: float
    after: float

    @property
    def ratio(self) -> float | None:
        return None if self.before == 0 else self.after / self.before


def figures(markdown: str) -> dict[tuple[str, str, str], float]:
    """Every numeric table cell, by (section heading, first cell of its row, column header)."""
    found: dict[tuple[str, str, str], float] = {}
    section, header = "", list[str]()
    for raw in markdown.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            section, header = line.lstrip("#").strip(), []
            continue
        if not line.startswith("|"):
            header = []
            continue
        cells = [c.strip().strip("*") for c in line.strip("|").split("|")]
        if not header:
            header = cells
            continue
        if all(set(c) <= set("-: ") for c in cells):
            continue  # the alignment row
        for column, cell in zip(header[1:], cells[1:], strict=False):
            number = _NUMBER.match(cell.replace("**", ""))
            if number:
                found[(section, cells[0], column)] = float(number.group(1).replace(",", ""))
    return found


def compare(before: str, after: str) -> list[Change]:
    old, new = figures(before), figures(after)
    return [
        Change(" / ".join(key), old[key], new[key]) for key in new if key in old and (old[key] or new[key])
    ]


def render(changes: list[Change]) -> str:
    if not changes:
        return "no figure in common with the previous run"
    width = max(len(c.figure) for c in changes)
    lines = [f"{'figure':<{width}}  {'before':>10}  {'after':>10}  {'after/before':>12}"]
    for c in changes:
        ratio = "—" if c.ratio is None else f"{c.ratio:.2f}"
        lines.append(f"{c.figure:<{width}}  {c.before:>10g}  {c.after:>10g}  {ratio:>12}")
    return "\n".join(lines)
