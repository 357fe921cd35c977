"""`dedup.scan` on a Dask cluster: the same stages as the local engine, partitioned.

Stages (every one runs on the workers; the client holds futures, not data):

1. **prepare**: one task per partition (an input file, a byte range of a large JSONL file, or a
   chunk of documents given in memory) reads, extracts, shingles and signs its documents; the
   results stay on the worker that made them.
2. **ids**: (id, key) rows are hashed into buckets; each bucket decides which duplicate ids
   lose; only the losers come back to the client.
3. **templates** (`dedup.templates.learn`'s steps): the sites' page counts come to the client,
   which names the sites big enough to have templates; (shingle, site, page) rows of their
   pages and every partition's shingle page counts are hashed by shingle into buckets, so that
   every row of a shingle meets in one bucket; each bucket finds its (site, shingle) runs and
   the pages holding frequent ones, each partition adds those up into which of its pages are
   their own text, and each bucket then chooses its templates. One task tables them: a future
   of the scan's `Templates`, sent to the tasks that need it (nothing per document reaches the
   client).
4. **candidates**: (band key, document) rows are hashed into buckets so that every LSH bucket
   is grouped on one worker, which emits the candidate pairs; (fingerprint, document) postings
   (`dedup.candidates.passage_pairs`'s steps, each document's site templates left out) are
   hashed the same way, each bucket counts its pairs' shared fingerprints, and the counts are
   added up over the buckets at the partition of each pair's first document, which keeps the
   pairs with enough and joins them to its LSH pairs.
5. **verify**: each partition fetches the second documents of its pairs (shingle sets, layouts,
   sites) from the partitions that hold them and aligns the pairs exactly, with the templates,
   where its own documents are.
5b. **translations** (with cross-lingual matching; `dedup.engines.dask.translations`): the
   anchors' document frequencies are added up in a tree into the scan's weights (a future sent
   to the verifiers); anchor band keys are shuffled like the word-shingle ones and each bucket
   gives its cross-language pairs (the local bucket rule and cap); each partition verifies its
   pairs on the anchors, fetching the other documents' from their partitions.
6. **clusters**: the verified edges (small: only copies and translations) are collected on the
   client, which computes connected components and the report's `matches`
   (`dedup.report.matches_of`, with the ids of the documents named fetched from their
   partitions); groups of components are clustered on workers by the stages' own functions
   (`dedup.cluster`, `dedup.report.describe_clusters`), on the documents (sets, layouts, sites)
   fetched from their partitions, with the group's translations and the weights. A component
   never spans two groups, so the result is the same as clustering everything at once.

The report is assembled from the partitions' counts, skips and clusters
(`dedup.report.number_clusters`, `assemble_report`): byte-identical to the local engine's for
the same input and options. Lost workers are handled by Dask, which
recomputes lost results from their inputs (the client keeps every future); if a task keeps
failing, the scan stops with one `EngineError` line, never a partial report.
"""

from __future__ import annotations

import bisect
import operator
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from dedup.config import DaskEngine, ScanConfig
from dedup.engines.dask.refs import index_of, partition_of, ref
from dedup.engines.dask.tasks import (
    band_rows,
    bucket_losers,
    cluster_group,
    drop_duplicates,
    drop_same_text,
    entries_at,
    fetch_docs,
    fingerprint_rows,
    id_rows,
    ids_at,
    members_at,
    needed,
    often_by_owner,
    own_flags,
    pairs_by_owner,
    part_summary,
    partitions_needed,
    passage_candidates,
    passage_hits_by_owner,
    prepare_part,
    same_text_groups,
    sites_of,
    template_bucket,
    template_choice,
    template_rows,
    template_table,
    text_rows,
    unique_pairs,
    verify_pairs,
)
from dedup.engines.dask.translations import (
    anchor_band_rows,
    anchor_counts,
    anchor_weights,
    fetch_anchors,
    languages_of,
    merge_anchor_counts,
    scan_language_table,
    translation_pairs_by_owner,
    verify_translations,
)
from dedup.errors import DedupError, EngineError
from dedup.model import Document, ProgressHook, Report, SkipLog, no_progress
from dedup.report import (
    KeyedCluster,
    add_same_text,
    assemble_report,
    matches_of,
    number_clusters,
    same_text_matches,
)
from dedup.sources import FilePart, Input, gather, split_files
from dedup.templates import NO_TEMPLATES, big_sites, merge_site_pages
from dedup.verify import EDGE_COLUMNS

