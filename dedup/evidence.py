"""Why a report says what it says: whether a copy changed its headline, the wire source a
cluster's members credit, and how long after the origin a copy appeared.

Pure functions over report values (`dedup.model.Member`): the report (`dedup.report`), the
filters (`dedup.filters`) and the site view (`dedup.sites`) read them.

Rules:
- Headline: two titles are the same headline when their words (NFKC, case-folded, ``\\w+``
  runs) are the same, after a trailing site name is dropped from each: the part after the
  last `` | ``, `` - ``, `` – `` or `` — `` when it has at most four words and what is left
  has at least three (``Spotify ends policy | Star Tribune``).
- Wire source: the credit (`Member.credit`) given by more than half of the members that
  credit anyone (the origin included); none when no credit has such a majority. A cluster
  of 6 with 3 crediting AP, 1 Reuters and 2 no one has AP (3 of 4); 2 AP and 2 Reuters has
  none.
- Delay: copy date minus origin date. Dates are ISO 8601 strings; a time without a zone is
  UTC. When either date has no time of day the delay is counted in whole days (the
  precision of the vaguer date); a member without a date has no delay.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

from dedup.model import Member

_WORDS = re.compile(r"\w+")
_SITE_SUFFIX = re.compile(r"\s+(?:\||-|\u2013|\u2014)\s+(?P<tail>[^|\u2013\u2014]*?)\s*$")


def _headline(title: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", title).casefold()
    m = _SITE_SUFFIX.search(text)
    if m is not None:
        head = _WORDS.findall(text[: m.start()])
        if len(head) >= 3 and len(_WORDS.findall(m.group("tail"))) <= 4:
            return tuple(head)
    return tuple(_WORDS.findall(text))


def title_changed(title: str | None, origin_title: str | None) -> bool | None:
    """Whether `title` is another headline than `origin_title` (module docstring); None when
    either is missing."""
    if not title or not origin_title:
        return None
    return _headline(title) != _headline(origin_title)


def wire_source(members: Sequence[Member]) -> tuple[str | None, int, int]:
    """``(source, credited, uncredited)`` of a cluster's members: the credit given by more than
    half of the members that credit anyone (None without such a majority), how many members
    give it, how many credit no one."""
    counts = Counter(m.credit for m in members if m.credit is not None)
    uncredited = sum(1 for m in members if m.credit is None)
    if not counts:
        return None, 0, uncredited
    (who, n), *_ = sorted(counts.items(), key=lambda t: (-t[1], t[0]))
    if 2 * n <= sum(counts.values()):
        return None, 0, uncredited
    return who, n, uncredited


def parse_date(value: str | None) -> tuple[datetime, bool] | None:
    """``(instant, has_time)`` of an ISO 8601 date (a bare date is midnight UTC; a time without
    a zone is UTC), or None when there is none or it does not parse."""
    if not value:
        return None
    try:
        if "T" not in value and " " not in value.strip():
            d = date.fromisoformat(value[:10])
            return datetime(d.year, d.month, d.day, tzinfo=UTC), False
        t = datetime.fromisoformat(value)
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t, True


def delay_seconds(origin_date: str | None, copy_date: str | None) -> float | None:
    """How long after the origin a copy appeared, in seconds (module docstring); None when
    either date is unknown."""
    o, c = parse_date(origin_date), parse_date(copy_date)
    if o is None or c is None:
        return None
    if not (o[1] and c[1]):  # a bare date: whole days
        days = (c[0].astimezone(UTC).date() - o[0].astimezone(UTC).date()).days
        return float(days * 86400)
    return (c[0] - o[0]).total_seconds()


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_SPAN = re.compile(r"(\d+)\s*([smhdw])")


def parse_span(text: str) -> int:
    """Seconds in a span written ``90m``, ``36h``, ``3d``, ``2w`` (or several: ``1d12h``);
    ValueError naming the text otherwise."""
    s = text.strip().lower()
    parts = _SPAN.findall(s)
    if not parts or _SPAN.sub("", s).strip():
        raise ValueError(f"{text!r} is not a time span (write it as 90m, 36h, 3d or 2w)")
    return sum(int(n) * _UNITS[u] for n, u in parts)
