"""`dedup.scan`: the one place that knows the order of the stages.

sources -> extract -> shingle/sign -> LSH candidates -> exact verification -> clusters -> report
(with cross-lingual matching on, translations found on anchors join the verified edges)
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import xxhash

from dedup.cluster import star_clusters
from dedup.config import ScanConfig
from dedup.engines import DaskEngine
from dedup.errors import ConfigError
from dedup.index.lsh import candidate_pairs
from dedup.language import preload as preload_language_model
from dedup.model import Cluster, Document, Match, Member, Report, Skip, Stats
from dedup.parallel import auto_jobs, plan_units, prepare_units
from dedup.prepare import Entry, detected_languages, to_document  # noqa: F401 - to_document: part of this module's API
from dedup.shingle import HashArray
from dedup.sources import check_paths, iter_files
from dedup.syndication import origin_key
from dedup.verify import is_copy, similarity

if TYPE_CHECKING:
    from dedup.crosslingual import Translations

#: progress(stage, done, total): called as work advances; total is None when unknown.
ProgressHook = Callable[[str, int, int | None], None]
Input = str | os.PathLike[str] | Document


def _no_progress(stage: str, done: int, total: int | None) -> None:
    return None


@dataclass(slots=True)
class Corpus:
    """Every prepared document of a scan, one id each, sorted by id."""

    entries: list[Entry]
    sets: list[HashArray]
    sigs: npt.NDArray[np.uint32]
    skips: list[Skip] = field(default_factory=list)
    files: int = 0
    read: int = 0


@dataclass(frozen=True, slots=True)
class Matches:
    matches: list[Match]
    candidates: int


_DIGITS = re.compile(r"(\d+)")


def _natural(s: str) -> tuple[tuple[int, str], ...]:
    """Sort key that orders "line 9" before "line 10"."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in _DIGITS.split(s))


def skip_sort_key(s: Skip) -> tuple[object, ...]:
    return (_natural(s.source), _natural(s.location or ""), s.reason)


def collect(
    inputs: Sequence[Input],
    cfg: ScanConfig,
    jobs: int | None = 1,
    progress: ProgressHook | None = None,
) -> Corpus:
    """Read, extract, shingle and sign every input; one document per id (see `_dedupe`)."""
    hook = progress or _no_progress
    documents = [d for d in inputs if isinstance(d, Document)]
    paths = [p for p in inputs if not isinstance(p, Document)]
    check_paths(paths)
    files = list(iter_files(paths))
    corpus = Corpus([], [], np.empty((0, cfg.minhash.num_perm), dtype=np.uint32))
    corpus.files = len(files)
    if jobs is None:
        jobs = auto_jobs(documents, files, cfg)
    units = plan_units(documents, files, cfg)
    sigs: list[npt.NDArray[np.uint32]] = []
    for n, part in prepare_units(units, cfg, jobs):
        corpus.read += n
        corpus.entries.extend(part.entries)
        corpus.sets.extend(part.sets)
        sigs.extend(part.sigs)
        corpus.skips.extend(part.skips)
        hook("prepare", corpus.read, None)
    if sigs:
        corpus.sigs = np.array(sigs, dtype=np.uint32)  # faster than np.stack for many rows
    _dedupe(corpus)
    return corpus


def dedupe_key(entry: Entry, shingles: HashArray) -> tuple[object, ...]:
    """Order among documents sharing an id: the first by (source, location), then by content."""
    return (
        entry.id,
        _natural(entry.source or ""),
        shingles.size,
        xxhash.xxh3_64_intdigest(shingles.astype("<u8").tobytes()),
    )


def duplicate_skip(dropped: Entry, kept: Entry) -> Skip:
    """The skip entry of a document dropped because `kept` has its id."""
    src, _, loc = (dropped.source or "(api)").partition(":")
    first = kept.source or "(api)"
    return Skip(src, f"duplicate id {dropped.id!r} (kept the one at {first})", loc or None)


def _dedupe(corpus: Corpus) -> None:
    """Sort by id and keep one document per id (the first by `dedupe_key`); the others become
    skips. Sorting first makes the choice and the order independent of input order."""

    entries = corpus.entries
    ids = [e.id for e in entries]
    order = sorted(range(len(entries)), key=ids.__getitem__)
    ordered = [ids[i] for i in order]
    # places where an id repeats the one before it (usually none); the whole `dedupe_key`
    # (which hashes the set) only for the documents of such ids
    repeats = [k for k in range(1, len(ordered)) if ordered[k] == ordered[k - 1]]
    keep = order
    if repeats:
        starts = sorted({k - 1 for k in repeats} - set(repeats))
        for start in starts:
            end = start + 1
            while end < len(ordered) and ordered[end] == ordered[start]:
                end += 1
            order[start:end] = sorted(
                order[start:end], key=lambda i: dedupe_key(entries[i], corpus.sets[i])
            )
        dropped = set(repeats)
        keep = [i for k, i in enumerate(order) if k not in dropped]
        for k in repeats:
            first = k - 1
            while first in dropped:
                first -= 1
            corpus.skips.append(duplicate_skip(entries[order[k]], entries[order[first]]))
    corpus.entries = [corpus.entries[i] for i in keep]
    corpus.sets = [corpus.sets[i] for i in keep]
    corpus.sigs = corpus.sigs[keep] if keep else corpus.sigs[:0]


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
        if k % 4096 == 0:
            hook("verify", k, len(pairs))
    hook("verify", len(pairs), len(pairs))
    return Matches(out, len(pairs))


def match_edges(matches: Matches) -> list[tuple[int, int, int]]:
    """The verified matches as clustering edges: (a, b, shared shingles)."""
    return [(m.a, m.b, m.similarity.shared) for m in matches.matches]


