"""Turning one structured record (a JSON object, a CSV row) into a RawRecord."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping

from dedup.config import InputConfig
from dedup.errors import RecordError, describe
from dedup.model import Skip
from dedup.sources.base import RawRecord, clean_field, normalize_date

#: how the reason of the one skip of a file whose records all lack text begins
NO_TEXT = "no record has text"


def from_mapping(
    obj: Mapping[str, object], source: str, location: str, cfg: InputConfig
) -> RawRecord:
    """A RawRecord from a record's fields (names set by `cfg`); RecordError if unusable.

    A record needs text or HTML. Without an id field its id is ``source:location``.
    """
    text = obj.get(cfg.text_field)
    html = obj.get(cfg.html_field)
    if text is not None and not isinstance(text, str):
        raise RecordError(f"field {cfg.text_field!r} is not a string")
    if html is not None and not isinstance(html, str):
        raise RecordError(f"field {cfg.html_field!r} is not a string")
    text = text if text and text.strip() else None
    html = html if html and html.strip() else None
    if text is None and html is None:
        raise RecordError(_no_text_reason(cfg))
    given = clean_field(obj.get(cfg.date_field))
    date = normalize_date(given, cfg.date_format)
    rid = clean_field(obj.get(cfg.id_field))
    if rid is None:
        rid = f"{source}:{location}"
    return RawRecord(
        id=rid,
        source=source,
        location=location,
        text=text,
        html=None if text is not None else html,
        url=clean_field(obj.get(cfg.url_field)),
        site=clean_field(obj.get(cfg.site_field)),
        title=clean_field(obj.get(cfg.title_field)),
        date=date,
        date_field=cfg.date_field if given is not None else None,
        date_given=given if date is None else None,
    )


def lacks_text(obj: Mapping[str, object], cfg: InputConfig) -> bool:
    """True when `obj` has neither field of text nor of HTML, or only blank ones (a field of
    another type is not "lacking": `from_mapping` says what is wrong with it)."""
    for name in (cfg.text_field, cfg.html_field):
        value = obj.get(name)
        if value is not None and (not isinstance(value, str) or value.strip()):
            return False
    return True


#: field names that hold an article's text, id, URL, site, date or title in exports met in the
#: wild (suggested by `TextHint`, first match wins)
_TEXT_NAMES = ("body", "content", "article", "maintext", "full_text", "article_text", "story")
_ID_NAMES = ("guid", "uuid", "doc_id", "article_id", "_id", "key")
_URL_NAMES = ("link", "permalink", "article_url", "canonical_url", "href", "source_url")
_SITE_NAMES = ("publisher", "source", "domain", "outlet", "site_name", "publication", "media")
_DATE_NAMES = ("published", "publish_date", "pubdate", "date_published", "published_at")
_DATE_WORDS = ("date", "time", "published")
_TITLE_NAMES = ("headline", "heading", "head", "subject", "name")
#: fields named in the hint at most
_SHOWN_FIELDS = 12


class TextHint:
    """The records of one file (or byte range) that lack text (`lacks_text`), held back until
    one record has text: then each is the usual per-record skip (`release`); if none ever
    has, they are one skip for the file (`finish`) that names the fields the records do have
    and the options that would map them (``--text-field body``), instead of one identical
    skip a record. Holds a line number a record (8 bytes) and the names of the fields."""

    def __init__(self, cfg: InputConfig, unit: str = "line") -> None:
        self.cfg = cfg
        self.unit = unit  # how a record is located: "line" (JSONL, CSV) or "record" (JSON)
        self.found = False  # a record with text was met: records lacking it are skips at once
        self._lines = array("q")
        self._fields: dict[str, int] = {}  # field -> characters of string values seen
        #: said instead of the field options when the header was not split into fields (a CSV
        #: delimiter not found: `dedup.sources.csvfile.delimiter_hint`)
        self.header_hint: str | None = None

    def hold(self, obj: Mapping[str, object], line: int) -> None:
        self._lines.append(line)
        for key, value in obj.items():
            if key in self._fields or len(self._fields) < 256:
                size = len(value) if isinstance(value, str) else 0
                self._fields[key] = self._fields.get(key, 0) + size

    def release(self, source: str) -> Iterator[Skip]:
        """The held records as skips, once a record with text has been met."""
        self.found = True
        reason = _no_text_reason(self.cfg)
        for line in self._lines:
            yield Skip(source, reason, f"{self.unit} {line}")
        self._lines = array("q")

    def finish(self, source: str) -> Iterator[Skip]:
        """At the end of the file: the one skip of a file none of whose records has text."""
        if self.found or not self._lines:
            return
        first, last, n = self._lines[0], self._lines[-1], len(self._lines)
        where = f"{self.unit} {first}" if n == 1 else f"{self.unit}s {first}-{last}"
        yield Skip(source, self.reason(n), where, records=n)

    def reason(self, n: int) -> str:
        cfg = self.cfg
        names = list(self._fields)
        shown = ", ".join(repr(k) for k in names[:_SHOWN_FIELDS])
        if len(names) > _SHOWN_FIELDS:
            shown += f" and {len(names) - _SHOWN_FIELDS} more"
        records = "its one record has no" if n == 1 else f"none of its {n} records has a"
        out = (
            f"{NO_TEXT}: {records} non-empty {cfg.text_field!r} or {cfg.html_field!r} field"
            f"; fields: {shown or 'none'}"
        )
        if self.header_hint is not None:
            return f"{out}; {self.header_hint}"
        hints = self.hints()
        return out + (f"; try {' '.join(hints)}" if hints else "")

    def hints(self) -> list[str]:
        """The options that would map the fields met: the text's (a field of a known name,
        else the one holding the most text), and the id's, URL's, site's, date's and title's
        when their fields are missing and one of a known name is there."""
        cfg, fields = self.cfg, self._fields
        taken = {cfg.id_field, cfg.url_field, cfg.title_field, cfg.date_field, cfg.site_field}
        out: list[str] = []
        text = next((k for k in _TEXT_NAMES if fields.get(k)), None)
        if text is None:
            texts = [(size, k) for k, size in fields.items() if size and k not in taken]
            text = max(texts)[1] if texts else None
        if text is not None:
            out.append(f"--text-field {shell_word(text)}")
        for option, field, names in (
            ("--id-field", cfg.id_field, _ID_NAMES),
            ("--url-field", cfg.url_field, _URL_NAMES),
            ("--site-field", cfg.site_field, _SITE_NAMES),
            ("--date-field", cfg.date_field, _DATE_NAMES),
            ("--title-field", cfg.title_field, _TITLE_NAMES),
        ):
            if field in fields:
                continue
            found = next((k for k in names if k in fields and k != text), None)
            if found is None and option == "--date-field":
                found = next((k for k in fields if any(w in k.lower() for w in _DATE_WORDS)), None)
            if found is not None:
                out.append(f"{option} {shell_word(found)}")
        return out


def shell_word(name: str) -> str:
    """`name` as one shell word (quoted unless it is plain)."""
    import shlex

    return shlex.quote(name)


def _no_text_reason(cfg: InputConfig) -> str:
    return f"record has no text (no non-empty {cfg.text_field!r} or {cfg.html_field!r})"


#: what JSON calls the values Python reads it into
_JSON_TYPES = {
    "int": "number",
    "float": "number",
    "str": "string",
    "list": "array",
    "NoneType": "null",
    "bool": "boolean",
}


def json_record(
    obj: object, n: int, shown: str, where: str, cfg: InputConfig, hint: TextHint
) -> Iterator[RawRecord | Skip]:
    """The record of the `n`-th JSON value of a file (JSONL line, JSON array item) located at
    `where`, or its skip; a record without text is held by `hint` until the file shows whether
    any record has text. The record boundary: any failure is this record's skip."""
    if not isinstance(obj, dict):
        kind = _JSON_TYPES.get(type(obj).__name__, type(obj).__name__)
        yield Skip(
            shown, f"not a JSON object but a{'n' if kind[0] in 'aeiou' else ''} {kind}", where
        )
        return
    if not hint.found:
        if lacks_text(obj, cfg):
            hint.hold(obj, n)
            return
        yield from hint.release(shown)
    try:
        yield from_mapping(obj, shown, where, cfg)
    except RecordError as exc:
        yield Skip(shown, exc.reason, where)
    except Exception as exc:  # the record boundary: any other failure is this record's
        yield Skip(shown, f"unusable record: {describe(exc)}", where, "failed")