#: partial counts added per task of the weights' tree reduction
_FAN_IN = 8
_NO_KEYS = np.empty(0, np.uint64)
_NO_COUNTS = np.empty(0, np.int64)


def plan_partitions(
    inputs: Sequence[Input], engine: DaskEngine, cfg: ScanConfig
) -> tuple[list[FilePart | list[Document]], int]:
    """The partitions of a scan in input order (chunks of the documents given, then the
    files, large uncompressed JSONL cut in byte ranges), and the number of files."""
    planned = gather(inputs)
    docs, step = planned.documents, engine.documents_per_partition
    parts: list[FilePart | list[Document]] = [docs[i : i + step] for i in range(0, len(docs), step)]
    parts.extend(split_files(planned.files, cfg.input, engine.partition_bytes))
    return parts, len(planned.files)


def _client(engine: DaskEngine) -> tuple[Any, Any]:
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask is a dependency
        raise EngineError("the dask engine needs `dask` and `distributed` installed") from exc
    if engine.scheduler:
        try:
            return Client(engine.scheduler, timeout=engine.connect_timeout), None
        except (OSError, TimeoutError) as exc:
            raise EngineError(
                f"cannot reach the Dask scheduler at {engine.scheduler}: {exc}"
            ) from exc
    cluster = LocalCluster(
        n_workers=engine.workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=50,
    )
    return Client(cluster), cluster