def build_clusters(
    entries: Sequence[Entry],
    sets: Sequence[HashArray],
    edges: Sequence[tuple[int, int, int]],
    cfg: ScanConfig,
    translations: Translations | None = None,
) -> list[Cluster]:
    """Star clusters over verified `edges` (a, b, shared shingles; see `dedup.cluster`), origin
    first, largest first. Verified `translations` (cross-lingual stage) are edges too."""
    min_overlap = cfg.verify.min_coherence
    keys = [origin_key(e, int(s.size)) for e, s in zip(entries, sets, strict=True)]
    rank = [0] * len(entries)
    for r, i in enumerate(sorted(range(len(entries)), key=keys.__getitem__)):
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

    edges = list(edges)
    if translations is not None:  # cross-lingual hook (issue 5)
        edges += translations.edges(edges)
    groups = star_clusters(len(entries), edges, rank, coherent)
    listed = [i for g in groups for i in g]
    language = dict(zip(listed, detected_languages([entries[i] for i in listed]), strict=True))
    built: list[tuple[tuple[object, ...], list[Member]]] = []
    for g in groups:
        g = sorted(g, key=keys.__getitem__)
        o = g[0]
        members = []
        for i in g:
            e = entries[i]
            sim = similarity(sets[i], sets[o])
            match, score = (
                translations.member_match(i, o, g, entries, is_copy(sim, cfg.verify))
                if translations is not None
                else (None, None)
            )
            members.append(
                Member(
                    id=e.id,
                    url=e.url,
                    site=e.site,
                    title=e.title,
                    date=e.date,
                    role="origin" if i == o else "copy",
                    jaccard=sim.jaccard,
                    containment=sim.containment_ab,
                    reuse=sim.containment_ba,
                    credit=e.credit,
                    source=e.source,
                    language=language[i],
                    match=match,
                    score=score,
                )
            )
        built.append(((-len(g), keys[o]), members))
    built.sort(key=lambda t: t[0])
    return [
        Cluster(id=f"c{n}", origin=members[0].id, members=tuple(members))
        for n, (_, members) in enumerate(built, start=1)
    ]


def scan(
    inputs: Iterable[Input],
    config: ScanConfig | None = None,
    progress: ProgressHook | None = None,
    jobs: int | None = 1,
    engine: DaskEngine | None = None,
) -> Report:
    """Find copies among `inputs` (paths to files or directories, and/or `Document`s).

    Returns a `Report`: clusters of verified copies (every member's Jaccard and containment
    against the origin are exact), the counts of what was read, extracted, skipped and failed,
    and every skipped record with its reason. Raises `InputError` for a missing path or an
    unreadable directory and `ConfigError` for invalid settings; bad records never raise.
    Same inputs and config give the same report, whatever the order of `inputs` and `jobs`
    (the number of processes reading, extracting and signing: this one and ``jobs - 1``
    workers; None: all cores, or this one alone for an input too small to repay starting
    workers, see `dedup.parallel.auto_jobs`).
    With `engine=dedup.DaskEngine(...)` the scan runs on a Dask cluster instead (`jobs` is then
    unused) and returns the same report.
    """
    cfg = config or ScanConfig()
    if not isinstance(cfg, ScanConfig):
        raise ConfigError("config must be a dedup.ScanConfig")
    if jobs is not None and jobs < 1:
        raise ConfigError(f"jobs must be at least 1, got {jobs}")
    if engine is not None:
        from dedup.engines.dask_engine import scan_dask

        return scan_dask(list(inputs), cfg, engine, progress)
    preload_language_model()  # listed documents need it; load it while documents are prepared
    corpus = collect(list(inputs), cfg, jobs, progress)
    matches = find_matches(corpus.sets, corpus.sigs, cfg, progress)
    # -- cross-lingual stage (issue 5): translations between documents of different languages,
    #    found and verified on their anchors, become extra edges of the same clustering --
    translations: Translations | None = None
    if cfg.crosslingual.enabled:
        from dedup.crosslingual import find_translations  # imported by cross-lingual runs only

        translations = find_translations(
            [e.anchors for e in corpus.entries],
            [e.language for e in corpus.entries],
            cfg.crosslingual,
            progress,
        )
    # -- end of the cross-lingual stage --
    clusters = build_clusters(corpus.entries, corpus.sets, match_edges(matches), cfg, translations)
    return assemble_report(
        skips=corpus.skips,
        files=corpus.files,
        read=corpus.read,
        extracted=len(corpus.entries),
        clusters=clusters,
        candidates=matches.candidates,
        verified=len(matches.matches),
        translation_candidates=translations.candidates if translations is not None else 0,
        translation_pairs=len(translations.pairs) if translations is not None else 0,
    )


def assemble_report(
    *,
    skips: Iterable[Skip],
    files: int,
    read: int,
    extracted: int,
    clusters: list[Cluster],
    candidates: int,
    verified: int,
    translation_candidates: int = 0,
    translation_pairs: int = 0,
) -> Report:
    """The report of a scan from its counts, skips and clusters (every engine ends here)."""
    ordered = sorted(skips, key=skip_sort_key)
    n_failed = sum(1 for s in ordered if s.status == "failed")
    clustered = sum(len(c.members) for c in clusters)
    stats = Stats(
        files=files,
        read=read,
        extracted=extracted,
        skipped=len(ordered) - n_failed,
        failed=n_failed,
        candidate_pairs=candidates,
        verified_pairs=verified,
        clusters=len(clusters),
        clustered_documents=clustered,
        copies=clustered - len(clusters),
        translation_candidates=translation_candidates,
        translation_pairs=translation_pairs,
    )
    return Report(stats=stats, clusters=tuple(clusters), skipped=tuple(ordered))
