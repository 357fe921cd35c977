"""`dedup.scan`: the one place that knows the order of the stages.

sources -> extract -> shingle/sign -> LSH candidates -> exact verification -> clusters -> report
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dedup.cluster import star_clusters
from dedup.config import ScanConfig
from dedup.errors import ConfigError, InputError, RecordError
from dedup.extract import extract_html
from dedup.index.lsh import candidate_pairs
from dedup.model import Cluster, Document, Match, Member, Report, Skip, Stats
from dedup.shingle import HashArray, shingle_batch
from dedup.signature import MinHasher
from dedup.sources import RawRecord, read_paths, site_of
from dedup.syndication import detect_credit, origin_key
from dedup.verify import is_copy, similarity

#: progress(stage, done, total): called as work advances; total is None when unknown.
ProgressHook = Callable[[str, int, int | None], None]
Input = str | os.PathLike[str] | Document
#: texts shingled and signed per vectorised call
SIGN_BATCH = 1024


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


@dataclass(slots=True)
class _Collected:
    docs: list[Document]
    skips: list[Skip]
    files: int
    read: int
    failed: int


def to_document(rec: RawRecord, cfg: ScanConfig) -> Document:
    """Extract (for HTML) and assemble a Document from a raw record; RecordError if unusable.

    Metadata a record names itself (JSONL/CSV fields) wins over what is found in the page;
    the site is the URL's host without ``www.`` unless the record names one.
    """
    title, date, url, page_site = rec.title, rec.date, rec.url, None
    if rec.text is not None:
        text = rec.text
    elif rec.html is not None:
        ex = extract_html(rec.html, cfg.extract, url=rec.url)
        text = ex.text
        title = title or ex.title
        date = date or ex.date
        url = url or ex.url
        page_site = ex.site
    else:  # pragma: no cover - readers never build such a record
        raise RecordError("record has neither text nor HTML")
    date = date or rec.fallback_date
    site = rec.site or site_of(url) or page_site
    return Document(
        id=rec.id,
        text=text,
        url=url,
        site=site,
        title=title,
        date=date,
        source=rec.where,
    )


def _collect(inputs: Sequence[Input], cfg: ScanConfig, progress: ProgressHook) -> _Collected:
    paths = [p for p in inputs if not isinstance(p, Document)]
    docs = [d for d in inputs if isinstance(d, Document)]
    for p in paths:
        if not os.path.exists(p):
            raise InputError(f"{os.fspath(p)}: no such file or directory")
    skips: list[Skip] = []
    read, failed, files = len(docs), 0, 0
    for nfile, item in read_paths(paths, cfg.input):
        files = nfile
        read += 1
        if isinstance(item, Skip):
            skips.append(item)
        else:
            try:
                docs.append(to_document(item, cfg))
            except RecordError as exc:
                skips.append(Skip(item.source, exc.reason, item.location))
            except Exception as exc:  # noqa: BLE001 - a third-party parser crash must not end the scan
                failed += 1
                msg = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
                skips.append(Skip(item.source, f"extraction failed: {msg}", item.location, "failed"))
        if read % 256 == 0:
            progress("read", read, None)
    progress("read", read, read)
    return _Collected(docs, skips, files, read, failed)


def _dedupe_ids(docs: list[Document]) -> tuple[list[Document], list[Skip]]:
    """Keep one document per id (the first by source, location); the others become skips.

    Sorting by (id, source) first makes the choice independent of the input order; the other
    fields break ties (Documents given to the API often have no source).
    """
    docs = sorted(docs, key=lambda d: (d.id, _natural(d.source or ""), d.text, *_meta(d)))
    kept: list[Document] = []
    skips: list[Skip] = []
    for d in docs:
        if kept and kept[-1].id == d.id:
            src, _, loc = (d.source or "(api)").partition(":")
            skips.append(
                Skip(src, f"duplicate id {d.id!r} (kept the one at {kept[-1].source or '(api)'})", loc or None)
            )
        else:
            kept.append(d)
    return kept, skips


def _meta(d: Document) -> tuple[str, str, str, str]:
    return (d.url or "", d.site or "", d.title or "", d.date or "")


_DIGITS = re.compile(r"(\d+)")


def _natural(s: str) -> tuple[tuple[int, str], ...]:
    """Sort key that orders "line 9" before "line 10"."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in _DIGITS.split(s))


def _skip_key(s: Skip) -> tuple[object, ...]:
    return (_natural(s.source), _natural(s.location or ""), s.reason)