def run(
    inputs: Sequence[Input],
    cfg: ScanConfig,
    engine: DaskEngine,
    progress: ProgressHook = no_progress,
) -> Report:
    """A scan of `inputs` on Dask (see the module docstring); the local engine's report."""
    parts, nfiles = plan_partitions(inputs, engine, cfg)
    client, cluster = _client(engine)
    try:
        return _run(client, parts, nfiles, cfg, engine, progress)
    except DedupError:
        raise
    except Exception as exc:  # scheduler and worker failures arrive as many types
        msg = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
        raise EngineError(
            f"the Dask scan failed and was stopped, no report written: {msg}"
        ) from exc
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _run(
    client: Any,
    sources: list[FilePart | list[Document]],
    nfiles: int,
    cfg: ScanConfig,
    engine: DaskEngine,
    hook: ProgressHook,
) -> Report:
    n_parts = len(sources)
    n_buckets = engine.buckets or max(4 * engine.workers, 1)
    submit = client.submit
    get = operator.getitem

    # 1. prepare: `parts[p]` is the future of partition p's Batch
    parts = [submit(prepare_part, src, cfg, pure=False) for src in sources]
    hook("prepare", 0, n_parts)

    # 2. one document per id
    rows = [submit(id_rows, parts[p], p, n_buckets, pure=False) for p in range(n_parts)]
    dup_futs = [
        submit(
            bucket_losers,
            [submit(get, rows[p], b, pure=False) for p in range(n_parts)],
            pure=False,
        )
        for b in range(n_buckets)
    ]
    dups = [d for lst in client.gather(dup_futs) for d in lst]
    hook("prepare", n_parts, n_parts)
    if dups:
        kept_entries = _entries_of(client, parts, [k for _, k in dups])
        by_part: dict[int, list[tuple[int, Any]]] = defaultdict(list)
        for dropped, kept in dups:
            by_part[partition_of(dropped)].append((index_of(dropped), kept_entries[kept]))
        for p, drops in by_part.items():
            parts[p] = submit(
                drop_duplicates, parts[p], sorted(drops, key=lambda t: t[0]), pure=False
            )
    summaries = client.gather([submit(part_summary, a, pure=False) for a in parts])

    # 2b. one document per text: the others of a text leave the partitions (the report lists
    #     them beside the one kept, `_same_texts`)
    twins = _one_per_text(client, parts, n_buckets)
    whole = list(parts)  # before: what the kept documents' indices refer to
    gone: dict[int, list[int]] = defaultdict(list)
    for d, _ in twins:
        gone[partition_of(d)].append(index_of(d))
    for p, idx in gone.items():
        parts[p] = submit(drop_same_text, parts[p], sorted(idx), pure=False)
    stands_for = _weights(twins, gone)

    # 3. site templates, learned over the whole corpus (a future of the table)
    templates = _templates(client, parts, n_buckets, cfg)

    # 4. candidates: LSH pairs grouped by band key, passage pairs by fingerprint, each sent to
    #    the partition of its first document
    bands = cfg.minhash.bands
    brows = [submit(band_rows, parts[p], p, bands, n_buckets, pure=False) for p in range(n_parts)]
    lsh = _shuffle_pairs(client, brows, n_buckets, pairs_by_owner)
    c = cfg.candidates
    frows = [
        submit(
            fingerprint_rows, parts[p], p, templates, c, n_buckets, stands_for.get(p), pure=False
        )
        for p in range(n_parts)
    ]
    passages = _shuffle_pairs(
        client,
        frows,
        n_buckets,
        passage_hits_by_owner,
        c.max_df,
        combine=passage_candidates,
        combine_args=(c.min_hits,),
    )
    pairs = [submit(unique_pairs, a, b, pure=False) for a, b in zip(lsh, passages, strict=True)]
    counts = client.gather([submit(len, x, pure=False) for x in pairs])
    owners = client.gather([submit(partitions_needed, x, pure=False) for x in pairs])
    hook("verify", 0, n_parts)

    # 5. exact verification where the documents (sets and layouts) are
    verified_futs = []
    for p in range(n_parts):
        wanted = {
            q: submit(fetch_docs, parts[q], submit(needed, pairs[p], q, pure=False), pure=False)
            for q in owners[p]
        }
        verified_futs.append(
            submit(verify_pairs, parts[p], p, pairs[p], wanted, cfg, templates, pure=False)
        )

    # 5b. with cross-lingual matching: translations found and verified on the anchors (runs
    #     beside the copy verification)
    translations = (
        _translations(client, parts, n_buckets, cfg, hook) if cfg.crosslingual.enabled else None
    )

    verified = client.gather(verified_futs)
    edges = np.concatenate(verified) if verified else np.empty((0, EDGE_COLUMNS), dtype=np.int64)
    hook("verify", n_parts, n_parts)

    # 6. connected components on the collected edges (copies and translations), clustered in
    #    groups on the workers
    found = (translations.rows, translations.scores) if translations is not None else None
    groups = _component_groups(edges, n_buckets, found)
    weights = translations.weights if translations is not None else None
    cluster_futs = []
    for members, group_edges, group_found in groups:
        by_part_idx: dict[int, list[int]] = defaultdict(list)
        for r in members:
            by_part_idx[partition_of(r)].append(index_of(r))
        refs = [ref(p, i) for p in sorted(by_part_idx) for i in by_part_idx[p]]
        fetched = [
            submit(members_at, parts[p], by_part_idx[p], pure=False) for p in sorted(by_part_idx)
        ]
        cluster_futs.append(
            submit(
                cluster_group,
                refs,
                fetched,
                group_edges,
                cfg,
                group_found,
                weights,
                templates,
                pure=False,
            )
        )
    described: list[KeyedCluster] = [c for lst in client.gather(cluster_futs) for c in lst]
    texts = _same_texts(client, whole, twins, cfg, templates)
    skips = SkipLog(cfg.report.max_listed_skips)
    for _, _, logged in summaries:
        skips.merge(logged)
    return assemble_report(
        skips=skips,
        files=nfiles,
        read=sum(r for r, _, _ in summaries),
        extracted=sum(k for _, k, _ in summaries),
        clusters=number_clusters(add_same_text(described, texts)),
        candidates=sum(counts),
        verified=len(edges),
        translation_candidates=translations.candidates if translations is not None else 0,
        translation_pairs=len(translations.rows) if translations is not None else 0,
        matches=_matches(client, parts, edges, translations) + same_text_matches(texts),
        same_text=len(twins),
        scanned_sites=merge_site_pages(
            *client.gather([submit(sites_of, a, pure=False) for a in whole])
        ),
    )


