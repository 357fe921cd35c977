"""The local engine: a whole scan in this process, preparation in `jobs` processes
(`dedup.engines.pool`). It only orchestrates the stages, in pipeline order:

read + extract + prepare (pool) -> one per id, one per text (`dedup.ids`) -> candidates
(`dedup.candidates`) -> verify (`dedup.verify`) -> translations (`dedup.crosslingual`, when
on) -> cluster (`dedup.cluster`) -> report (`dedup.report`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from dedup.candidates import all_candidates
from dedup.cluster import cluster_documents
from dedup.config import ScanConfig
from dedup.engines.pool import auto_jobs, plan_units, prepare_units
from dedup.ids import one_per_id, one_per_text
from dedup.language import preload as preload_language_model
from dedup.model import Alignment, Batch, Entry, ProgressHook, Report, no_progress
from dedup.report import (
    SameText,
    add_same_text,
    assemble_report,
    describe_clusters,
    matches_of,
    number_clusters,
    same_text_matches,
    same_texts,
)
from dedup.sources import Input, gather
from dedup.templates import Templates, learn, site_pages
from dedup.verify import Shingled, verify_pairs


def collect(
    inputs: Sequence[Input],
    cfg: ScanConfig,
    jobs: int | None = 1,
    progress: ProgressHook = no_progress,
) -> tuple[Batch, int]:
    """Every document of `inputs` read, extracted, shingled and signed, one per id sorted by
    id (`dedup.ids.one_per_id`), with every skip; and the number of files read."""
    planned = gather(inputs)
    if jobs is None:
        jobs = auto_jobs(planned.documents, planned.files, cfg)
    batches: list[Batch] = []
    read = 0
    for batch in prepare_units(plan_units(planned.documents, planned.files, cfg), cfg, jobs):
        batches.append(batch)
        read += batch.read
        progress("prepare", read, None)
    return one_per_id(Batch.concat(batches, cfg.minhash.num_perm)), len(planned.files)


def run(
    inputs: Sequence[Input],
    cfg: ScanConfig,
    jobs: int | None = 1,
    progress: ProgressHook = no_progress,
) -> Report:
    """A scan of `inputs` on this machine (`dedup.scan` documents the contract)."""
    preload_language_model()  # listed documents need it; load it while documents are prepared
    everything, files = collect(inputs, cfg, jobs, progress)
    corpus, twins = one_per_text(everything)
    sites = [e.site for e in corpus.entries]
    templates = learn(sites, corpus.sets, cfg.templates)
    own = [templates.shared_by(s, s) for s in sites]
    pairs = all_candidates(corpus.sets, corpus.sigs, cfg, own, _weights(everything, corpus, twins))
    docs = [Shingled(*d) for d in zip(corpus.sets, corpus.layouts, sites, strict=True)]
    known: dict[tuple[int, int], Alignment] = {}
    edges = verify_pairs(
        pairs, docs, docs, cfg.verify, cfg.shingle.size, templates, progress, known
    )
    translations = None
    if cfg.crosslingual.enabled:
        from dedup.crosslingual.translations import find_translations  # cross-lingual runs only

        translations = find_translations(
            [e.anchors for e in corpus.entries],
            [e.language for e in corpus.entries],
            cfg.crosslingual,
            progress,
            corpus.sets,
        )
    words = [x.words for x in corpus.layouts]
    groups = cluster_documents(
        corpus.entries, corpus.sets, edges.tolist(), cfg.verify, translations, words
    )
    described = describe_clusters(groups, corpus.entries, docs, cfg, translations, templates, known)
    texts = _same_texts(everything, corpus, twins, docs, cfg, templates)
    clusters = number_clusters(add_same_text(described, texts))
    return assemble_report(
        skips=corpus.skips,
        files=files,
        read=corpus.read,
        extracted=len(everything),
        clusters=clusters,
        candidates=len(pairs),
        verified=len(edges),
        translation_candidates=translations.candidates if translations is not None else 0,
        translation_pairs=len(translations.pairs) if translations is not None else 0,
        matches=matches_of(
            edges.tolist(),
            [e.id for e in corpus.entries],
            [(t.a, t.b) for t in translations.pairs] if translations is not None else (),
        )
        + same_text_matches(texts),
        same_text=len(twins),
        scanned_sites=site_pages([e.site for e in everything.entries]),
    )


def _weights(
    everything: Batch, corpus: Batch, twins: Sequence[tuple[int, int]]
) -> npt.NDArray[np.int64] | None:
    """How many documents of `everything` each document of `corpus` stands for (None: one
    each)."""
    if not twins:
        return None
    at = {e.id: k for k, e in enumerate(corpus.entries)}
    out = np.ones(len(corpus), dtype=np.int64)
    for _, kept in twins:
        out[at[everything.entries[kept].id]] += 1
    return out


def _same_texts(
    everything: Batch,
    corpus: Batch,
    twins: Sequence[tuple[int, int]],
    docs: Sequence[Shingled],
    cfg: ScanConfig,
    templates: Templates,
) -> list[SameText]:
    """The `SameText` of each text that several documents of `everything` have (`twins`:
    (dropped, kept) positions in it), with the kept one's document in `corpus` (`docs`)."""
    if not twins:
        return []
    at = {e.id: k for k, e in enumerate(corpus.entries)}
    others: dict[int, list[Entry]] = {}
    for dropped, kept in twins:
        others.setdefault(kept, []).append(everything.entries[dropped])
    groups = []
    for kept, entries in sorted(others.items()):
        k = at[everything.entries[kept].id]
        groups.append((corpus.entries[k], docs[k], entries))
    return same_texts(groups, cfg, templates)
