"""Who came first and whom a copy credits.

Origin rule (deterministic): the member with the earliest date wins. Dates compare by day
first; on the same day a date with a time of day comes before a bare date (it is the more
precise claim), then the earlier time. Members without a date come after every dated member.
Remaining ties go to the longer text (copies truncate, originals rarely grow), then to the
smaller id in code-point order.

Credits are read from the text as published, in its first twelve and last six lines (a
paragraph separator other than line breaks counts as one: `dedup.paragraphs`):

- a dateline such as ``(Reuters) -``, ``WASHINGTON (AP) —`` or ``Washington (CNN)`` ending its
  line;
- a credit line (``Source: ...``, ``Via ...``, ``Courtesy of ...``, a copyright line such as
  ``© AFP 2018``), or a provider line ``Bloomberg•`` (Yahoo's);
- a byline naming an agency: ``By The Associated Press``, ``Jane Doe, Associated Press``,
  ``By JILL COLVIN Associated Press``, ``By A, B and C | Associated Press``, with or without a
  date after it (``Associated Press Monday, July 16, 2018``, ``The Associated Press |
  Sunday, July 15, 2018, 8:27 a.m.``), ``Posted 5:57 am, July 16, 2018, by Associated Press``;
- a line saying that an agency contributed (``Associated Press writers ... contributed to this
  report``, ``Bloomberg's ... contributed.``, ``Reuters contributed to this report``);
- a bare domain such as ``jpost.com`` standing as one of the last lines.

A photo credit is not a credit of the story: ``(AP Photo/Evan Vucci)``, ``Photo: Roni
Rekomaa, AP``, ``Pablo Martinez Monsivais / AP``, ``© Getty`` are skipped. Read on the Helsinki
pages of ArticleComparisons (benchmarks/credit_labels.csv), AP photographs illustrate USA
TODAY's, the Washington Post's and the Los Angeles Times's own stories, and photo galleries
of agency pictures carry no story at all. An agency named inside the story (``told
Reuters``, ``Reuters reported that``) is no credit either: only the lines above are read.
"""

from __future__ import annotations

import re

from dedup.model import CreditClues, Document, Entry

# Agencies and how they are written; the value is the name reported.
AGENCIES = {
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "thomson/reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "bloomberg": "Bloomberg",
    "dpa": "dpa",
    "upi": "UPI",
    "efe": "EFE",
    "ansa": "ANSA",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "interfax": "Interfax",
    "kyodo": "Kyodo",
    "yonhap": "Yonhap",
    "pa": "PA",
    "press association": "PA",
    "aap": "AAP",
    "cp": "The Canadian Press",
    "the canadian press": "The Canadian Press",
    "pti": "PTI",
    "ani": "ANI",
    "ians": "IANS",
    "anp": "ANP",
    "belga": "Belga",
    "apa": "APA",
    "sda": "SDA",
    "cnn": "CNN",
    "cnn wire": "CNN",
    "bbc": "BBC",
}
# every word of every agency name but "the": a line without one of them names no agency
_AGENCY_WORDS = frozenset(w for k in AGENCIES for w in k.split() if w != "the")
_WORD = re.compile(r"[\w-]+")
_AGENCY_ALT = "|".join(sorted((re.escape(k) for k in AGENCIES), key=len, reverse=True))

