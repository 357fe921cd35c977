"""Configuration: one frozen dataclass per stage, composed into `ScanConfig`.

Every default below was chosen by measurement; the reason stands beside it. The numbers come
from `python benchmarks/tune.py` and `python benchmarks/quality.py` (see benchmarks/README.md).
`ScanConfig.fingerprint()` covers everything that changes a signature, so that stored signatures
are only ever compared with signatures made the same way.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from dedup.errors import ConfigError

#: Version of the normalisation + tokenisation + shingle-hash scheme. Bump it whenever a change
#: would give the same text another shingle hash, so old signatures are refused, not misread.
SHINGLE_SCHEME_VERSION = 2

INPUT_FORMATS = ("auto", "html", "warc", "jsonl", "json", "csv", "tsv", "text")
#: what `dedup.Index.add` does with a document whose id is already in the index
DUPLICATE_POLICIES: tuple[str, ...] = ("refuse", "replace")


C = TypeVar("C")


def renamed(old: str, new: str) -> Callable[[type[C]], type[C]]:
    """A settings class whose field `new` was called `old`: for one version, ``cls(old=...)``
    and ``obj.old`` still work, with a DeprecationWarning (one name for one setting in the
    API, the config and the command line: ``shingle_size``, ``--shingle-size``)."""

    def wrap(cls: type[C]) -> type[C]:
        init = cls.__init__

        @functools.wraps(init)
        def __init__(self: C, *args: Any, **kwargs: Any) -> None:
            if old in kwargs:
                warnings.warn(
                    f"{cls.__name__}({old}=...) is deprecated, use {new}=...",
                    DeprecationWarning,
                    stacklevel=2,
                )
                if new in kwargs:
                    raise ConfigError(f"give {new} only ({old} is its deprecated name)")
                kwargs[new] = kwargs.pop(old)
            init(self, *args, **kwargs)

        def former(self: C) -> Any:
            warnings.warn(
                f"{cls.__name__}.{old} is deprecated, use {cls.__name__}.{new}",
                DeprecationWarning,
                stacklevel=2,
            )
            return getattr(self, new)

        cls.__init__ = __init__  # type: ignore[assignment]
        setattr(cls, old, property(former, doc=f"Deprecated name of `{new}`."))
        return cls

    return wrap


@renamed("format", "input_format")
@dataclass(frozen=True, slots=True)
class InputConfig:
    """How inputs are read. Field names apply to JSONL and CSV records."""

    # "auto": chosen by file extension (gzip handled transparently); ``format`` is its deprecated
    # name (``--input-format``)
    input_format: str = "auto"
    id_field: str = "id"
    text_field: str = "text"
    html_field: str = "html"
    url_field: str = "url"
    date_field: str = "date"
    site_field: str = "site"
    title_field: str = "title"
    # A paragraph separator other than line breaks (`dedup.paragraphs`); None: found in each
    # text (a run like `` ### `` repeated where a text has fewer line breaks).
    paragraph_separator: str | None = None
    # strptime format of the dates in records (`dedup.dates`); None: the common forms are read.
    date_format: str | None = None
    # CSV: one character; None: a tab for TSV, else sniffed from the header line (`sources.csvfile`)
    delimiter: str | None = None
    # Bounds on what one input may make a scan read and hold, so that a small hostile file (a
    # gzip bomb: 1.5 MB of gzip is 1.5 GB of zeros) or one giant record costs a skip, not the
    # machine. `max_file_bytes`: bytes read from one file after decompression; records past it
    # are not read (the file's skip says from where). 1 GiB: far above any news export met,
    # and a scan reads it in seconds. `max_record_bytes`: one record (a JSONL line, a CSV row,
    # a text file), one HTML page, one WARC response body (after Content-Encoding): over it,
    # the record is skipped unread. 16 MiB: the largest of the 425 saved news pages of
    # ../shared/data is 1.6 MB; a scan holds ~40x a text record's size while it prepares it
    # (a 50 MB record peaked at 2.7 GB), so the bound is also a bound on a process's memory.
    max_file_bytes: int = 2**30
    max_record_bytes: int = 16 * 2**20

    def __post_init__(self) -> None:
        if self.max_file_bytes < 1 or self.max_record_bytes < 1:
            raise ConfigError("max_file_bytes and max_record_bytes must be at least 1")
        if self.input_format not in INPUT_FORMATS:
            raise ConfigError(
                f"unknown input format {self.input_format!r}; choose one of "
                f"{', '.join(INPUT_FORMATS)}"
            )
        if self.delimiter is not None and (len(self.delimiter) != 1 or self.delimiter in '"\r\n'):
            raise ConfigError(
                f"delimiter must be one character other than a quote or line end, "
                f"got {self.delimiter!r}"
            )
        for name in ("id_field", "text_field", "html_field"):
            if not getattr(self, name):
                raise ConfigError(f"{name} must not be empty")
        if self.paragraph_separator is not None and not self.paragraph_separator.strip():
            raise ConfigError(
                "paragraph separator (--paragraph-separator) must not be empty or only whitespace"
            )
        if self.date_format is not None:
            _check_date_format(self.date_format)


def _check_date_format(fmt: str) -> None:
    """ConfigError unless `fmt` is a strptime format with at least a day, month and year
    (``%Y-%m-%d``, ``%d-%b-%Y %H:%M:%S``, ``%x``...)."""
    if "%" not in fmt:
        raise ConfigError(
            f"date format (--date-format) {fmt!r} has no strptime directive, such as %Y-%m-%d"
        )
    try:
        datetime.strptime("", fmt)
    except re.error as exc:  # a directive twice (%Y%Y): strptime's pattern cannot be built
        raise ConfigError(
            f"date format (--date-format) {fmt!r} is not a strptime format: {exc.msg}"
        ) from None
    except ValueError as exc:
        msg = str(exc)
        if "directive" in msg or "stray %" in msg:
            raise ConfigError(
                f"date format (--date-format) {fmt!r} is not a strptime format: {msg}"
            ) from None


#: HTML extractors (`dedup.extract`): trafilatura with and without (``fast``) its fallbacks,
#: resiliparse, and resiliparse cut to the article with trafilatura ``fast`` where that is too
#: short (``hybrid``)
EXTRACTORS = ("trafilatura", "fast", "resiliparse", "hybrid")


@dataclass(frozen=True, slots=True)
class ExtractConfig:
    """HTML article extraction (`EXTRACTORS`; measured in README, "Extraction")."""

    # hybrid: on the 181 ScrapingHub pages token F1 0.950 (trafilatura 0.965) with 1% of pages
    # sent to trafilatura, and detection from HTML as good as from text on the quality
    # benchmark (benchmarks/bench_extract.py, benchmarks/quality.py --html; README, "Extraction")
    extractor: str = "hybrid"
    # Deprecated alias of ``extractor="fast"`` (trafilatura without its fallback extractors),
    # kept for ``--fast-extract`` and existing callers.
    fast: bool = False
    include_tables: bool = True
    # Fewer words than this after extraction and the page is skipped ("no article text"): a
    # cookie wall, an index page or an error page is not an article.
    min_words: int = 20

    def __post_init__(self) -> None:
        if self.extractor not in EXTRACTORS:
            raise ConfigError(
                f"unknown extractor {self.extractor!r}; choose one of {', '.join(EXTRACTORS)}"
            )
        if self.fast:
            object.__setattr__(self, "extractor", "fast")
        if self.min_words < 0:
            raise ConfigError("min_words must be >= 0")


#: 5 words: on same-event news (the Helsinki-summit set, 612 articles on one story) independent
#: articles share almost no 5-word runs (median Jaccard 0.004) while still catching copies with
#: edits every ~10 words; 3-grams gave same-event pairs Jaccard up to 0.2 through shared stock
#: phrases, 7-grams lost edited copies. See benchmarks/tune.py.
SHINGLE_SIZE = 5


def _check_whole(name: str, value: object) -> None:
    """ConfigError unless `value` is a whole number (an int, not a bool, a float or "5")."""
    if isinstance(value, bool) or not hasattr(type(value), "__index__"):
        raise ConfigError(f"{name} must be a whole number, got {value!r}")


@renamed("size", "shingle_size")
@dataclass(frozen=True, slots=True)
class ShingleConfig:
    """Word shingles over normalised text (scripts without spaces: one token a character).

    `shingle_size`: words a shingle (``--shingle-size``; the index reports it as
    ``shingle_size``; ``size`` is its deprecated name)."""

    shingle_size: int = SHINGLE_SIZE

    def __post_init__(self) -> None:
        _check_whole("shingle size", self.shingle_size)
        if not 1 <= self.shingle_size <= 32:
            raise ConfigError("shingle size must be between 1 and 32")


@dataclass(frozen=True, slots=True)
class MinHashConfig:
    """MinHash signatures and LSH banding (candidate generation only; matches are verified)."""

    # 255 = 85 bands x 3 rows. Banding with 3 rows puts the 50% candidate point near Jaccard 0.2
    # and catches a pair at Jaccard 0.35 with probability 0.98: copies that keep only half of a
    # story, or embed it in as much other text, have Jaccard 0.35 to 0.5, below what the usual
    # 0.5-0.8 thresholds see. The cost is more candidates, which exact verification discards.
    num_perm: int = 255
    bands: int = 85
    seed: int = 1

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    def __post_init__(self) -> None:
        for name, value in (("num_perm", self.num_perm), ("bands", self.bands)):
            _check_whole(name, value)
            if value < 1:
                raise ConfigError(f"{name} must be positive")
        _check_whole("minhash seed", self.seed)
        if self.num_perm % self.bands:
            raise ConfigError(
                f"num_perm ({self.num_perm}) must be a multiple of bands ({self.bands})"
            )
        if not 0 <= self.seed < 2**64:
            raise ConfigError("minhash seed must be in [0, 2**64)")


@dataclass(frozen=True, slots=True)
class CandidateConfig:
    """Passage candidates (`dedup.candidates.passage_pairs`): pairs sharing sampled shingle
    fingerprints, beside MinHash LSH. Only candidates: every pair is verified exactly.

    A fingerprint is kept from 1 in `sample` shingles (by hash); a pair needs `min_hits`
    shared fingerprints; a fingerprint on more than `max_df` documents proposes nothing
    (boilerplate). Chosen with `python -m benchmarks.quality --candidates` (see
    benchmarks/README.md): candidate recall per kind of copy against pairs to verify.
    """

    # 1 in 8 shingles: a passage of three sentences (~45 words) holds ~5 fingerprints. With 3
    # shared fingerprints needed, the passage index proposes every gold pair of the
    # relabelled ArticleComparisons set but one (LSH alone: 4% of those sharing 25-50% of the
    # shorter page) and every planted partial copy (LSH alone: 76% of the partial write-thrus),
    # at about half the candidates of 2 (8,846 vs 16,509 on the 21k Reuters+BBC texts, same
    # copies found but 27 pairs: 1.5%).
    sample: int = 8
    min_hits: int = 3
    # a fingerprint on more documents than this is boilerplate or a story with so many copies
    # that whole-text LSH proposes them; it bounds the pairs to max_df**2/2 a fingerprint
    max_df: int = 64

    def __post_init__(self) -> None:
        if self.sample < 1 or self.sample & (self.sample - 1):
            raise ConfigError("candidate sample must be a power of two")
        if self.min_hits < 1:
            raise ConfigError("candidate min_hits must be >= 1")
        if self.max_df < 2:
            raise ConfigError("candidate max_df must be >= 2")


@dataclass(frozen=True, slots=True)
class TemplateConfig:
    """Site templates (`dedup.templates`): shingles on at least `min_pages` pages of one site
    that are at least `min_own` their own text, and at most `max_elsewhere` times as often on
    other sites' pages, do not count when pages of sites that print them are compared. Chosen
    with `python -m benchmarks.quality` (see benchmarks/README.md)."""

    enabled: bool = True
    min_pages: int = 4
    min_own: float = 0.5
    max_elsewhere: float = 0.25

    def __post_init__(self) -> None:
        if self.min_pages < 2:
            raise ConfigError("template min_pages must be >= 2")
        if self.max_elsewhere < 0:
            raise ConfigError("template max_elsewhere must be >= 0")


@dataclass(frozen=True, slots=True)
class VerifyConfig:
    """When a candidate pair counts as a copy: the users' definition, one text reuses a
    substantial passage of the other verbatim or near-verbatim (about three shared sentences
    and a quarter of the shorter text's body). All figures are exact, from passage alignment
    (`dedup.align`): shared word runs placed in both texts, joined across small edits.

    A pair is a copy when its passages are near-verbatim (at least `min_density` of the
    shingles inside them are shared) and either
    - at least `min_sentences` sentences are shared on each side (a sentence of six words or
      more, at least 60% inside passages), at least `min_own_sentences` of them not
      quotations, the two share at least `min_shared` shingles, and the shorter text has at
      least `min_coverage` of its body inside passages; or
    - both texts are at least `near_duplicate` inside passages (a short brief sent twice),
      and share at least `min_shared` shingles or half of the smaller text's.
    A text's body is its words that count: not photo captions and credits
    (`dedup.furniture`), and, between pages of sites that print them, not site template text
    (`dedup.templates`). Passages are runs of shared words joined when at most `max_gap` words
    part them in both texts, kept when they span at least `min_passage_words` words.

    Chosen with `python -m benchmarks.quality` on the relabelled ArticleComparisons pages and
    the planted BBC kinds, and checked on the other set (see benchmarks/README.md).
    """

    # the definition's "about three sentences" and "a quarter of the shorter body"
    min_sentences: int = 3
    # ...of which at least this many are not quotations: two articles quoting one statement
    # or embedding one post share its sentences without one reusing the other
    min_own_sentences: int = 2
    min_coverage: float = 0.25
    # a floor in shingles so that short texts do not match on one shared sentence: 10 shared
    # five-word shingles is a run of about 14 words
    min_shared: int = 10
    near_duplicate: float = 0.9
    # near-verbatim: at least this share of the shingles inside the passages is shared. Copies
    # edited one word in 15 keep ~0.7; formula stories that a desk fills with other names and
    # figures (different companies' dividend or listing notices) ~0.3-0.6
    min_density: float = 0.6
    # an edited, added or dropped word breaks a run of shared shingles over 5 words: runs that
    # follow each other in both texts within 8 words are one passage
    max_gap: int = 8
    # a shared run shorter than this is a stock phrase, not a passage
    min_passage_words: int = 8
    # Chaining guard (see dedup.cluster): a document joins a cluster only if the part of the
    # centre it shares overlaps the part the best-matching member shares by at least this much
    # (of the smaller part). Copies of one story overlap there by 0.8-1.0; two stories carried
    # side by side by one page by ~0 (only shared chrome). 0 turns the guard off.
    min_coherence: float = 0.5
    # A document joins a cluster only if it is a verified copy of at least this share of the
    # members already in it (1.0: of every one), so that a cluster's members are copies of
    # each other, not only of its centre. Partial copies are not transitive: on ArticleComparisons
    # this clustering run on the gold pairs themselves with 1.0 keeps 72% of them; on dedup's
    # pairs 0.5 gives the best pair F1 of clusters there (0.90; 1.0: P 0.97, R 0.67).
    # Every verified pair is in `Report.matches` whatever the clusters.
    min_links: float = 0.5

    def __post_init__(self) -> None:
        for name in ("min_coverage", "near_duplicate", "min_density"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                raise ConfigError(f"{name} must be in (0, 1], got {v}")
        for name in ("min_coherence", "min_links"):
            v = getattr(self, name)
            if not 0.0 <= v <= 1.0:
                raise ConfigError(f"{name} must be in [0, 1], got {v}")
        for name in ("min_shared", "min_sentences", "min_passage_words", "min_own_sentences"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be >= 1")
        if self.max_gap < 0:
            raise ConfigError("max_gap must be >= 0")


#: Version of the anchor scheme of cross-lingual matching (`dedup.crosslingual.anchors`): bump
#: it whenever a change would give the same text other anchors.
ANCHOR_SCHEME_VERSION = 1


@dataclass(frozen=True, slots=True)
class CrossLingualConfig:
    """Cross-lingual matching (`dedup.crosslingual`): translations of a story in another
    language, found from anchors (names, numbers, dates) and verified exactly on them.

    Off by default. Only pairs of documents in *different* (detected) languages are compared;
    same-language pairs are left to word shingles. A pair is a translation when at least
    `min_chain` distinct anchors appear in the same order in both texts and their ordered,
    IDF-weighted overlap `score` (see `dedup.crosslingual`) is >= `min_score`, or >=
    `short_min_score` when fewer than `short_chain` anchors are in order. The score of a
    translated excerpt against the whole story falls with the square root of the share
    translated: half a story still scores about 0.7 of a whole one (a separate rule for partial
    translations, "the shorter text found almost whole in the longer", was measured and added
    no pair at precision 0.98: excerpts are missed for having too few anchors, not for the rule).

    Chosen with `python benchmarks/crosslingual.py --tune` on the WMT documents and checked,
    unchanged, on the SemEval-2022 pairs (see benchmarks/README.md, "Cross-lingual matching").
    """

    enabled: bool = False
    # Candidates: MinHash over anchor keys, banded in 2-row bands. Translations share a median
    # 40-57% of their anchor keys (Jaccard) and 10% of them under 20-33%, while stories that
    # are not translations of each other share under 10% (99th percentile of WMT pairs): rows
    # of 2 catch a Jaccard of 0.2 with probability 0.92 over 64 bands.
    num_perm: int = 128
    bands: int = 64
    seed: int = 5
    # A band bucket that would give more cross-language pairs than this is skipped (see
    # dedup.crosslingual). On all 1,343 WMT documents plus up to 5,116 unrelated SemEval and
    # BBC articles (`benchmarks/crosslingual.py --scale`), without a cap the candidates per
    # document grow with the corpus (21 -> 48 from 1,343 to 6,459 documents); with 400 they
    # level off at 13 -> 18 and 3 of the 2,470 WMT pairs that LSH finds are lost (100: 11-12
    # and 10 lost; 1,500: 16 -> 25).
    max_bucket_pairs: int = 400
    # Verification, chosen on WMT (benchmarks/crosslingual.py --tune): over the LSH candidates
    # of the European pairs, the best-scoring pair of different stories that shares at least
    # three anchors in order reaches 0.29 (two articles on one Formula 1 race), translations
    # have a median score of 0.5-0.7 and their 10th percentile is 0.35-0.45.
    min_score: float = 0.3
    # Two anchors in order are a match only with a higher score (a short text with little
    # else): different stories sharing two anchors reach 0.19 between European languages but
    # 0.45 in en-ru (two articles naming the same singer); translations with two reach 0.4-1.
    short_chain: int = 3
    short_min_score: float = 0.5
    min_chain: int = 2

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands

    def __post_init__(self) -> None:
        if self.num_perm < 1 or self.bands < 1 or self.num_perm % self.bands:
            raise ConfigError(
                f"cross-lingual num_perm ({self.num_perm}) must be a positive multiple of "
                f"bands ({self.bands})"
            )
        if not 0 <= self.seed < 2**64:
            raise ConfigError("cross-lingual seed must be in [0, 2**64)")
        if self.max_bucket_pairs < 1:
            raise ConfigError("cross-lingual max_bucket_pairs must be >= 1")
        for name in ("min_score", "short_min_score"):
            v = getattr(self, name)
            if not 0.0 < v <= 1.0:
                raise ConfigError(f"cross-lingual {name} must be in (0, 1], got {v}")
        if min(self.min_chain, self.short_chain) < 1:
            raise ConfigError("cross-lingual min_chain and short_chain must be >= 1")

    def fingerprint_basis(self) -> dict[str, Any]:
        """What changes a stored anchor signature: the anchor scheme and the MinHash settings."""
        return {
            "anchor_scheme": ANCHOR_SCHEME_VERSION,
            "num_perm": self.num_perm,
            "bands": self.bands,
            "seed": self.seed,
        }


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """What a report lists. Counts are always exact; this bounds only the list of skips."""

    # Skips listed per file, kind of reason and status (`dedup.model.SkipLog`); the others are
    # counted ("skipped_not_listed"). 20 shows what went wrong in a file and where; listing every
    # one made 2 million junk lines a 331 MB report and a 3.1 GB peak.
    max_listed_skips: int = 20
    # Filters (`dedup.filters` says where each applies): publication days ``YYYY-MM-DD``, both
    # ends included (before the scan); after it, copies at most `window` seconds after the
    # origin, no copies on the origin's own site, clusters of at least `min_size` members, the
    # first `top` clusters in `sort` order ("size": largest first; "date": newest first; a
    # `SITE_SORTS` value orders the site view instead).
    since: str | None = None
    until: str | None = None
    window: int | None = None
    cross_site: bool = False
    min_size: int = 2
    top: int | None = None
    sort: str = "size"

    def __post_init__(self) -> None:
        if self.max_listed_skips < 0:
            raise ConfigError(f"max_listed_skips must be at least 0, got {self.max_listed_skips}")
        for name in ("since", "until"):
            day = getattr(self, name)
            if day is not None and not _is_day(day):
                raise ConfigError(f"{name} must be a day written YYYY-MM-DD, got {day!r}")
        if self.since and self.until and self.since > self.until:
            raise ConfigError(f"since ({self.since}) is after until ({self.until})")
        if self.window is not None and self.window < 0:
            raise ConfigError(f"window must be at least 0 seconds, got {self.window}")
        if self.min_size < 2:
            raise ConfigError(f"min_size must be at least 2, got {self.min_size}")
        if self.top is not None and self.top < 1:
            raise ConfigError(f"top must be at least 1, got {self.top}")
        if self.sort not in REPORT_SORTS:
            raise ConfigError(f"sort must be one of {', '.join(REPORT_SORTS)}, got {self.sort!r}")


#: orders of the site view (`dedup.sites.site_rows`): by site name, or by a figure (largest
#: first; delay: shortest first)
SITE_SORTS = ("site", "scanned", "origins", "copies", "credited", "uncredited", "delay")
#: `ReportConfig.sort`: "size" and "date" order the clusters (the site view then by copies);
#: a `SITE_SORTS` value orders the site view (the clusters then by size)
REPORT_SORTS = ("size", "date", *SITE_SORTS)


def _is_day(text: str) -> bool:
    try:
        return len(text) == 10 and date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything a scan needs; compose the stage configs, e.g.
    ``ScanConfig(verify=VerifyConfig(min_coverage=0.4))``."""

    input: InputConfig = field(default_factory=InputConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    shingle: ShingleConfig = field(default_factory=ShingleConfig)
    minhash: MinHashConfig = field(default_factory=MinHashConfig)
    candidates: CandidateConfig = field(default_factory=CandidateConfig)
    templates: TemplateConfig = field(default_factory=TemplateConfig)
    verify: VerifyConfig = field(default_factory=VerifyConfig)
    crosslingual: CrossLingualConfig = field(default_factory=CrossLingualConfig)
    report: ReportConfig = field(default_factory=ReportConfig)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint(self) -> str:
        """Digest of every setting that changes a signature (normalisation, shingling, hashing)."""
        basis: dict[str, Any] = {
            "scheme": SHINGLE_SCHEME_VERSION,
            # stored under its former name: fingerprints of existing indexes stay valid
            "shingle": {"size": self.shingle.shingle_size},
            "minhash": asdict(self.minhash),
            "candidates": asdict(self.candidates),
        }
        if self.crosslingual.enabled:
            # only then: the fingerprint of a scan without cross-lingual matching is unchanged
            basis["crosslingual"] = self.crosslingual.fingerprint_basis()
        blob = json.dumps(basis, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class DaskEngine:
    """Run a scan on Dask (`dedup.scan(..., engine=DaskEngine(...))`): where, and how the work
    is cut (`dedup.engines.dask`).

    `scheduler`: address of a running scheduler (``tcp://host:8786``); when None, a
    `LocalCluster` of `workers` worker processes is started for the scan and stopped after.
    Large uncompressed JSONL files are read in byte ranges of `partition_bytes`; documents given
    in memory are sent in chunks of `documents_per_partition`. `buckets` is the number of hash
    buckets of each shuffle (default: 4 a worker).
    """

    scheduler: str | None = None
    workers: int = 2
    partition_bytes: int = 64 * 2**20
    documents_per_partition: int = 20_000
    buckets: int | None = None
    #: seconds to wait for a `scheduler` to answer before giving up
    connect_timeout: float = 20.0

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise ConfigError(f"workers must be at least 1, got {self.workers}")
        if self.partition_bytes < 1 or self.documents_per_partition < 1:
            raise ConfigError("partition sizes must be positive")
        if self.buckets is not None and self.buckets < 1:
            raise ConfigError("buckets must be positive")
