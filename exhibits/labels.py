"""Printable exhibit labels: an A4 sheet of 8 or 12 bilingual labels per page, each with a QR code.

Each label carries the Chinese and English titles, period, material and accession number, and a QR
code of the item's permalink in the language the sheet was made for, so a visitor's phone opens the
page in that language. Text that does not fit is wrapped, then set smaller, then cut with an ellipsis:
it never runs out of its label. Cut marks sit at every label corner in the page margin and at the
inner crossings.

The font is a CJK font found on the system (Debian's fonts-noto-cjk; :func:`find_cjk_font`), embedded
as a subset by fpdf2; without one :class:`NoFontError` says which package to install.
"""
from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import segno

from exhibits.i18n import to_traditional

#: Labels per A4 page and the grid they sit in (columns, rows).
GRIDS = {8: (2, 4), 12: (2, 6)}
PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 10.0  # mm around the grid: the cut marks live here
PADDING = 4.0  # mm inside a label
#: Fonts tried first (Debian's paths), then fontconfig is asked for any font covering Chinese.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: the SC face
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)


class NoFontError(RuntimeError):
    """No font on this machine can set Chinese text."""


@dataclass(frozen=True)
class Label:
    """One exhibit label: texts already chosen, and the URL its QR code opens."""

    title_zh: str
    title_en: str
    period: str
    material: str
    accession: str
    url: str


def find_cjk_font() -> tuple[str, int]:
    """(path, face index) of a font that sets Chinese; :class:`NoFontError` when there is none."""
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    if shutil.which("fc-match"):
        try:
            found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", ":lang=zh-cn"], capture_output=True,
                                   text=True, timeout=10, check=False).stdout.split("\n")
        except (OSError, subprocess.SubprocessError):
            found = []
        if len(found) == 2 and found[0].lower().endswith((".ttf", ".otf", ".ttc")) and Path(found[0]).is_file():
            return found[0], int(found[1] or 0)
    raise NoFontError("no font for Chinese text is installed: install Debian's fonts-noto-cjk to print labels")


def _both(value: dict | None, lang: str) -> str:
    """A language map's Chinese and English texts side by side (one when they are the same or one is missing)."""
    if not value:
        return ""
    zh = "; ".join(value.get("zh") or value.get("zh-Hans") or [])
    if lang == "zh-Hant":
        zh = "; ".join(value.get("zh-Hant") or []) or to_traditional(zh)
    en = "; ".join(value.get("en") or [])
    other = "; ".join(v for code, values in value.items() if code not in ("zh", "zh-Hans", "zh-Hant", "en") for v in values)
    parts = [p for p in (zh, en) if p] or ([other] if other else [])
    return " ".join(dict.fromkeys(parts))


def labels_for(items: Iterable, permalink: "callable", lang: str) -> list[Label]:
    """The labels of catalogue items; ``permalink(item_id)`` gives the URL each QR code opens."""
    found = []
    for item in items:
        title = item.title or {}
        zh = "; ".join(title.get("zh") or title.get("zh-Hans") or [])
        if lang == "zh-Hant":
            zh = "; ".join(title.get("zh-Hant") or []) or to_traditional(zh)
        en = "; ".join(title.get("en") or [])
        if not zh and not en:
            zh = "; ".join(v for values in title.values() for v in values) or item.id
        metadata = item.metadata_ or {}
        found.append(Label(title_zh=zh, title_en=en, period=_both(metadata.get("period"), lang),
                           material=_both(metadata.get("material"), lang), accession=item.accession_number or "",
                           url=permalink(item.id)))
    return found


def _fit_lines(pdf, text: str, width: float, size: float, smallest: float, max_lines: int,
               wrap: str = "WORD") -> tuple[float, list[str]]:
    """The largest font size (down to ``smallest``) at which ``text`` wraps into ``max_lines`` lines.

    At the smallest size the last line is cut and ends with an ellipsis.
    """
    while True:
        pdf.set_font_size(size)
        lines = pdf.multi_cell(width, size * 0.3528 * 1.25, text, dry_run=True, output="LINES", wrapmode=wrap)
        if len(lines) <= max_lines:
            return size, lines
        if size - 0.5 < smallest:
            break
        size -= 0.5
    kept = lines[:max_lines]
    last = kept[-1]
    while last and pdf.get_string_width(last + "…") > width:
        last = last[:-1]
    kept[-1] = last.rstrip() + "…"
    return size, kept