# "(Reuters) -", "WASHINGTON (AP) —", "PARIS (AFP) -", "MOSCOW, July 15 (Reuters) -": the
# parenthesis comes first in the pattern so that the regex engine can skip to each "(" instead
# of trying the alternation at every character; what precedes it on its line is checked after.
_DATELINE = re.compile(
    r"\((?P<who>" + _AGENCY_ALT + r")(?:/[^)]{0,40})?\)(?:\s*[-\u2013\u2014:]|[ \t]*(?:\n|\Z))",
    re.IGNORECASE,
)
_DATELINE_LEAD = re.compile(r"[^\n()]{0,60}")
_CREDIT_LINE = re.compile(
    r"^\s*(?:[/|]\s*)?(?:source|sources|via|credit|courtesy(?: of)?"
    r"|originally (?:published|appeared) (?:by|on|in|at)"
    r"|copyright|\u00a9|quelle|fuente|fonte|avec)\s*[:\-\u2013\u2014]?\s*"
    r"(?:\d{4}\s+)?(?P<who>[^\n]{2,80}?)\s*[.;]?\s*$",
    re.IGNORECASE,
)
_MENTION_WORDS = ("contributed", "all rights reserved", "information from")
# a line saying an agency contributed ("Associated Press writers ... contributed to this
# report", "Bloomberg's X contributed.", "Reuters contributed"), a copyright line ending in
# "All rights reserved", or "Information from the Associated Press was used in this report"
_AGENCY_MENTION = re.compile(
    r"^(?:information from\s+)?(?:the\s+)?(?P<who>" + _AGENCY_ALT + r")(?:'s|\u2019s)?\b"
    r"(?=[^\n]{0,200}\b(?:contributed|was used)\b)"
    r"|\b(?P<who2>" + _AGENCY_ALT + r")\b\.? all rights reserved",
    re.IGNORECASE,
)
# A byline or credit line naming an agency: "By The Associated Press", "Associated Press",
# "Paul J. Weber and Geoff Mulvihill, Associated Press", "The Associated Press — By ...",
# "By JILL COLVIN Associated Press", "By A, B and C | Associated Press", "Posted 5:57 am, July
# 16, 2018, by Associated Press"; a date after the byline is cut first (`_BYLINE_TAIL`).
_BYLINE = re.compile(
    r"^(?:(?:by|from|via)\s+)?(?:the\s+)?(?P<who>" + _AGENCY_ALT + r")(?:\s+(?:staff|wire))?\.?$"
    r"|,\s*(?:the\s+)?(?P<who2>" + _AGENCY_ALT + r")\.?$"
    r"|^(?:[\w ]{0,20}\s)?(?:the\s+)?(?P<who3>" + _AGENCY_ALT + r")\s*[\u2014\u2013-]+\s*by\b"
    r"|^by\s[^\n]{1,150}?(?:[\s,|\u2014\u2013-]\s*(?:the\s+)?(?P<who4>" + _AGENCY_ALT + r")"
    r"|(?<=[a-z])(?P<who5>associated press))\.?$"
    r"|^[^\n]{0,150}?[a-z](?P<who6>associated press)$"
    r"|^(?:posted|published|updated)\b[^\n]{0,60}?\bby\s+(?:the\s+)?(?P<who7>"
    + _AGENCY_ALT
    + r")\b",
    re.IGNORECASE,
)
#: words one of which a credit line (`_CREDIT_LINE`) holds
_CREDIT_WORDS = (
    "source",
    "via",
    "credit",
    "courtesy",
    "originally",
    "copyright",
    "\u00a9",
    "quelle",
    "fuente",
    "fonte",
    "avec",
)
_BY = re.compile(r"by\s", re.IGNORECASE)
#: words of the name a credit line gives
_MAX_CREDIT_NAME_WORDS = 6
#: words of a byline line, a date after it included ("Posted 5:57 am, July 16, 2018, by
#: Associated Press , Updated at 06:00AM, July 16, 2018" has 15)
_MAX_BYLINE_WORDS = 20
_BYLINE_GROUPS = ("who", "who2", "who3", "who4", "who5", "who6", "who7")
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# a date or time after a byline: "Monday, July 16, 2018", "| Sunday, ...", "Published 7:50
# a.m. ET July 16, 2018", "July 15, 2018 04:47 PM", "16 July 2018"
_BYLINE_TAIL = re.compile(
    r"\s*(?:[|,\u2014\u2013-]\s*)*(?:\b(?:published|posted|updated)\b"
    r"|\b(?:mon|tues|wednes|thurs|fri|satur|sun)day\b"
    r"|\b(?:" + _MONTHS + r")\.?\s+\d{1,2}\b|\b\d{1,2}\s+(?:" + _MONTHS + r")\b"
    r"|\b\d{1,2}:\d{2}).*$",
    re.IGNORECASE,
)
# a photo credit, never a credit of the story: "(AP Photo/Evan Vucci)", "Photo: X, AP",
# "Pablo Martinez Monsivais / AP", "Evan Vucci AP Photo", "© Getty", "(Lehtikuva via AP)"
_PHOTO = re.compile(
    r"\b(?:photos?|photograph\w*|images?|getty|pool|video|lehtikuva|file)\b"
    r"|(?<!thomson)\s?/\s?(?:the\s+)?(?:" + _AGENCY_ALT + r")\b|^\(.*\)$",
    re.IGNORECASE,
)
# Yahoo's provider line under a title: "Bloomberg•", "Politico•"
_PROVIDER = re.compile(r"^(?P<who>[^\n\u2022]{2,60}?)\s*\u2022$")
_BARE_DOMAIN = re.compile(
    r"^\s*(?:https?://)?(?:www\.)?(?P<who>[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,})/?\s*$", re.I
)
_TRAILING_WORDS = re.compile(r"\b(?:all rights reserved|this material may not be.*)$", re.I)


