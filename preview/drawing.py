"""Drawing primitives for the architecture diagram: blocks laid out at their own origin, fitted text, boxes, chips.

SVG has no text measurement, so widths are estimated from the character count at the font's average advance
(DejaVu Sans, the font Debian's Chromium renders `sans-serif` with, averages under 0.6 em); a label that would
not fit is cut with an ellipsis and keeps its whole text as a tooltip (`<title>`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

import drawsvg as dw

FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
ADVANCE = 0.6  # average glyph advance, in em
INK = "#1f2933"
MUTED = "#52606d"


@dataclass
class Block:
    """Something drawn with its top-left corner at (0, 0), `width` x `height` pixels."""

    width: float
    height: float
    group: dw.Group


def block(width: float, height: float, **attributes: object) -> Block:
    return Block(width, height, dw.Group(**attributes))


def place(parent: dw.Group | dw.Drawing, child: Block, x: float, *, y: float) -> None:
    wrapper = dw.Group(transform=f"translate({x:.1f},{y:.1f})")
    wrapper.append(child.group)
    parent.append(wrapper)


def attribute(value: str) -> str:
    """`value` made safe inside a quoted attribute: drawsvg escapes text content but writes attributes as given."""
    return html.escape(value, quote=True)


def text_width(text: str, size: float) -> float:
    return len(text) * size * ADVANCE


def fit(text: str, size: float, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels at font `size`."""
    if text_width(text, size) <= width:
        return text
    keep = max(int(width / (size * ADVANCE)) - 1, 1)
    return text[:keep] + "…"


def label(parent: dw.Group, text: str, x: float, *, y: float, size: float = 11, width: float | None = None,
          fill: str = INK, weight: str = "normal", anchor: str = "start", **attributes: object) -> None:
    """One line of text whose baseline is at `y`; cut to `width` with the whole text as its tooltip."""
    shown = fit(text, size, width) if width is not None else text
    element = dw.Text(shown, size, x, y, fill=fill, font_weight=weight, text_anchor=anchor, **attributes)
    if shown != text:
        element.append_title(text)
    parent.append(element)


def box(parent: dw.Group, x: float, y: float, *, width: float, height: float, fill: str = "#ffffff",
        stroke: str = "#9aa5b1", radius: float = 6, dash: str | None = None, **attributes: object) -> None:
    parent.append(dw.Rectangle(x, y, width, height, rx=radius, fill=fill, stroke=stroke, stroke_width=1.2,
                               stroke_dasharray=dash, **attributes))


def chip(parent: dw.Group, text: str, x: float, *, y: float, width: float, color: str, size: float = 10,
         **attributes: object) -> None:
    """A filled label 15 px high: a resource placed in a cell (a NAT gateway, an Aurora instance)."""
    parent.append(dw.Rectangle(x, y, width, 15, rx=3, fill=color, **attributes))
    label(parent, text, x + width / 2, y=y + 11, size=size, width=width - 6, fill="#ffffff", anchor="middle")


def wrap(items: Iterable[str], width: float, size: float, *, max_lines: int, separator: str = ", ") -> list[str]:
    """`items` joined into lines of at most `width` pixels; past `max_lines`, the last line ends in "(+N more)"."""
    items = list(items)
    lines: list[str] = []
    index = 0
    while index < len(items) and len(lines) < max_lines:
        last = len(lines) == max_lines - 1
        line = [items[index]]
        index += 1
        while index < len(items):
            left = len(items) - index - 1
            suffix = f" (+{left} more)" if last and left else ""
            if text_width(separator.join([*line, items[index]]) + separator + suffix, size) > width:
                break
            line.append(items[index])
            index += 1
        more = f" (+{len(items) - index} more)" if last and index < len(items) else ""
        follows = separator.rstrip() if index < len(items) and not more else ""
        lines.append(fit(separator.join(line), size, width - text_width(more, size)) + follows + more)
    return lines


def arrow_marker(color: str) -> dw.Marker:
    marker = dw.Marker(-0.1, -0.5, 0.9, 0.5, scale=6, orient="auto")
    marker.append(dw.Lines(-0.1, 0.5, -0.1, -0.5, 0.9, 0, fill=color, close=True))
    return marker
