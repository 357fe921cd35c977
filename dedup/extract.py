"""HTML -> article text and metadata, with trafilatura.

trafilatura is called with its own deduplication off (its LRU cache would make a page's text
depend on the pages read before it) and with a fixed date window instead of "today" (its
default upper bound for dates is the current day, which would make results depend on the clock).
It is imported on the first page extracted: a scan of plain text (JSONL, CSV) never loads it,
which saves ~0.1 s at the start of every such run and of every worker process.

Three things in a page would cost its text or the scan's time, and are dealt with before
trafilatura sees it:

- lxml's HTML parser stops building the tree 256 elements deep (libxml2's limit without
  ``XML_PARSE_HUGE``): an article nested 260 levels deep was "no article text". trafilatura's
  parser is swapped, once, for the same parser with ``huge_tree=True``; a page is at most
  `InputConfig.max_record_bytes`, so lifting libxml2's other size limits costs no bound.
- A character reference to a character XML cannot hold (``&#1;``, ``&#x1b;``, ``&#xFFFE;``)
  is parsed into the tree, and trafilatura's XML output step then refuses the whole article.
  Such references are removed, as trafilatura removes the characters themselves.
- libxml2 checks each attribute of a tag against the ones before it: 200,000 attributes on one
  `<div>` took over 100 s (25,000: 2.8 s; quadratic). Attributes past the first
  `MAX_ATTRIBUTES` of a tag are dropped (one linear regex pass; real tags have a handful).
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from types import ModuleType
from typing import AnyStr

from dedup.config import ExtractConfig
from dedup.errors import RecordError
from dedup.sources.base import clean_field, normalize_date

# Fixed bounds replace trafilatura's clock-dependent default (max_date = today).
DATE_PARAMS = {
    "original_date": True,  # the publication date, not "last modified"
    "extensive_search": False,  # no guessing from arbitrary dates in the text
    "min_date": "1990-01-01",
    "max_date": "2100-12-31",
    # keep the time of day and offset when the page gives them: origins are decided by time
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}

logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
logging.getLogger("htmldate").setLevel(logging.CRITICAL)


#: attributes kept on one tag: real pages have under 30; the parser's cost grows with the
#: square of the count (25,000 on one tag: 0.6 s to parse, 2.8 s to extract)
MAX_ATTRIBUTES = 256

_ATTRIBUTE = r"""(?>\s+[^\s=<>/"']+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>"']*))?)"""
_CROWDED_TAG = rf"(<[A-Za-z][^\s/<>]*{_ATTRIBUTE}{{{MAX_ATTRIBUTES}}}){_ATTRIBUTE}+"
_CROWDED_TAG_STR = re.compile(_CROWDED_TAG)
_CROWDED_TAG_BYTES = re.compile(_CROWDED_TAG.encode())
_CHAR_REF = r"&#(?:[xX]0*([0-9a-fA-F]{1,6})|0*([0-9]{1,7}))(?![0-9a-fA-F]);?"
_CHAR_REF_STR = re.compile(_CHAR_REF)
_CHAR_REF_BYTES = re.compile(_CHAR_REF.encode())


def _not_xml(code: int) -> bool:
    """A code point XML 1.0 cannot hold and lxml's HTML parser does not replace itself."""
    return (code < 0x20 and code not in (0, 0x9, 0xA, 0xD)) or code in (0xFFFE, 0xFFFF)


def _drop_ref(m: re.Match[AnyStr]) -> AnyStr:
    """The reference `m`, or nothing (of its type) when its character is `_not_xml`."""
    code = int(m[1], 16) if m[1] else int(m[2])
    return m[0][:0] if _not_xml(code) else m[0]


def defuse(html: bytes | str) -> bytes | str:
    """`html` with what would cost its text or superlinear time removed (module docstring):
    references to characters XML cannot hold, attributes past `MAX_ATTRIBUTES` on a tag.
    Works on the bytes of any ASCII-compatible encoding; a page without either is returned
    as it is."""
    if isinstance(html, str):
        if "&#" in html:
            html = _CHAR_REF_STR.sub(_drop_ref, html)
        return _CROWDED_TAG_STR.sub(r"\1", html)
    if b"&#" in html:
        html = _CHAR_REF_BYTES.sub(_drop_ref, html)
    return _CROWDED_TAG_BYTES.sub(rb"\1", html)


@functools.cache
def _trafilatura() -> ModuleType:
    """trafilatura, its HTML parser allowing trees deeper than 256 (module docstring)."""
    import trafilatura
    import trafilatura.utils
    from lxml.html import HTMLParser  # type: ignore[import-untyped]  # lxml has no stubs here

    trafilatura.utils.HTML_PARSER = HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
        huge_tree=True,
    )
    return trafilatura


def _page_date(value: str | None) -> str | None:
    """htmldate writes a date without a time as naive midnight: keep it a bare date."""
    if value and value.endswith("T00:00:00"):
        value = value[:10]
    return normalize_date(value)


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    title: str | None
    date: str | None
    site: str | None
    url: str | None


def extract_html(html: bytes | str, cfg: ExtractConfig, url: str | None = None) -> Extracted:
    """The main text and metadata of an HTML page; RecordError when it holds no article."""
    trafilatura = _trafilatura()  # on first use (module docstring)
    try:
        doc = trafilatura.bare_extraction(
            defuse(html),
            url=url,
            fast=cfg.fast,
            include_comments=False,
            include_tables=cfg.include_tables,
            include_images=False,
            include_links=False,
            deduplicate=False,
            with_metadata=True,
            date_extraction_params=dict(DATE_PARAMS),
        )
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise RecordError(f"HTML could not be parsed: {type(exc).__name__}: {exc}") from exc
    if doc is None or isinstance(doc, dict):  # a dict only with as_dict=True, never asked for
        raise RecordError("no article text found in HTML")
    text = (doc.text or "").strip()
    if len(text.split()) < max(cfg.min_words, 1):
        raise RecordError(f"no article text found in HTML (under {cfg.min_words} words)")
    return Extracted(
        text=text,
        title=clean_field(doc.title),
        date=_page_date(doc.date),
        site=clean_field(doc.sitename),
        url=clean_field(doc.url),
    )