def _qr(pdf, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled rectangles (vector, sharp at any printer resolution), with its quiet zone."""
    code = segno.make(url, error="m")
    matrix = code.matrix
    modules = len(matrix) + 8  # a 4-module quiet zone on each side
    step = size / modules
    pdf.set_fill_color(0, 0, 0)
    for row, cells in enumerate(matrix):
        column = 0
        while column < len(cells):
            if cells[column]:
                run = column
                while run < len(cells) and cells[run]:
                    run += 1
                pdf.rect(x + (column + 4) * step, y + (row + 4) * step, (run - column) * step, step, style="F")
                column = run
            else:
                column += 1


def _cut_marks(pdf, columns: int, rows: int, cell_w: float, cell_h: float) -> None:
    pdf.set_draw_color(120, 120, 120)
    pdf.set_line_width(0.2)
    xs = [MARGIN + i * cell_w for i in range(columns + 1)]
    ys = [MARGIN + j * cell_h for j in range(rows + 1)]
    mark = 4.0
    for x in xs:  # ticks in the top and bottom margins
        pdf.line(x, MARGIN - 1 - mark, x, MARGIN - 1)
        pdf.line(x, ys[-1] + 1, x, ys[-1] + 1 + mark)
    for y in ys:  # ticks in the left and right margins
        pdf.line(MARGIN - 1 - mark, y, MARGIN - 1, y)
        pdf.line(xs[-1] + 1, y, xs[-1] + 1 + mark, y)
    for x in xs[1:-1]:  # small crosses where inner cuts meet
        for y in ys[1:-1]:
            pdf.line(x - 1.5, y, x + 1.5, y)
            pdf.line(x, y - 1.5, x, y + 1.5)


def _draw_label(pdf, label: Label, x: float, y: float, w: float, h: float) -> None:
    qr_size = min(h - 2 * PADDING + 4, 36.0, w * 0.36)  # the quiet zone may use the padding
    qr_x, qr_y = x + w - PADDING - qr_size + 2, y + (h - qr_size) / 2
    _qr(pdf, label.url, qr_x, qr_y, qr_size)
    text_x, text_w = x + PADDING, qr_x - (x + PADDING) - 1
    top, bottom = y + PADDING, y + h - PADDING
    small = h < 55
    blocks = [  # (text, starting size pt, smallest size pt, most lines, grey, wrapping)
        (label.title_zh, 13 if small else 15, 7, 2, 0, "CHAR"),
        (label.title_en, 9 if small else 10.5, 6, 2 if small else 3, 60, "WORD"),
    ]
    details = [t for t in (label.period, label.material) if t]
    if details:
        blocks.append((" · ".join(details), 8 if small else 9, 6, 1 if small else 2, 60, "WORD"))
    if label.accession:
        blocks.append((label.accession, 7.5 if small else 8.5, 6, 1, 90, "CHAR"))
    cursor = top
    for index, (text, size, smallest, max_lines, grey, wrap) in enumerate(blocks):
        if not text:
            continue
        room = bottom - cursor
        size, lines = _fit_lines(pdf, text, text_w, size, smallest, max_lines, wrap)
        line_h = size * 0.3528 * 1.25
        while lines and len(lines) * line_h > room:  # never below the label's bottom edge
            lines = lines[:-1]
        if not lines:
            break
        pdf.set_text_color(grey, grey, grey)
        for line in lines:
            pdf.set_xy(text_x, cursor)
            pdf.cell(text_w, line_h, line)
            cursor += line_h
        cursor += 1.2 if index == 0 else 0.8


def label_sheet(labels: Sequence[Label], per_page: int = 8, title: str = "") -> bytes:
    """The PDF: A4 pages of ``per_page`` (8 or 12) labels with cut marks."""
    if per_page not in GRIDS:
        raise ValueError(f"per_page must be one of {sorted(GRIDS)}")
    from fpdf import FPDF

    font, index = find_cjk_font()
    pdf = FPDF(format="A4", unit="mm")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.c_margin = 0
    if title:
        pdf.set_title(title)
    pdf.set_creator("Jinshi")
    pdf.add_font("cjk", fname=font, collection_font_number=index)
    pdf.set_font("cjk", size=10)
    columns, rows = GRIDS[per_page]
    cell_w = (PAGE_W - 2 * MARGIN) / columns
    cell_h = (PAGE_H - 2 * MARGIN) / rows
    for start in range(0, max(len(labels), 1), per_page):
        pdf.add_page()
        _cut_marks(pdf, columns, rows, cell_w, cell_h)
        for offset, label in enumerate(labels[start:start + per_page]):
            column, row = offset % columns, offset // columns
            _draw_label(pdf, label, MARGIN + column * cell_w, MARGIN + row * cell_h, cell_w, cell_h)
    return bytes(pdf.output())
