"""HTML -> article text and metadata: trafilatura, resiliparse, or both (`EXTRACTORS`).

Extractors (`ExtractConfig.extractor`):

- ``trafilatura``: trafilatura with its fallback extractors (readability, jusText) and its
  metadata (htmldate for the date).
- ``fast``: trafilatura without the fallbacks.
- ``resiliparse``: resiliparse's main-content plain text (lexbor parser, about 10x faster than
  trafilatura), metadata read from the page's own tags (`page_metadata`).
- ``hybrid``: resiliparse's text without the furniture around the article (`article_lines`),
  and trafilatura ``fast``'s for a page where that looks too short to be the article
  (`looks_wrong`); metadata as for resiliparse.

Measured on real pages by ``python -m benchmarks.bench_extract`` (README, "Extraction").

trafilatura is called with its own deduplication off (its LRU cache would make a page's text
depend on the pages read before it) and with a fixed date window instead of "today" (its
default upper bound for dates is the current day, which would make results depend on the clock).
It is imported on the first page extracted: a scan of plain text (JSONL, CSV) never loads it,
which saves ~0.1 s at the start of every such run and of every worker process.

Three things in a page would cost its text or the scan's time, and are dealt with before
trafilatura or resiliparse sees it (`defuse`; lexbor, resiliparse's parser, also keeps
``&#1;`` as a character and is also superlinear in a tag's attributes: 20,000 on one tag
took it over a second):

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
import html as html_lib
import logging
import re
from dataclasses import dataclass, replace
from types import ModuleType
from typing import AnyStr

from dedup.config import ExtractConfig
from dedup.errors import RecordError
from dedup.sources.base import clean_field, normalize_date

# Fixed bounds replace trafilatura's clock-dependent default (max_date = today).
MIN_DATE, MAX_DATE = "1990-01-01", "2100-12-31"
DATE_PARAMS = {
    "original_date": True,  # the publication date, not "last modified"
    "extensive_search": False,  # no guessing from arbitrary dates in the text
    "min_date": MIN_DATE,
    "max_date": MAX_DATE,
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
#: a reference to a character `_not_xml` may be (below U+0020, or U+FFFE / U+FFFF): other
#: references (``&#8217;``, most of a page's) are not matched, so no Python call is made for them
_CHAR_REF = (
    r"&#(?:[xX]0*([01]?[0-9a-fA-F]|[fF]{3}[eEfF])|0*([12]?[0-9]|3[01]|6553[45]))"
    r"(?![0-9a-fA-F]);?"
)
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
    """The main text and metadata of an HTML page with `cfg.extractor`; RecordError when it
    holds no article (fewer than `cfg.min_words` words)."""
    if cfg.extractor in ("trafilatura", "fast"):
        ex = _by_trafilatura(html, cfg, url, fast=cfg.extractor == "fast", metadata=True)
    else:
        page = _decode(html)
        text = _resiliparse_text(_parse(str(defuse(page))))
        if cfg.extractor == "hybrid":
            text = article_lines(text)
            if looks_wrong(text, cfg.min_words):
                text = _second_opinion(html, cfg, url) or text
        meta = page_metadata(page)
        if meta.date is None:
            meta = replace(meta, date=_htmldate(html, meta.url or url))
        ex = _with_metadata(text, meta, url)
    if len(ex.text.split()) < max(cfg.min_words, 1):
        raise RecordError(f"no article text found in HTML (under {cfg.min_words} words)")
    return ex


def _second_opinion(html: bytes | str, cfg: ExtractConfig, url: str | None) -> str:
    """trafilatura ``fast``'s text of a page whose resiliparse text `looks_wrong`; empty when
    it finds none (resiliparse's is then kept)."""
    try:
        return _by_trafilatura(html, cfg, url, fast=True, metadata=False).text
    except RecordError:
        return ""


def _by_trafilatura(
    html: bytes | str, cfg: ExtractConfig, url: str | None, *, fast: bool, metadata: bool
) -> Extracted:
    """trafilatura's text (and, if `metadata`, its title, date, site and URL) of a page."""
    trafilatura = _trafilatura()  # on first use (module docstring)
    try:
        doc = trafilatura.bare_extraction(
            defuse(html),
            url=url,
            fast=fast,
            include_comments=False,
            include_tables=cfg.include_tables,
            include_images=False,
            include_links=False,
            deduplicate=False,
            with_metadata=metadata,
            date_extraction_params=dict(DATE_PARAMS),
        )
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        raise RecordError(f"HTML could not be parsed: {type(exc).__name__}: {exc}") from exc
    if doc is None or isinstance(doc, dict):  # a dict only with as_dict=True, never asked for
        raise RecordError("no article text found in HTML")
    text = (doc.text or "").strip()
    if not metadata:
        return Extracted(text=text, title=None, date=None, site=None, url=None)
    return Extracted(
        text=text,
        title=clean_field(doc.title),
        date=_page_date(doc.date),
        site=clean_field(doc.sitename),
        url=clean_field(doc.url),
    )


# ---------------------------------------------------------------------------------------------
# resiliparse, cut to the article (`article_lines`), and when that looks wrong
# ---------------------------------------------------------------------------------------------

#: a line ends as a sentence does (or a quotation or parenthesis closing one)
_SENTENCE_END = re.compile(r"[.!?\u2026:;\"'\u201d\u2019\u00bb)\]]\s*$")

#: `article_lines`: a line of at least this many words ending as a sentence is article prose;
#: tuned on html_scrapinghub_aeb (8-12 within 0.003 token F1), checked on html_trafilatura_eval
#: (benchmarks/bench_extract.py; benchmarks/README.md, "Extraction")
ARTICLE_LINE_WORDS = 10
#: a line next to the article that ends as a sentence and has this many words is kept with it
#: (a closing "Officials did not comment." or "(Reporting by ...)")
ADJACENT_LINE_WORDS = 2
#: with fewer article lines than this the text has no article block to delimit (a caption,
#: a video page) and is kept whole
MIN_ARTICLE_LINES = 3
#: under this many words (after `article_lines`) resiliparse may have missed the article (a
#: teaser-sized text): `looks_wrong`
SHORT_TEXT_WORDS = 50


def article_lines(text: str) -> str:
    """resiliparse's main text without the page furniture before and after the article: its
    lines from the first to the last article line (`ARTICLE_LINE_WORDS` words or more, ending
    as a sentence ends), widened over the sentence lines next to them (`ADJACENT_LINE_WORDS`).
    Menus, bylines, "Related articles", share and comment boxes around an article are lines
    that are short or do not end as sentences; what lies between article lines is kept (a
    subheading, a list). A text with fewer than `MIN_ARTICLE_LINES` article lines is returned
    as it is."""
    lines = [line for line in text.split("\n") if line.strip()]
    prose = [i for i, line in enumerate(lines) if _is_sentence(line, ARTICLE_LINE_WORDS)]
    if len(prose) < MIN_ARTICLE_LINES:
        return text
    first, last = prose[0], prose[-1]
    while first > 0 and _is_sentence(lines[first - 1], ADJACENT_LINE_WORDS):
        first -= 1
    while last + 1 < len(lines) and _is_sentence(lines[last + 1], ADJACENT_LINE_WORDS):
        last += 1
    return "\n".join(lines[first : last + 1])


def _is_sentence(line: str, min_words: int) -> bool:
    return len(line.split()) >= min_words and _SENTENCE_END.search(line) is not None


def looks_wrong(text: str, min_words: int = 0) -> bool:
    """Whether resiliparse's text of a page (`article_lines`) may have missed the article: too
    short to be one (under `SHORT_TEXT_WORDS` or `min_words` words)."""
    return len(text.split()) < max(SHORT_TEXT_WORDS, min_words)


@functools.cache
def _resiliparse() -> tuple[ModuleType, ModuleType, ModuleType]:
    """resiliparse's parser, text extractor and encoding detection, imported on first use (a
    scan of plain text or with trafilatura never loads them)."""
    import resiliparse.extract.html2text as html2text
    import resiliparse.parse.encoding as encoding
    import resiliparse.parse.html as parse

    return parse, html2text, encoding


def _decode(html: bytes | str) -> str:
    """The page as text: valid UTF-8 as UTF-8 (resiliparse's detection alone took some UTF-8
    pages for TIS-620), other bytes by their detected or declared encoding."""
    if isinstance(html, str):
        return html
    try:
        return html.decode("utf-8")
    except UnicodeDecodeError:
        _, _, encoding = _resiliparse()
        return str(encoding.bytes_to_str(html, encoding.detect_encoding(html)))


def _parse(page: str) -> object:
    """The page as a resiliparse HTMLTree."""
    parse, _, _ = _resiliparse()
    return parse.HTMLTree.parse(page)


def _resiliparse_text(tree: object) -> str:
    """resiliparse's main-content text: paragraphs as lines, no list bullets, image alt texts
    or comment sections."""
    _, html2text, _ = _resiliparse()
    text: str = html2text.extract_plain_text(
        tree,
        main_content=True,
        preserve_formatting=True,
        list_bullets=False,
        alt_texts=False,
        comments=False,
    )
    return text.strip()


@dataclass(frozen=True, slots=True)
class PageMetadata:
    title: str | None
    date: str | None
    site: str | None
    url: str | None


#: meta names and properties giving the publication date, best first
_DATE_KEYS = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_JSONLD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')
#: a date in a URL's path (``/2019/11/19/``), as htmldate reads one: the last resort
_URL_DATE = re.compile(r"/((?:19|20)\d\d)[/-]([01]?\d)[/-]([0-3]?\d)(?:/|[-_]|$)")


#: a tag and its attributes, up to the next ``<`` or ``>``: each match stops there, so the
#: scan stays linear whatever the page (quotes left open, tags never closed)
_TAG = r"<{}\b[^<>]{{0,8192}}>"
_META_TAG = re.compile(_TAG.format("meta"), re.IGNORECASE)
_LINK_TAG = re.compile(_TAG.format("link"), re.IGNORECASE)
_TIME_TAG = re.compile(_TAG.format("time"), re.IGNORECASE)
_ATTR = re.compile(r"""([^\s=<>/"']+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_MARKUP = re.compile(r"<[^>]*>")
_HEAD_END = re.compile(r"</head\s*>|<body\b", re.IGNORECASE)
#: where the head is looked for when a page marks no end to it
HEAD_CHARS = 65536


def _attrs(tag: str) -> dict[str, str]:
    """The attributes of one tag, names lower-cased, values unescaped (the first of a name)."""
    out: dict[str, str] = {}
    for m in _ATTR.finditer(tag):
        value = m[2] if m[2] is not None else m[3] if m[3] is not None else m[4]
        out.setdefault(m[1].lower(), html_lib.unescape(value))
    return out


def _text_of(markup: str) -> str:
    return " ".join(html_lib.unescape(_MARKUP.sub(" ", markup)).split())


def page_metadata(page: str) -> PageMetadata:
    """Title, publication date, site name and canonical URL from a page's own tags: Open Graph
    and the common meta names and ``<link rel=canonical>`` in the head, JSON-LD
    ``datePublished``, ``<title>`` (or the first ``<h1>``: `_title`) and the first
    ``<time datetime>``, else a date in the canonical URL. A date outside 1990-2100
    (DATE_PARAMS) is no date.

    Read with regular expressions over the page's text: walking resiliparse's tree for them
    cost 1.4-4 ms a page (a Python object made for each node), as much as the extraction."""
    end = _HEAD_END.search(page)
    body_start = end.start() if end else 0
    head = page[:body_start] if end else page[:HEAD_CHARS]
    meta: dict[str, str] = {}
    canonical: str | None = None
    for tag in _META_TAG.findall(head):
        a = _attrs(tag)
        key = a.get("property") or a.get("name") or a.get("itemprop")
        value = clean_field(a.get("content"))
        if key and value:
            meta.setdefault(key.strip().lower(), value)
    for tag in _LINK_TAG.findall(head):
        a = _attrs(tag)
        if a.get("rel", "").strip().lower() == "canonical" and a.get("href"):
            canonical = clean_field(a["href"])
            break
    candidates = [meta[k] for k in _DATE_KEYS if k in meta]
    candidates.extend(_JSONLD_DATE.findall(page))
    for tag in _TIME_TAG.finditer(page):
        found = _attrs(tag[0]).get("datetime")
        if found:
            candidates.append(found)
            break
    url = canonical or meta.get("og:url")
    in_url = _URL_DATE.search(url or "")
    if in_url:
        y, m, d = in_url.groups()
        candidates.append(f"{y}-{int(m):02d}-{int(d):02d}")
    date = next(filter(None, map(_bounded_date, candidates)), None)
    return PageMetadata(
        title=meta.get("og:title") or _title(head, page, body_start) or meta.get("twitter:title"),
        date=date,
        site=meta.get("og:site_name"),
        url=url,
    )


def _title(head: str, page: str, body_start: int) -> str | None:
    """The page's ``<title>``, or its first ``<h1>`` when the title holds it (the title with
    the site's name around it)."""
    found = _TITLE.search(head)
    title = clean_field(_text_of(found[1])) if found else None
    if title is None:
        return None
    h1 = _H1.search(page, body_start)
    heading = _text_of(h1[1]) if h1 else ""
    return heading if heading and heading in title else title


def _htmldate(html: bytes | str, url: str | None) -> str | None:
    """htmldate's date of a page (as trafilatura finds it, with DATE_PARAMS): for a page whose
    tags name no date (`page_metadata`), about a quarter of pages, at 2-3 ms each."""
    from htmldate import find_date  # on first use, as trafilatura (module docstring)

    try:
        found = find_date(
            defuse(html),
            extensive_search=False,
            original_date=True,
            outputformat=str(DATE_PARAMS["outputformat"]),
            url=url,
            min_date=MIN_DATE,
            max_date=MAX_DATE,
        )
    except (ValueError, TypeError, AttributeError, IndexError, KeyError):
        return None
    return _bounded_date(found) if found else None


def _bounded_date(value: str) -> str | None:
    """`value` as a normalised date (`_page_date`), None outside DATE_PARAMS' window."""
    date = _page_date(value.strip())
    if date is None or not MIN_DATE <= date[:10] <= MAX_DATE:
        return None
    return date


def _with_metadata(text: str, meta: PageMetadata, url: str | None) -> Extracted:
    """A resiliparse-based extraction: its text, the page's metadata; the page's absolute
    canonical URL, else the URL given for it (as trafilatura chooses)."""
    canonical = meta.url if meta.url and "://" in meta.url else None
    return Extracted(
        text=text,
        title=meta.title,
        date=meta.date,
        site=meta.site,
        url=canonical or clean_field(url),
    )
