"""Tables that fit the terminal: column priorities, shortened ids, nothing squeezed to zero (#15).

rich shrinks every column of a table that is too wide until some are one
character wide and wraps cells over many lines ("Provid / er", an instance id
over five lines). A :class:`Column` here says how it may give way instead:

- ``id`` cells (resource ids, ARNs, paths) are shortened in the middle, so both
  ends stay recognisable: ``i-0a1b…60002``, ``/subscriptions/9a8b…/test-runner``;
- ``text`` cells are cut at a word boundary and end in ``…``, never mid-word;
- ``tail`` cells (a sparkline) keep their end, the most recent buckets;
- ``money`` and ``number`` cells (and ``fixed`` ones such as a status) keep
  their full width, money and numbers right-aligned;
- when shortening is not enough, the columns with the highest ``drop`` rank go
  first, and the table's caption names them and the ``--wide`` that shows all.

Every row stays one line. With ``wide`` nothing is dropped or shortened.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

ELLIPSIS = "…"
# rich's default box: one border column, then each cell is padded by one space each side.
_EDGE, _PER_COLUMN = 1, 3


@dataclass(frozen=True)
class Column:
    """One column: its header, how it may shrink, and when it is dropped.

    ``drop``: 0 never; otherwise higher ranks drop first when the table is too wide.
    ``minimum``: the narrowest an ``id`` or ``text`` column may become.
    """

    header: str
    kind: str = "text"  # id | text | tail | money | number | fixed
    drop: int = 0
    minimum: int = 8
    maximum: int | None = None

    @property
    def right(self) -> bool:
        """Money and numbers are right-aligned."""
        return self.kind in ("money", "number")

    @property
    def shrinks(self) -> bool:
        """Whether cells of this column may be shortened."""
        return self.kind in ("id", "text", "tail")


def shorten_middle(text: str, width: int) -> str:
    """``text`` in ``width`` characters, the middle replaced by ``…`` (both ends kept)."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    tail = (width - 1) // 2
    last = text.rfind("/")
    if last > 0 and len(text) - last <= (width - 1) * 2 // 3:
        tail = len(text) - last  # a path keeps its last segment whole: …/test-runner
    head = width - 1 - tail
    return text[:head] + ELLIPSIS + (text[-tail:] if tail else "")


def shorten_words(text: str, width: int) -> str:
    """``text`` in ``width`` characters, cut after a whole word and ended with ``…``."""
    if len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    room = text[: width - 1]
    cut = room.rsplit(" ", 1)[0] if " " in room else room
    return cut.rstrip(" ,;:-") + ELLIPSIS


def _length(cell: Any) -> int:
    return len(getattr(cell, "plain", cell))


def _natural(column: Column, cells: Sequence[Any]) -> int:
    widest = max([len(column.header), *(_length(c) for c in cells)])
    return min(widest, column.maximum) if column.maximum else widest


def _overhead(count: int) -> int:
    return _EDGE + _PER_COLUMN * count


def plan_widths(
    columns: Sequence[Column], rows: Sequence[Sequence[Any]], width: int
) -> tuple[list[int], list[int]]:
    """The columns to keep (indexes) and their widths, so the table fits ``width``."""
    natural = [_natural(c, [r[i] for r in rows]) for i, c in enumerate(columns)]
    empty = [not any(_length(r[i]) for r in rows) for i in range(len(columns))]
    keep = list(range(len(columns)))
    while True:
        widths = {i: natural[i] for i in keep}
        excess = sum(widths.values()) + _overhead(len(keep)) - width
        # Shrink the shrinkable columns one character at a time, the widest first, so
        # they give way evenly and none goes below its minimum (or its header).
        while excess > 0:
            candidates = [i for i in keep if columns[i].shrinks and widths[i] > columns[i].minimum]
            if not candidates:
                break
            widths[max(candidates, key=lambda i: (widths[i], -i))] -= 1
            excess -= 1
        droppable = [i for i in keep if columns[i].drop]
        if excess <= 0 or not droppable:
            return keep, [widths[i] for i in keep]
        # A column with nothing in it goes before any that has something to say.
        keep.remove(max(droppable, key=lambda i: (empty[i], columns[i].drop, i)))


def fit_table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    *,
    width: int,
    wide: bool = False,
    title: str | None = None,
    caption: str | None = None,
    totals: Sequence[Sequence[Any]] = (),
) -> Any:
    """A rich Table of ``rows`` that fits ``width`` columns, one line a row.

    Cells are plain strings, shortened as their column allows, or rich ``Text``
    (styled, e.g. a coloured change), which are never shortened.

    ``totals`` rows follow in a section of their own (one per currency, say).
    """
    everything = [*rows, *totals]
    from rich.text import Text

    from cloudspy.render.one_line_table import OneLineTable

    if wide:
        keep = list(range(len(columns)))
        widths = [_natural(Column(c.header, c.kind), [r[i] for r in everything]) for i, c in
                  enumerate(columns)]  # fmt: skip
    else:
        keep, widths = plan_widths(columns, everything, width)
    dropped = [columns[i].header for i in range(len(columns)) if i not in keep]
    notes = [caption] if caption else []
    if dropped:
        notes.append(f"not shown: {', '.join(dropped)} (--wide shows every column)")
    table = OneLineTable(
        title=title,
        title_justify="left",
        caption="\n".join(notes) or None,  # a note a line: none is cut by another's wrap
        caption_justify="left",
        # The width the columns need: a console narrower than this (--wide) is widened.
        min_width=sum(widths) + _overhead(len(keep)),
    )
    for index, column_width in zip(keep, widths, strict=True):
        column = columns[index]
        table.add_column(
            Text(shorten_words(column.header, column_width)),
            justify="right" if column.right else "left",
            no_wrap=True,
            overflow="ellipsis",
            min_width=column_width,
            max_width=column_width,
        )
    for number, row in enumerate(everything):
        if number == len(rows) and totals:
            table.add_section()
        cells = []
        for index, column_width in zip(keep, widths, strict=True):
            value = row[index]
            if not isinstance(value, str):  # already a rich Text (styled): kept as it is
                cells.append(value)
                continue
            kind = columns[index].kind
            if kind == "id":
                value = shorten_middle(value, column_width)
            elif kind == "text":
                value = shorten_words(value, column_width)
            elif kind == "tail":
                value = value[-column_width:]
            # Text, not str: a str cell is parsed as rich markup, which would eat a tag
            # value such as "[prod]".
            cells.append(Text(value))
        table.add_row(*cells)
    return table
