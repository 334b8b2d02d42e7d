"""Rendering the report context to HTML (Jinja, autoescaped) and PDF (WeasyPrint).

The HTML is one self-contained file: CSS inline, no scripts or fonts fetched.
WeasyPrint gets a URL fetcher that refuses everything but data: URLs, so a
citation field can never make rendering reach the network or the disk.
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from pathlib import Path

import jinja2
import markupsafe

from ..errors import ReviewflowError
from ..marks import MARK

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["composed"] = composed
    env.filters["typeset"] = typeset
    env.filters["percent"] = percent
    return env


ILLUSTRATIVE_TITLE = "illustrative value, not from a public source"


ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
MINUS = re.compile(r"(?<![\w.)])-(?=\.?\d)")  # '-0.9', '(-1.7 to -0.1)': a sign
RANGE = re.compile(r"(?<=\d)-(?=\d)")  # '0-10', '41-50': a range


def typeset(text: str) -> str:
    """Signs as true minus signs and number ranges with en dashes, leaving ISO dates,
    identifiers in words and anything else alone."""
    text = str(text)
    if "-" not in text:
        return text
    parts, last = [], 0
    for date in ISO_DATE.finditer(text):
        parts.append(RANGE.sub("\u2013", MINUS.sub("\u2212", text[last : date.start()])))
        parts.append(date.group())
        last = date.end()
    parts.append(RANGE.sub("\u2013", MINUS.sub("\u2212", text[last:])))
    return "".join(parts)


def composed(text: str, quiet: bool = False) -> markupsafe.Markup:
    """A cell composed from several values (tables.MARK after each illustrative
    one, a line per measure): escaped, lines broken, daggers as superscripts; `quiet`
    drops them (in a row marked once as wholly illustrative)."""
    mark = markupsafe.Markup("" if quiet else f'<sup class="ill" title="{ILLUSTRATIVE_TITLE}">{MARK}</sup>')
    lines = [mark.join(markupsafe.escape(typeset(part)) for part in line.split(MARK)) for line in str(text).split("\n")]
    return (
        markupsafe.Markup('<span class="line">')
        + markupsafe.Markup('</span><span class="line">').join(lines)
        + markupsafe.Markup("</span>")
    )


def percent(share: float, n: int) -> str:
    """A share as a percentage with the decimals its count needs: one item of n moves it
    by 100/n points, so 0.998 of 500 is '99.8%', never a rounded '100%'."""
    decimals = 0
    while n and 10**-decimals > 100 / n and decimals < 3:
        decimals += 1
    text = f"{share * 100:.{decimals}f}"
    if share < 1 and float(text) >= 100:
        text = f"{100 - 10**-decimals:.{decimals}f}"  # agreement short of all is never shown as all
    return f"{text}%"


def render_html(context: dict) -> str:
    """The report as one HTML file, with a small inline script that sorts and filters
    tables in a browser (WeasyPrint does not run scripts, so the PDF is unaffected)."""
    css = (TEMPLATE_DIR / "report.css").read_text(encoding="utf-8")
    script = (TEMPLATE_DIR / "sort.js").read_text(encoding="utf-8")
    return environment().get_template("base.html.j2").render(**context, css=css, script=script)


def _local_only_fetcher():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith("data:"):
                raise FatalURLFetchingError(f"the report may not fetch {url!r}")
            return super().fetch(url, headers)

    return LocalOnlyFetcher(allowed_protocols=("data",))


def render_pdf(html: str) -> bytes:
    """PDF bytes that depend only on the HTML (dates come from the HTML's meta tags)."""
    try:
        import weasyprint
    except OSError as error:
        from ..system_check import PANGO_HINT

        raise ReviewflowError(f"{PANGO_HINT} ({error})") from None
    document = weasyprint.HTML(string=html, base_url=str(TEMPLATE_DIR), url_fetcher=_local_only_fetcher())
    with _fixed_font_timestamps(), _fonttools_subsetting():
        # tagged (a structure tree for screen readers, the images' alt text in it)
        return document.write_pdf(pdf_identifier=b"reviewflow", custom_metadata=False, pdf_tags=True)


class _SubsetterNotice(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return "instead of HarfBuzz-Subset" not in record.getMessage()


@contextmanager
def _fonttools_subsetting():
    """Fonts are always subset by fontTools (a locked Python dependency), never by the
    system's libharfbuzz-subset where one happens to be installed: the two write different
    font bytes, and the PDF must be the same on every machine. WeasyPrint picks the path
    by a module global, set here for the duration of one rendering; its notice that
    fontTools is used says nothing a reader of our log needs."""
    from weasyprint.pdf import fonts

    previous = fonts.harfbuzz_subset
    notice = _SubsetterNotice()
    logger = logging.getLogger("weasyprint")
    fonts.harfbuzz_subset = None
    logger.addFilter(notice)
    try:
        yield
    finally:
        fonts.harfbuzz_subset = previous
        logger.removeFilter(notice)


@contextmanager
def _fixed_font_timestamps():
    """fontTools stamps 'now' into every font subset it writes unless
    SOURCE_DATE_EPOCH is set; a fixed value keeps the PDF's bytes stable."""
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = "315532800"  # 1980-01-01, as zip archives use
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


LAID_OUT = ("figure", "table", "svg", "img", "pre")


def overflowing_boxes(html: str) -> list[dict]:
    """Figures, tables, images and preformatted blocks whose border box reaches past the
    content area of their page, read from WeasyPrint's laid-out pages (what the printed
    report shows, not what the CSS asks for). Empty for a report that prints whole."""
    from weasyprint import HTML

    found = []
    for number, page in enumerate(HTML(string=html, base_url=".").render().pages, start=1):
        page_box = page._page_box  # WeasyPrint exposes no public walk of the layout boxes
        bottom = page_box.content_box_y() + page_box.height
        right = page_box.content_box_x() + page_box.width
        stack = [page_box]
        while stack:
            box = stack.pop()
            stack.extend(getattr(box, "children", []))
            if getattr(box, "element_tag", None) not in LAID_OUT:
                continue
            below = box.border_box_y() + box.border_height() - bottom
            beyond = box.border_box_x() + box.border_width() - right
            if below > 0.5 or beyond > 0.5:
                found.append(
                    {"page": number, "element": box.element_tag, "below": round(below, 1), "beyond": round(beyond, 1)}
                )
    return found
