"""HTML -> article text and metadata, with trafilatura.

trafilatura is called with its own deduplication off (its LRU cache would make a page's text
depend on the pages read before it) and with a fixed date window instead of "today" (its
default upper bound for dates is the current day, which would make results depend on the clock).
It is imported on the first page extracted: a scan of plain text (JSONL, CSV) never loads it,
which saves ~0.1 s at the start of every such run and of every worker process.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

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
    import trafilatura  # on first use (module docstring)

    try:
        doc = trafilatura.bare_extraction(
            html,
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