def _weights(
    twins: Sequence[tuple[int, int]], gone: dict[int, list[int]]
) -> dict[int, dict[int, int]]:
    """Per partition, the documents each kept document stands for (`fingerprint_rows`), by its
    index once the others are dropped (`gone`: their indices, by partition)."""
    out: dict[int, dict[int, int]] = defaultdict(dict)
    dropped = {p: sorted(idx) for p, idx in gone.items()}
    for _, k in twins:
        p, i = partition_of(k), index_of(k)
        i -= bisect.bisect_left(dropped.get(p, []), i)
        out[p][i] = out[p].get(i, 1) + 1
    return dict(out)


def _one_per_text(client: Any, parts: list[Any], n_buckets: int) -> list[tuple[int, int]]:
    """(dropped, kept) refs of the documents whose text another one has (`dedup.ids`'s rule:
    rows of one text meet in one bucket)."""
    submit = client.submit
    rows = [submit(text_rows, parts[p], p, n_buckets, pure=False) for p in range(len(parts))]
    futs = [
        submit(
            bucket_losers,
            [submit(operator.getitem, rows[p], b, pure=False) for p in range(len(parts))],
            pure=False,
        )
        for b in range(n_buckets)
    ]
    return sorted(t for lst in client.gather(futs) for t in lst)


def _same_texts(
    client: Any, parts: list[Any], twins: Sequence[tuple[int, int]], cfg: ScanConfig, templates: Any
) -> list[Any]:
    """The `dedup.report.SameText` of every text several documents have, computed where its
    kept document is (`parts`: the partitions before the others were dropped)."""
    if not twins:
        return []
    others = _entries_of(client, parts, [d for d, _ in twins])
    by_kept: dict[int, list[Any]] = defaultdict(list)
    for d, k in twins:
        by_kept[k].append(others[d])
    by_part: dict[int, list[tuple[int, list[Any]]]] = defaultdict(list)
    for k in sorted(by_kept):
        by_part[partition_of(k)].append((index_of(k), by_kept[k]))
    futs = [
        client.submit(same_text_groups, parts[p], wanted, cfg, templates, pure=False)
        for p, wanted in sorted(by_part.items())
    ]
    return [g for lst in client.gather(futs) for g in lst]


def _shuffle_pairs(
    client: Any,
    rows: list[Any],
    n_buckets: int,
    by_owner: Any,
    *args: Any,
    combine: Any = unique_pairs,
    combine_args: tuple[Any, ...] = (),
) -> list[Any]:
    """The candidate pairs of each partition (futures): every partition's `rows` (one list a
    hash bucket) are gathered by bucket, where `by_owner(rows, n_parts, *args)` gives each
    bucket's pairs by partition of their first document, and each partition's pairs from
    every bucket are combined by `combine(*combine_args, *from_each_bucket)` (made unique by
    default)."""
    submit, get, n_parts = client.submit, operator.getitem, len(rows)
    cand = [
        submit(by_owner, [submit(get, r, b, pure=False) for r in rows], n_parts, *args, pure=False)
        for b in range(n_buckets)
    ]
    return [
        submit(combine, *combine_args, *[submit(get, c, p, pure=False) for c in cand], pure=False)
        for p in range(n_parts)
    ]


