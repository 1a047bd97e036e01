"""A rich ``Table`` whose rows are one line each, laid out without rich's per-cell pass.

:func:`~cloudspy.render.fit.fit_table` decides every column's width itself and
shortens each cell to fit, so nothing is left for rich to measure, wrap or
align. rich still renders each cell through ``Padding`` → ``Text`` → lines →
shape, which is most of a warm ``cloudspy costs`` on a big store once the query
is done (#12: ~35 ms of its 0.25 s for 100 rows). :class:`OneLineTable` writes
those rows' segments directly: the same characters and the same styles as rich
(``tests/render/test_one_line_table.py`` compares both, plain and in colour). Any
table it cannot draw that way (a cell wider than its column, a line break in a
cell, row styles, no header or edge) is drawn by rich itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text


class OneLineTable(Table):
    """A :class:`rich.table.Table` drawn line by line when every cell fits on one line."""

    def _render(self, console: Any, options: Any, widths: list[int]) -> Iterator[Segment]:
        rows = self._one_line_rows(widths)
        box = self.box.substitute(options, safe=console.safe_box) if self.box else None
        if rows is None or box is None:
            yield from super()._render(console, options, widths)
            return
        get_style = console.get_style
        table_style = get_style(self.style or "")
        border = table_style + get_style(self.border_style or "")
        header_style = get_style(self.header_style or "")
        column_styles = [get_style(column.style or "") for column in self.columns]
        new_line = Segment.line()
        yield Segment(box.get_top(widths), border)
        yield new_line
        last = len(rows) - 1
        for number, cells in enumerate(rows):
            header = number == 0
            left, right, divider = (
                (box.head_left, box.head_right, box.head_vertical)
                if header
                else (
                    (box.foot_left, box.foot_right, box.foot_vertical)
                    if number == last
                    else (box.mid_left, box.mid_right, box.mid_vertical)
                )
            )
            yield Segment(left, border)
            for index, (text, width, column) in enumerate(
                zip(cells, widths, self.columns, strict=True)
            ):
                if index:
                    yield Segment(divider, border)
                style = (
                    header_style + get_style(column.header_style)
                    if header
                    else column_styles[index]
                )
                yield from _cell(console, text, width, column.justify, style)
            yield Segment(right, border)
            yield new_line
            if header:
                yield Segment(box.get_row(widths, "head", edge=True), border)
                yield new_line
            elif number != last and self.rows[number - 1].end_section:
                yield Segment(box.get_row(widths, "row", edge=True), border)
                yield new_line
        yield Segment(box.get_bottom(widths), border)
        yield new_line

    def _one_line_rows(self, widths: list[int]) -> list[list[Text]] | None:
        """The header and body cells as Text when each fits its column on one line, else
        None (rich then draws the table)."""
        if not (self.show_header and self.show_edge) or self.show_footer or self.show_lines:
            return None
        if self.row_styles or self.leading or tuple(self.padding) != (0, 1, 0, 1):
            return None
        if any(row.style is not None for row in self.rows):
            return None
        columns = self.columns
        rows: list[list[Text]] = [[_as_text(column.header) for column in columns]]
        for index in range(len(self.rows)):
            rows.append([_as_text(column._cells[index]) for column in columns])
        for cells in rows:
            for text, width in zip(cells, widths, strict=True):
                if text is None or "\n" in text.plain or cell_len(text.plain) > width - 2:
                    return None
        return rows  # type: ignore[return-value]


def _as_text(value: Any) -> Text | None:
    # A str would be parsed as markup, any other renderable measured: rich's own path.
    return value if isinstance(value, Text) else None


def _cell(console: Any, text: Text, width: int, justify: str, style: Style) -> Iterator[Segment]:
    """One padded cell of ``width`` (padding included): `` text `` justified, each segment
    on the cell's style, as rich's Padding and Text would draw it."""
    fill = width - 2 - cell_len(text.plain)
    yield Segment(" ", style)
    if fill:
        # Justifying pads the Text itself: the spaces join its text, in its base style.
        text = text.copy()
        if justify == "right":
            text.pad_left(fill)
        else:
            text.pad_right(fill)
    if text.style:
        # rich joins a cell's lines into one Text, which turns the base style into a span.
        text = Text("").join([text])
    for segment in text.render(console, end=""):
        yield Segment(segment.text, style + segment.style if segment.style else style)
    yield Segment(" ", style)