def scan(
    inputs: Iterable[Input],
    config: ScanConfig | None = None,
    progress: ProgressHook | None = None,
) -> Report:
    """Find copies among `inputs` (paths to files or directories, and/or `Document`s).

    Returns a `Report`: clusters of verified copies (every member's Jaccard and containment
    against the origin are exact), the counts of what was read, extracted, skipped and failed,
    and every skipped record with its reason. Raises `InputError` for a missing path or an
    unreadable directory and `ConfigError` for invalid settings; bad records never raise.
    Same inputs and config give the same report, whatever the order of `inputs`.
    """
    cfg = config or ScanConfig()
    if not isinstance(cfg, ScanConfig):
        raise ConfigError("config must be a dedup.ScanConfig")
    hook = progress or _no_progress
    got = _collect(list(inputs), cfg, hook)
    docs, dup_skips = _dedupe_ids(got.docs)
    skips = got.skips + dup_skips

    # shingle and sign, a batch at a time
    sets: list[HashArray] = []
    sig_parts: list[npt.NDArray[np.uint32]] = []
    kept: list[Document] = []
    hasher = MinHasher(cfg.minhash.num_perm, cfg.shingle.size, cfg.minhash.seed)
    for start in range(0, len(docs), SIGN_BATCH):
        part = docs[start : start + SIGN_BATCH]
        batch = shingle_batch([d.text for d in part], cfg.shingle.size)
        sigs = hasher.sign_batch(batch)
        for i, d in enumerate(part):
            s = np.unique(batch.of(i))
            if s.size == 0:
                src, _, loc = (d.source or "(api)").partition(":")
                skips.append(Skip(src, "no words in text after normalisation", loc or None))
                continue
            kept.append(d)
            sets.append(s)
            sig_parts.append(sigs[i])
        hook("sign", min(start + SIGN_BATCH, len(docs)), len(docs))
    docs = kept
    signatures = np.stack(sig_parts) if sig_parts else np.empty((0, hasher.num_perm), np.uint32)

    matches = find_matches(sets, signatures, cfg, hook)
    report_clusters = build_clusters(docs, sets, matches, cfg)

    skips.sort(key=_skip_key)
    n_failed = sum(1 for s in skips if s.status == "failed")
    clustered = sum(len(c.members) for c in report_clusters)
    stats = Stats(
        files=got.files,
        read=got.read,
        extracted=len(docs),
        skipped=len(skips) - n_failed,
        failed=n_failed,
        candidate_pairs=matches.candidates,
        verified_pairs=len(matches.matches),
        clusters=len(report_clusters),
        clustered_documents=clustered,
        copies=clustered - len(report_clusters),
    )
    return Report(stats=stats, clusters=tuple(report_clusters), skipped=tuple(skips))


@dataclass(frozen=True, slots=True)
class Matches:
    matches: list[Match]
    candidates: int


def find_matches(
    sets: Sequence[HashArray],
    sigs: npt.NDArray[np.uint32],
    cfg: ScanConfig,
    progress: ProgressHook | None = None,
) -> Matches:
    """Verified copy pairs: LSH candidates from the signatures, then exact checks on the sets."""
    hook = progress or _no_progress
    pairs = candidate_pairs(sigs, cfg.minhash.bands)
    out: list[Match] = []
    for k, (a, b) in enumerate(pairs.tolist()):
        sim = similarity(sets[a], sets[b])
        if is_copy(sim, cfg.verify):
            out.append(Match(a, b, sim))
        if k % 1024 == 0:
            hook("verify", k, len(pairs))
    hook("verify", len(pairs), len(pairs))
    return Matches(out, int(len(pairs)))


def build_clusters(
    docs: Sequence[Document], sets: Sequence[HashArray], matches: Matches, cfg: ScanConfig | None = None
) -> list[Cluster]:
    """Star clusters of the verified matches (see `dedup.cluster`), origin first, largest first."""
    min_overlap = (cfg or ScanConfig()).verify.min_coherence
    keys = [origin_key(d, int(s.size)) for d, s in zip(docs, sets, strict=True)]
    rank = [0] * len(docs)
    for r, i in enumerate(sorted(range(len(docs)), key=keys.__getitem__)):
        rank[i] = r
    anchor_part: dict[tuple[int, int], HashArray] = {}

    def coherent(c: int, anchor: int, j: int) -> bool:
        if min_overlap <= 0.0:
            return True
        if (c, anchor) not in anchor_part:
            anchor_part[(c, anchor)] = np.intersect1d(sets[c], sets[anchor], assume_unique=True)
        a_part = anchor_part[(c, anchor)]
        j_part = np.intersect1d(sets[c], sets[j], assume_unique=True)
        both = np.intersect1d(a_part, j_part, assume_unique=True).size
        return both >= min_overlap * min(a_part.size, j_part.size)

    edges = [(m.a, m.b, m.similarity.shared) for m in matches.matches]
    groups = star_clusters(len(docs), edges, rank, coherent)
    built: list[tuple[tuple[object, ...], list[Member]]] = []
    for g in groups:
        g = sorted(g, key=keys.__getitem__)
        o = g[0]
        members = []
        for i in g:
            d = docs[i]
            sim = similarity(sets[i], sets[o])
            members.append(
                Member(
                    id=d.id,
                    url=d.url,
                    site=d.site,
                    title=d.title,
                    date=d.date,
                    role="origin" if i == o else "copy",
                    jaccard=sim.jaccard,
                    containment=sim.containment_ab,
                    reuse=sim.containment_ba,
                    credit=detect_credit(d.text),
                    source=d.source,
                )
            )
        built.append(((-len(g), keys[o]), members))
    built.sort(key=lambda t: t[0])
    return [
        Cluster(id=f"c{n}", origin=members[0].id, members=tuple(members))
        for n, (_, members) in enumerate(built, start=1)
    ]