def _templates(client: Any, parts: list[Any], n_buckets: int, cfg: ScanConfig) -> Any:
    """The scan's site templates (`dedup.templates.learn`'s steps on the workers): the sites'
    page counts come to the client; the (shingle, site, page) rows of the big sites and every
    partition's shingle page counts are hashed by shingle into buckets; each bucket finds its
    (site, shingle) runs and the pages holding frequent ones; each partition adds those up
    into which of its pages are their own text; each bucket then chooses its templates, and
    one task puts them in a table. A future of the `Templates` (or the empty table)."""
    tcfg = cfg.templates
    if not tcfg.enabled or not parts:
        return NO_TEMPLATES
    submit, get, n_parts = client.submit, operator.getitem, len(parts)
    pages = client.gather([submit(sites_of, a, pure=False) for a in parts])
    names = big_sites(merge_site_pages(*pages), tcfg)
    if not names:
        return NO_TEMPLATES
    rows = [
        submit(template_rows, parts[p], p, names, n_buckets, pure=False) for p in range(n_parts)
    ]
    buckets = [
        submit(
            template_bucket,
            [submit(get, r, b, pure=False) for r in rows],
            tcfg.min_pages,
            pure=False,
        )
        for b in range(n_buckets)
    ]
    often = [submit(often_by_owner, x, tcfg.min_pages, n_parts, pure=False) for x in buckets]
    flags = [
        submit(
            own_flags, parts[p], tcfg, *[submit(get, o, p, pure=False) for o in often], pure=False
        )
        for p in range(n_parts)
    ]
    choices = [submit(template_choice, x, tcfg, *flags, pure=False) for x in buckets]
    return submit(template_table, names, *choices, pure=False)


def _matches(
    client: Any, parts: list[Any], edges: npt.NDArray[np.int64], found: _Found | None
) -> list[Any]:
    """`dedup.report.matches_of` of the verified edges and translations, on the client: the
    ids of the documents they name are fetched from their partitions."""
    linked = [edges[:, :2]]
    if found is not None:
        linked.append(found.rows[:, :2])
    refs = np.unique(np.concatenate(linked)) if linked else np.empty(0, dtype=np.int64)
    by_part: dict[int, list[int]] = defaultdict(list)
    for r in refs.tolist():
        by_part[partition_of(r)].append(index_of(r))
    futs = {p: client.submit(ids_at, parts[p], idx, pure=False) for p, idx in by_part.items()}
    got = client.gather(futs)
    ids = [i for p in sorted(by_part) for i in got[p]]
    local = edges.copy()
    local[:, :2] = np.searchsorted(refs, edges[:, :2])
    pairs: list[tuple[int, int]] = []
    if found is not None and found.rows.size:
        at = np.searchsorted(refs, found.rows[:, :2])
        pairs = [(int(a), int(b)) for a, b in at.tolist()]
    return matches_of(local.tolist(), ids, pairs)


def _entries_of(client: Any, parts: list[Any], refs: Sequence[int]) -> dict[int, Any]:
    by_part: dict[int, list[int]] = defaultdict(list)
    for r in sorted(set(refs)):
        by_part[partition_of(r)].append(index_of(r))
    futs = {p: client.submit(entries_at, parts[p], idx, pure=False) for p, idx in by_part.items()}
    got = client.gather(futs)
    return {ref(p, i): e for p, idx in by_part.items() for i, e in zip(idx, got[p], strict=True)}


@dataclass(frozen=True, slots=True)
class _Found:
    """The cross-lingual stage's results on the client: the verified translations as compact
    rows (`dedup.engines.dask.translations.TranslationRows`), the number of candidate pairs
    compared, and a future of the scan's anchor weights (kept on the workers)."""

    rows: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float64]
    candidates: int
    weights: Any


