"""A4 PDF pages with a font that has every French glyph (the facilitator pack, the debrief page).

Why DejaVu from matplotlib: fpdf2's core fonts are Latin-1 only (no "œ", "’", "−", "→", "…"),
and matplotlib — already a dependency — ships DejaVu Sans, which covers them; fpdf2 embeds the
subset used, so the PDF prints the same anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib
from fpdf import FPDF

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FAMILY = "DejaVu"


def plain(html: str) -> str:
    """A translation's text without its markup: <br> to new lines, other tags dropped."""
    text = re.sub(r"<br\s*/?>", "\n", html)
    return re.sub(r"<[^>]+>", "", text)


class Doc(FPDF):
    """An A4 document with headings, paragraphs, bullet rows, boxes to tick and lines to write."""

    def __init__(self, title: str, orientation: str = "P") -> None:
        super().__init__(orientation=orientation, format="A4")
        self.add_font(FAMILY, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FAMILY, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.add_font(FAMILY, "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
        self.set_title(title)
        self.set_creator("CIS Lab")
        self.set_auto_page_break(True, margin=16)
        self.set_margins(16, 14, 16)
        self.footer_text = title

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FAMILY, "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 6, f"{self.footer_text} · {self.page_no()}", align="C")
        self.set_text_color(0, 0, 0)

    def h1(self, text: str) -> None:
        self.set_font(FAMILY, "B", 18)
        self.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(2)

    def h2(self, text: str) -> None:
        self.ln(2)
        self.set_font(FAMILY, "B", 13)
        self.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(1)

    def para(self, text: str, size: float = 11, style: str = "") -> None:
        self.set_font(FAMILY, style, size)
        self.multi_cell(0, size * 0.5, plain(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(1.5)

    def row(self, label: str, value: str, width: float = 62, size: float = 11) -> None:
        """A label in bold and its value beside it; both wrap, the next row starts below both."""
        top = self.get_y()
        self.set_font(FAMILY, "B", size)
        self.multi_cell(width - 2, size * 0.5, label, new_x="LMARGIN", new_y="NEXT", align="L")
        below_label = self.get_y()
        self.set_xy(self.l_margin + width, top)
        self.set_font(FAMILY, "", size)
        self.multi_cell(0, size * 0.5, plain(value), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_y(max(self.get_y(), below_label) + 1)

    def bullet(self, text: str, size: float = 11) -> None:
        self.set_font(FAMILY, "", size)
        self.set_x(self.l_margin + 2)
        self.multi_cell(0, size * 0.5, "• " + plain(text), new_x="LMARGIN", new_y="NEXT", align="L")
        self.ln(0.8)

    def tick_boxes(self, options: list[str], size: float = 12) -> None:
        """Empty boxes to tick, one per option, on one line."""
        self.set_font(FAMILY, "", size)
        x = self.l_margin + 4
        y = self.get_y() + 1
        for option in options:
            self.rect(x, y, 5, 5)
            self.set_xy(x + 7, y - 0.5)
            w = self.get_string_width(option) + 10
            self.cell(w, 6, option)
            x += w + 8
        self.set_xy(self.l_margin, y + 8)

    def write_lines(self, n: int, gap: float = 9) -> None:
        """Ruled lines to write an answer on."""
        self.set_draw_color(150, 150, 150)
        for _ in range(n):
            y = self.get_y() + gap
            self.line(self.l_margin, y, self.w - self.r_margin, y)
            self.set_y(y)
        self.set_draw_color(0, 0, 0)
        self.ln(3)

    def table(self, header: list[str], rows: list[list[str]], widths: list[float]) -> None:
        """A ruled table; cells wrap."""
        with super().table(
            col_widths=widths,
            text_align="LEFT",
            line_height=5.6,
            first_row_as_headings=True,
        ) as t:
            self.set_font(FAMILY, "", 10)
            head = t.row()
            for cell in header:
                head.cell(cell)
            for values in rows:
                r = t.row()
                for cell in values:
                    r.cell(plain(str(cell)))
        self.ln(2)
