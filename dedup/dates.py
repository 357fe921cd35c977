"""Dates as records and pages write them, read into the report's form.

`parse_date` gives ``YYYY-MM-DD`` for a date alone and ``YYYY-MM-DDTHH:MM:SSZ`` (in UTC) for a
moment, or None when the value cannot be read. Read, in this order:

- with a strptime `fmt` (`InputConfig.date_format`, ``--date-format``) when one is given: that
  format, else only the unambiguous ISO 8601 and RFC 2822 forms below;
- ISO 8601 (with or without time and offset) and ``YYYYMMDD``;
- RFC 2822 (``Sun, 15 Jul 2018 10:00:00 GMT``, as in HTTP and WARC headers);
- else python-dateutil (chosen over dateparser by measurement: `benchmarks/dates.py`), on the
  value with its separators (``|``, ``—``, ``/`` between date and time) and a leading
  ``Updated``/``Published``/``Posted`` removed: ``26-FEB-1987 15:01:01.79``,
  ``Jul 15, 2018 | 11:35 PM``, ``Monday, 16 July 2018 06:16 AM``, ``06/01/2018 02:57 pm ET``.

A value must name a year, a month and a day (dateutil would fill what is missing from today's
date: ``July 15`` or ``10:36`` are not read). Day and month written as numbers are read
month first (``07/08/2018`` is July 8, as in US exports) unless the year comes first
(``2018/07/08``); a strptime format decides otherwise. A time without a zone is taken as UTC;
US and UK zone names (``ET``, ``EDT``, ``PT``, ``BST``, ``GMT``, ...) are read, US ones with
their daylight-saving rule; a value naming another zone is not read (its hour is unknown).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from dateutil import parser as _dateutil

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
#: strptime directives of a time of day: a format without one gives a date alone
_TIME_DIRECTIVES = re.compile(r"%[HIMSfpXcTRrz]")
# "Sun, 15 Jul 2018 10:00:00 GMT" (the email parser would read "9:52 PM" as 09:52: only this)
_RFC2822 = re.compile(
    r"^(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d{1,2}:\d{2}(?::\d{2})?"
    r"\s*(?:[+-]\d{4}|GMT|UT|UTC|Z)?$"
)
# words before a date, and separators between its date and its time
_LEAD = re.compile(
    r"^(?:(?:originally\s+)?(?:published|posted|updated)(?:\s+(?:on|at))?\s*:?\s*)", re.I
)
_SEPARATORS = re.compile(r"\s+[|\u2014\u2013@/]\s+|\s*,\s*|\s+-\s+")
# "15:43 PM": a 24-hour time with a 12-hour marker; the marker is dropped
_PM_AFTER_24H = re.compile(r"\b(1[3-9]|2[0-3])(:\d\d(?::\d\d)?)\s*[ap]\.?m\.?", re.I)
#: zones that US and UK pages name
_ZONES: dict[str, str | int] = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "BST": 3600,
    "CET": 3600,
    "CEST": 7200,
    "ET": "America/New_York",
    "EST": -5 * 3600,
    "EDT": -4 * 3600,
    "CT": "America/Chicago",
    "CST": -6 * 3600,
    "CDT": -5 * 3600,
    "MT": "America/Denver",
    "MST": -7 * 3600,
    "MDT": -6 * 3600,
    "PT": "America/Los_Angeles",
    "PST": -8 * 3600,
    "PDT": -7 * 3600,
}
# two defaults that differ in every field: what a value does not say differs between them
_DEFAULT_A = datetime(2001, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2002, 2, 2, 1, 1, 1)


class _UnknownZone(ValueError):
    """A value names a time zone that is not in `_ZONES`."""


@cache
def _zone(name: str) -> tzinfo:
    value = _ZONES[name]
    if isinstance(value, str):
        return ZoneInfo(value)
    return timezone(timedelta(seconds=value), name)


def _tzinfos(name: str | None, offset: int | None) -> tzinfo | None:
    """dateutil's zone lookup: none named, none; a numeric offset as is; a known name; else
    `_UnknownZone`."""
    if name is None and offset is None:
        return None
    if offset is not None:
        return timezone(timedelta(seconds=offset))
    if name is not None and name.upper() in _ZONES:
        return _zone(name.upper())
    raise _UnknownZone(name)


def _iso(dt: datetime, timed: bool = True) -> str | None:
    """The report's form of `dt`: a moment in UTC (a naive one taken as UTC), or its date."""
    if not timed:
        return dt.date().isoformat()
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):  # before year 1 or after 9999 once in UTC: unknown
        return None


def _standard(s: str) -> str | None:
    """`s` read as ISO 8601, ``YYYYMMDD`` or RFC 2822, or None."""
    compact = _COMPACT_DATE.match(s)
    if compact:
        s = "-".join(compact.groups())
    if _DATE_ONLY.match(s):
        try:
            return datetime.strptime(s, "%Y-%m-%d").date().isoformat()
        except ValueError:
            return None
    try:
        return _iso(datetime.fromisoformat(s.replace("Z", "+00:00") if s.endswith("Z") else s))
    except ValueError:
        pass
    if _RFC2822.match(s):
        try:
            return _iso(parsedate_to_datetime(s))
        except (TypeError, ValueError, IndexError):
            return None
    return None


def _free(s: str) -> str | None:
    """`s` read by dateutil (module docstring), or None."""
    s = _LEAD.sub("", s)
    s = _PM_AFTER_24H.sub(r"\1\2", s)
    s = _SEPARATORS.sub(" ", s).strip()
    try:
        a = _dateutil.parse(s, default=_DEFAULT_A, tzinfos=_tzinfos)
        b = _dateutil.parse(s, default=_DEFAULT_B, tzinfos=_tzinfos)
    except (ValueError, OverflowError):  # ParserError and _UnknownZone are ValueErrors
        return None
    if (a.year, a.month, a.day) != (b.year, b.month, b.day):
        return None  # a year, month or day missing
    timed = (a.hour, a.minute) == (b.hour, b.minute)
    return _iso(a, timed)


def parse_date(value: object, fmt: str | None = None) -> str | None:
    """`value` in the report's form (module docstring), or None when it cannot be read."""
    if value is None:
        return None
    s = str(value).strip()
    return _parse(s, fmt) if s else None


@lru_cache(maxsize=4096)
def _parse(s: str, fmt: str | None) -> str | None:
    """`parse_date` of a stripped, non-empty value (the values of an export repeat: a day's
    records share their date, and dateutil takes ~70 microseconds a reading)."""
    if fmt is not None:
        try:
            dt = datetime.strptime(s, fmt)
        except ValueError:
            return _standard(s)
        return _iso(dt, bool(_TIME_DIRECTIVES.search(fmt)))
    if len(s) > 80:  # a date is short: a longer value is text
        return None
    found = _standard(s)
    return found if found is not None else _free(s)