def _translations(
    client: Any, parts: list[Any], n_buckets: int, cfg: ScanConfig, hook: ProgressHook
) -> _Found:
    """The cross-lingual stage (`dedup.engines.dask.translations`) on the final partitions
    (one document per id): weights, candidates, verification; the same results as
    `find_translations` on the local engine, with pairs by ref."""
    n_parts = len(parts)
    xcfg = cfg.crosslingual
    submit = client.submit
    hook("translate", 0, n_parts)
    # weights: document frequencies added up in a tree, one object sent to every verifier
    level = [submit(anchor_counts, a, pure=False) for a in parts]
    while len(level) > 1:
        level = [
            submit(merge_anchor_counts, *level[k : k + _FAN_IN], pure=False)
            for k in range(0, len(level), _FAN_IN)
        ]
    weights = submit(anchor_weights, level[0] if level else (_NO_KEYS, _NO_COUNTS, 0), pure=False)
    # candidates: anchor band keys shuffled by bucket, pairs sent to their first document
    codes = submit(
        scan_language_table, *[submit(languages_of, a, pure=False) for a in parts], pure=False
    )
    rows = [
        submit(anchor_band_rows, parts[p], p, xcfg, codes, n_buckets, pure=False)
        for p in range(n_parts)
    ]
    pairs = _shuffle_pairs(
        client, rows, n_buckets, translation_pairs_by_owner, xcfg.max_bucket_pairs
    )
    counts, owners = client.gather(
        [
            [submit(len, x, pure=False) for x in pairs],
            [submit(partitions_needed, x, pure=False) for x in pairs],
        ]
    )
    # verification where the first document's anchors are
    futs = []
    for p in range(n_parts):
        wanted = {
            q: submit(fetch_anchors, parts[q], submit(needed, pairs[p], q, pure=False), pure=False)
            for q in owners[p]
        }
        futs.append(
            submit(verify_translations, parts[p], p, pairs[p], wanted, weights, xcfg, pure=False)
        )
    found = client.gather(futs)
    hook("translate", n_parts, n_parts)
    rows_all = [r for r, _ in found]
    scores_all = [s for _, s in found]
    return _Found(
        rows=np.concatenate(rows_all) if rows_all else np.empty((0, 4), dtype=np.int64),
        scores=np.concatenate(scores_all) if scores_all else np.empty(0, dtype=np.float64),
        candidates=sum(counts),
        weights=weights,
    )


def _component_groups(
    edges: npt.NDArray[np.int64],
    groups: int,
    translations: tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]] | None = None,
) -> list[tuple[list[int], Any, Any]]:
    """Connected components of the verified edges (`dedup.verify.Edges` rows by ref) and of the
    verified `translations` (``(ref_a, ref_b, shared, chain)`` rows and their scores), packed
    into at most `groups` groups (a component is never split): (sorted refs, edge rows,
    translation rows and scores or None) a group.

    The edges are the only per-document data the client holds: 56 bytes a verified copy pair
    (40 a translation).
    """
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked = edges[:, :2].tolist()
    if translations is not None:
        linked += translations[0][:, :2].tolist()
    for a, b in linked:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    roots = sorted({find(x) for x in parent})
    slot = {root: k % groups for k, root in enumerate(roots)}
    members: list[list[int]] = [[] for _ in range(groups)]
    for x in sorted(parent):
        members[slot[find(x)]].append(x)
    edge_slot = np.array([slot[find(a)] for a in edges[:, 0].tolist()], dtype=np.int64)
    t_slot = np.empty(0, dtype=np.int64)
    if translations is not None:
        t_slot = np.array([slot[find(a)] for a in translations[0][:, 0].tolist()], dtype=np.int64)
    out: list[tuple[list[int], Any, Any]] = []
    for g in range(groups):
        if not members[g]:
            continue
        group_found = None
        if translations is not None:
            mask = t_slot == g
            group_found = (translations[0][mask], translations[1][mask])
        out.append((members[g], edges[edge_slot == g], group_found))
    return out
