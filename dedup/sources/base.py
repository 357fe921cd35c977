"""What every reader yields, and the helpers they share (opening, decoding, metadata)."""

from __future__ import annotations

import codecs
import gzip
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from dedup.dates import parse_date
from dedup.errors import RecordError


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One input record before extraction: either `text` or `html` is set."""

    id: str
    source: str
    location: str | None = None
    text: str | None = None
    html: bytes | str | None = None
    url: str | None = None
    site: str | None = None
    title: str | None = None
    date: str | None = None
    fallback_date: str | None = None  # used when neither the record nor the page gives a date
    # the record field a date was given in (None: none given); `date` None then means unread
    date_field: str | None = None
    date_given: str | None = None  # the value given, when it could not be read

    @property
    def where(self) -> str:
        return f"{self.source}:{self.location}" if self.location else self.source


_SNIFF = 8192


def read_failure(exc: BaseException) -> str:
    """The reason for a Skip when reading a file failed part way (records before it are kept)."""
    if isinstance(exc, EOFError | zlib.error | gzip.BadGzipFile):
        return f"corrupt or truncated compressed file, rest not read: {exc}"
    return f"read error, rest of file not read: {exc}"


#: byte-order marks of the Unicode encodings that put NUL bytes in text, longest first
#: (the UTF-32 LE mark begins with the UTF-16 LE one); UTF-8's is handled by its decoder
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def bom_encoding(head: bytes) -> str | None:
    """ "utf-16" or "utf-32" when `head` starts with that encoding's byte-order mark (the codec
    of that name reads the mark and the byte order from it), else None."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def is_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes in its first 8 KiB, unless it starts with a
    UTF-16 or UTF-32 byte-order mark (text in those encodings holds NUL bytes)."""
    return bom_encoding(data) is None and b"\x00" in data[:_SNIFF]


#: control bytes that text does not hold (tab, line ends, form feed and escape are text's)
_CONTROL = bytes(c for c in range(32) if c not in b"\t\n\r\f\v\x1b")


def is_binary_text(data: bytes) -> bool:
    """True for the start of a file of records or text that is not text, judged on its first
    8 KiB: NUL bytes in it and either many control bytes (at least 8, and 1 in 32 bytes) or
    bytes that are not UTF-8. A stray NUL in UTF-8 text is text: it costs only the line or
    record that holds it. Text starting with a UTF-16 or UTF-32 byte-order mark is text."""
    head = data[:_SNIFF]
    if bom_encoding(head) is not None or b"\x00" not in head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROL))
    if controls >= max(8, len(head) // 32):
        return True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a character cut by the end of the block is UTF-8
        return exc.reason != "unexpected end of data" or exc.start < len(head) - 3
    return False


def decode_text(data: bytes) -> str:
    """Decode bytes of text: UTF-16 or UTF-32 with a byte-order mark; UTF-8 (with or without
    BOM) if valid; else the detected legacy encoding. RecordError for data that is not text
    (`is_binary_text`)."""
    if is_binary_text(data):
        raise RecordError("binary file, not text")
    unicode = bom_encoding(data)
    if unicode is not None:
        return data.decode(unicode, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = decode_legacy(data)
    if text is None:
        raise RecordError("cannot detect the text encoding")
    return text


#: Legacy encodings news text is met in. Left to itself charset_normalizer also weighs rare code
#: pages (cp1257, cp775, iso8859_10, ...) and often picks one for Western European text.
_LEGACY_ENCODINGS = [
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "iso8859_5",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "cp1255",
    "cp1256",
    "shift_jis",
    "cp932",
    "euc_jp",
    "gb18030",
    "gbk",
    "big5",
    "euc_kr",
    "cp949",
]


def decode_legacy(data: bytes) -> str | None:
    """Decode bytes that are not UTF-8 with the detected legacy encoding; None if none fits.

    On a tie (short text gives charset_normalizer no evidence: "déjà" reads as cp1252 "déjà"
    and as cp1250 "déjŕ" alike) the Western European reading (cp1252 / latin-1) wins.
    """
    import charset_normalizer  # only for text that is not UTF-8: most runs meet none

    matches = charset_normalizer.from_bytes(data, cp_isolation=_LEGACY_ENCODINGS)
    best = matches.best()
    if best is None:
        return None
    for m in matches:
        if (
            m.chaos == best.chaos
            and m.coherence == best.coherence
            and "cp1252" in m.could_be_from_charset
        ):
            return str(m)
    return str(best)


def decode_line(raw: bytes) -> str:
    """One line of text: UTF-8 if valid, else its detected legacy encoding (latin-1 at worst)."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_legacy(raw)
        return decoded if decoded is not None else raw.decode("latin-1")


def site_of(url: str | None) -> str | None:
    """A URL's host without a leading ``www.``, lower-cased; None when there is no host."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


def normalize_date(value: object, fmt: str | None = None) -> str | None:
    """An ISO 8601 string for a date found in input: ``YYYY-MM-DD`` for a date alone,
    ``YYYY-MM-DDTHH:MM:SSZ`` (converted to UTC) for a moment; None when it cannot be read
    (`dedup.dates.parse_date`: with `fmt` a strptime format, the common forms without)."""
    return parse_date(value, fmt)


def clean_field(value: object) -> str | None:
    """A metadata value as a stripped string, None when absent or empty."""
    if value is None:
        return None
    s = str(value).strip()
    return s or None