def _dateline(text: str) -> str | None:
    """The agency of the first dateline in `text` that starts its line (at most 60 characters
    and no parenthesis before it on the line)."""
    for m in _DATELINE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _DATELINE_LEAD.fullmatch(text, line_start, m.start()):
            return m.group("who")
    return None


#: characters at the top of a text where a dateline decides the credit before anything else
_EARLY = 600


def _datelines(text: str) -> tuple[str | None, str | None]:
    """``(_dateline(text[:600]), _dateline(text[:_DATELINE_REACH]))`` from one pass: the
    matches that end within the first 600 characters are those of the shorter text (a match
    across the boundary makes it look again at the shorter text, to be exact)."""
    early_done = False
    for m in _DATELINE.finditer(text[:_DATELINE_REACH]):
        if not early_done and m.end() > _EARLY:
            early_done = True
            if m.start() < _EARLY:
                early = _dateline(text[:_EARLY])
                if early:
                    return early, None  # the late one is not needed then
        line_start = text.rfind("\n", 0, m.start()) + 1
        if _DATELINE_LEAD.fullmatch(text, line_start, m.start()):
            who = m.group("who")
            return (None if early_done else who), who
    return None, None


def _canonical(who: str) -> str:
    w = " ".join(who.split()).strip(" .,;:-")
    w = _TRAILING_WORDS.sub("", w).strip(" .,;:-")
    w = _YEAR.sub("", w).strip(" .,;:-")
    return AGENCIES.get(w.lower(), w)


_YEAR = re.compile(r"\s+(?:19|20)\d\d$")


#: characters of a line that can still be a credit line ("Source: ...", a byline)
_MAX_CREDIT_LINE = 240
#: how far into a text a dateline is looked for (past captions and other chrome at the top):
#: a dateline found past the first 600 characters is a `CreditClues.late` one
_DATELINE_REACH = 3000


_NO_CLUES = CreditClues()
#: lines read at the top (bylines come after a title, a photo and its caption, a date) and at
#: the bottom (a "contributed" line, a copyright line, then a few links) of a text
_FIRST = 12
_LAST = 6


