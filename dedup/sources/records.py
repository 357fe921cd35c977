"""Turning one structured record (a JSON object, a CSV row) into a RawRecord."""

from __future__ import annotations

from collections.abc import Mapping

from dedup.config import InputConfig
from dedup.errors import RecordError
from dedup.sources.base import RawRecord, clean_field, normalize_date


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
        raise RecordError(
            f"record has no text (no non-empty {cfg.text_field!r} or {cfg.html_field!r})"
        )
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