def _edge_lines(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first `_FIRST` and the last `_LAST` non-empty stripped lines of `text` (overlapping
    when it has fewer), each kept only if it is at most `_MAX_CREDIT_LINE` characters."""
    lines = text.splitlines()
    # most texts have few blank lines: twice as many lines as wanted are enough
    first = [s for ln in lines[: 2 * _FIRST] if (s := ln.strip())][:_FIRST]
    if len(first) < _FIRST and len(lines) > 2 * _FIRST:
        first = [s for ln in lines if (s := ln.strip())][:_FIRST]
    last = [s for ln in lines[-2 * _LAST :] if (s := ln.strip())][-_LAST:]
    if len(last) < _LAST and len(lines) > 2 * _LAST:
        last = [s for ln in lines if (s := ln.strip())][-_LAST:]
    return (
        tuple(s for s in first if len(s) <= _MAX_CREDIT_LINE),
        tuple(s for s in last if len(s) <= _MAX_CREDIT_LINE),
    )


def credit_clues(text: str) -> CreditClues:
    """What `credit_from` needs of `text` (see `CreditClues`)."""
    early, late = _datelines(text)
    if early:
        return CreditClues(early, dateline_line=_dateline_line(text))
    first, last = _edge_lines(text)
    if late is None and not first and not last:
        return _NO_CLUES
    line = _dateline_line(text) if late else ""
    return CreditClues(late, True, "\n".join(first + last), len(first), line)


def _dateline_line(text: str) -> str:
    """The first dateline that `_dateline` accepts in the first `_DATELINE_REACH` characters,
    from the start of its line to its dash (``NEW YORK (AP) —``), stripped."""
    head = text[:_DATELINE_REACH]
    for m in _DATELINE.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        if _DATELINE_LEAD.fullmatch(head, line_start, m.start()):
            return head[line_start : m.end()].strip()
    return ""


def credit_from(clues: CreditClues) -> str | None:
    """The agency or outlet credited by a text with these `clues` (module docstring rules, in
    this order: early dateline, bare domain among the last lines, credit line, provider line,
    byline naming an agency, agency contributing, a later dateline); photo credits skipped."""
    if clues.dateline and not clues.late:
        return _canonical(clues.dateline)
    first, last = clues.lines()
    for ln in last:
        m = _BARE_DOMAIN.match(ln) if "." in ln else None
        if m:
            return m.group("who").lower()
    edge = first + last
    low = clues.edge.lower()
    # each rule below is tried only on clues holding one of its words: most hold none
    credit_words = any(w in low for w in _CREDIT_WORDS)
    for ln in edge if credit_words else ():
        if len(ln.split()) > 14:
            continue
        m = _CREDIT_LINE.match(ln)
        if m and not _PHOTO.search(ln):
            who = _canonical(m.group("who"))
            # a name, not a sentence ("Source: A Fox News poll of 1,007 voters ...")
            if who and len(who.split()) <= _MAX_CREDIT_NAME_WORDS:
                return who
    for ln in first if "\u2022" in low else ():
        m = _PROVIDER.match(ln)
        if m:
            return _canonical(m.group("who"))
    if _AGENCY_WORDS.isdisjoint(_WORD.findall(low)):
        return _canonical(clues.dateline) if clues.dateline else None
    naming = [ln for ln in edge if _AGENCY_WORDS.intersection(_WORD.findall(ln.lower()))]
    for ln in naming:
        if len(ln.split()) <= _MAX_BYLINE_WORDS and not _PHOTO.search(ln):
            ln = ln.rstrip(" \u2022")  # "Jill Colvin, The Associated Press •" (Yahoo's)
            m = _BYLINE.search(ln) or _BYLINE.search(_BYLINE_TAIL.sub("", ln))
            if m is None:
                continue
            # "Pablo Martinez Monsivais, AP" under a caption is a photo credit: after a comma
            # an agency's abbreviation is a byline only in a line starting "By"
            if m.group("who2") and m.group("who2").isupper() and not _BY.match(ln):
                continue
            return _canonical(next(w for g in _BYLINE_GROUPS if (w := m.group(g))))
    for ln in naming:
        low = ln.lower()
        m = _AGENCY_MENTION.search(ln) if any(w in low for w in _MENTION_WORDS) else None
        if m:
            return _canonical(m.group("who") or m.group("who2"))
    return _canonical(clues.dateline) if clues.dateline else None


def credit_evidence(clues: CreditClues) -> str | None:
    """The line the credit `credit_from(clues)` came from, or None when it credits no one: the
    dateline's line for a dateline credit, else the first kept line (top lines, then last
    lines) that on its own gives the same credit, else the line of a later dateline. Every
    credit is decided by `credit_from` alone; this only points at the line it read."""
    who = credit_from(clues)
    if who is None:
        return None
    if clues.dateline and not clues.late:
        return clues.dateline_line or None
    first, last = clues.lines()
    for ln, at_top in [(x, 1) for x in first] + [(x, 0) for x in last]:
        if credit_from(CreditClues(edge=ln, n_first=at_top)) == who:
            return ln
    return clues.dateline_line or None


def detect_credit(text: str) -> str | None:
    """The agency or outlet a text credits, or None. See the module docstring for the rules."""
    return credit_from(credit_clues(text))


def origin_key(doc: Document | Entry, size: int) -> tuple[int, str, int, str, int, str]:
    """Sort key of the origin rule: the smallest key in a cluster is its origin."""
    if doc.date:
        day, _, time = doc.date.partition("T")
        return (0, day, 0 if time else 1, time, -size, doc.id)
    return (1, "", 1, "", -size, doc.id)
