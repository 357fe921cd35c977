"""Assembling the `Report`: each cluster's members with their exact figures against the
origin, cluster order and numbering, the counts, and the skips in a fixed order.

Every engine ends here: the local one with a whole scan's clusters, Dask with the clusters its
workers described (`describe_clusters`) gathered on the client (`number_clusters`). Clusters
are ordered largest first, then by their origin's key (`dedup.syndication.origin_key`) and
numbered ``c1, c2, ...`` in that order; skips are ordered by source, location (in natural
order: "line 9" before "line 10") and reason (`Skip.sort_key`), at most
`ReportConfig.max_listed_skips` listed a source and kind of reason (`SkipLog`), the others
counted. So a report depends on the input and the
options only, never on the engine or on how the work was split.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from dedup.config import ScanConfig
from dedup.evidence import title_changed, wire_source
from dedup.language import languages_of
from dedup.model import (
    Alignment,
    Cluster,
    Entry,
    Match,
    Member,
    Report,
    Skip,
    SkipLog,
    Stats,
    natural,
)
from dedup.sites import site_rows
from dedup.syndication import credit_evidence, credit_from, origin_key
from dedup.templates import NO_TEMPLATES, Templates
from dedup.verify import Shingled, compare, is_copy, similarity

if TYPE_CHECKING:
    from dedup.crosslingual.translations import Translations

#: a cluster's members (origin first) with its place in the report's order
KeyedCluster = tuple[tuple[object, ...], list[Member]]


def skip_sort_key(s: Skip) -> tuple[object, ...]:
    return s.sort_key()


def describe_clusters(
    groups: Sequence[Sequence[int]],
    entries: Sequence[Entry],
    docs: Sequence[Shingled],
    cfg: ScanConfig,
    translations: Translations | None = None,
    templates: Templates = NO_TEMPLATES,
    known: Mapping[tuple[int, int], Alignment] | None = None,
) -> list[KeyedCluster]:
    """The members of each group (`dedup.cluster.cluster_documents`: origin first) with their
    exact similarity to the origin, credit, language and, with cross-lingual matching, how a
    translation matched; each with its sort key (`number_clusters`)."""
    listed = [i for g in groups for i in g]
    language = dict(zip(listed, languages_of([entries[i] for i in listed]), strict=True))
    out: list[KeyedCluster] = []
    for g in groups:
        o = g[0]
        members = []
        for i in g:
            e = entries[i]
            sim = similarity(docs[i][0], docs[o][0])
            al = None
            if i != o:
                al = _known(known, i, o)
                if al is None:
                    al = compare(docs[i], docs[o], cfg.verify, cfg.shingle.size, templates)
            match, score = (
                translations.member_match(
                    i, o, g, entries, al is not None and is_copy(al, cfg.verify)
                )
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
                    credit=credit_from(e.clues) if e.clues is not None else None,
                    source=e.source,
                    language=language[i],
                    match=match,
                    score=score,
                    shared_sentences=al.sentences_a if al is not None else None,
                    shared_words=al.covered_a if al is not None else None,
                    passages=al.passages if al is not None else (),
                    credit_evidence=credit_evidence(e.clues) if e.clues is not None else None,
                    title_changed=None if i == o else title_changed(e.title, entries[o].title),
                )
            )
        out.append(((-len(g), origin_key(entries[o], int(docs[o][0].size))), members))
    return out


def matches_of(
    edges: Sequence[Sequence[int]],
    ids: Sequence[str],
    translations: Sequence[tuple[int, int]] = (),
) -> list[Match]:
    """The `Match` of every verified edge (`dedup.verify.Edges` rows over documents `ids`) and
    of every verified translation pair, each ordered by natural id order, sorted."""
    out: list[Match] = []
    for a, b, ca, cb, ba, bb, sent in edges:
        x, y = (a, b) if natural(ids[a]) <= natural(ids[b]) else (b, a)
        if x != a:
            ca, cb, ba, bb = cb, ca, bb, ba
        out.append(
            Match(
                ids[x],
                ids[y],
                int(ca),
                int(cb),
                ca / ba if ba else 0.0,
                cb / bb if bb else 0.0,
                int(sent),
            )
        )
    have = {(m.a, m.b) for m in out}
    for ta, tb in translations:
        p, q = ids[ta], ids[tb]
        first, second = (p, q) if natural(p) <= natural(q) else (q, p)
        if (first, second) not in have:
            out.append(Match(first, second, 0, 0, 0.0, 0.0, 0, "translation"))
    out.sort(key=lambda m: (natural(m.a), natural(m.b)))
    return out


def _known(known: Mapping[tuple[int, int], Alignment] | None, i: int, o: int) -> Alignment | None:
    """The alignment of i (as A) against o already made by verification, if any."""
    if known is None:
        return None
    al = known.get((i, o))
    if al is not None:
        return al
    al = known.get((o, i))
    return al.swapped() if al is not None else None


@dataclass(frozen=True, slots=True)
class SameText:
    """Documents with one text (`dedup.ids.one_per_text`): `kept`, the one the stages saw,
    with `size` shingles, its `alignment` with itself (its site's templates left out: what
    any two of them share) and its `language`; `others`, the documents left out, in origin-key
    order."""

    kept: Entry
    size: int
    alignment: Alignment
    language: str | None
    others: tuple[Entry, ...]


def same_texts(
    groups: Sequence[tuple[Entry, Shingled, Sequence[Entry]]],
    cfg: ScanConfig,
    templates: Templates = NO_TEMPLATES,
) -> list[SameText]:
    """The `SameText` of each (kept document, its `Shingled`, the others of its text), in
    order, but for a text whose two documents are not copies of each other (too short for the
    copy rule). The languages of the kept documents are identified in one batch (one at a
    time cost ~5 ms each: a scan of pages each saved twice spent 15% of its time there)."""
    found = []
    for kept, doc, others in groups:
        al = compare(doc, doc, cfg.verify, cfg.shingle.size, templates)
        if is_copy(al, cfg.verify):
            found.append((kept, doc, others, al))
    languages = languages_of([kept for kept, _, _, _ in found])
    out = []
    for (kept, doc, others, al), language in zip(found, languages, strict=True):
        size = int(doc.set.size)
        ordered = tuple(sorted(others, key=lambda e: origin_key(e, size)))
        out.append(SameText(kept, size, al, language, ordered))
    return out


def _twin(kept: Member, other: Entry, group: SameText, origin_title: str | None) -> Member:
    """The member of `other`, a document with `kept`'s text, listed after it (in a cluster
    whose origin has `origin_title`)."""
    meta = {
        "id": other.id,
        "url": other.url,
        "site": other.site,
        "title": other.title,
        "date": other.date,
        "credit": credit_from(other.clues) if other.clues is not None else None,
        "credit_evidence": credit_evidence(other.clues) if other.clues is not None else None,
        "title_changed": title_changed(other.title, origin_title),
        "source": other.source,
        "same_text_as": kept.id,
    }
    if kept.role != "origin":
        return replace(kept, **meta)  # type: ignore[arg-type]
    al = group.alignment
    return Member(
        role="copy",
        jaccard=1.0,
        containment=1.0,
        reuse=1.0,
        language=group.language,
        shared_sentences=al.sentences_a,
        shared_words=al.covered_a,
        passages=al.passages,
        **meta,  # type: ignore[arg-type]
    )


def _origin_member(group: SameText) -> Member:
    e = group.kept
    return Member(
        id=e.id,
        url=e.url,
        site=e.site,
        title=e.title,
        date=e.date,
        role="origin",
        jaccard=1.0,
        containment=1.0,
        reuse=1.0,
        credit=credit_from(e.clues) if e.clues is not None else None,
        credit_evidence=credit_evidence(e.clues) if e.clues is not None else None,
        source=e.source,
        language=group.language,
    )


def add_same_text(keyed: Sequence[KeyedCluster], groups: Sequence[SameText]) -> list[KeyedCluster]:
    """`keyed` clusters with the documents of each text listed right after the member the
    stages saw for them; a text whose kept document is in no cluster makes a cluster of its
    own documents."""
    by_kept = {g.kept.id: g for g in groups}
    placed: set[str] = set()
    out: list[KeyedCluster] = []
    for key, members in keyed:
        grown: list[Member] = []
        for m in members:
            grown.append(m)
            group = by_kept.get(m.id)
            if group is not None:
                grown.extend(_twin(m, e, group, members[0].title) for e in group.others)
                placed.add(m.id)
        out.append(((-len(grown), *key[1:]), grown))
    for g in groups:
        if g.kept.id not in placed:
            origin = _origin_member(g)
            members = [origin, *(_twin(origin, e, g, origin.title) for e in g.others)]
            out.append(((-len(members), origin_key(g.kept, g.size)), members))
    return out


def same_text_matches(groups: Sequence[SameText]) -> list[Match]:
    """One `Match` for each document left out of the stages, with the one kept for its text."""
    out: list[Match] = []
    for g in groups:
        al = g.alignment
        for e in g.others:
            a, b = sorted((g.kept.id, e.id), key=natural)
            out.append(
                Match(
                    a,
                    b,
                    al.covered_a,
                    al.covered_a,
                    al.coverage_a,
                    al.coverage_a,
                    al.shared_sentences,
                )
            )
    return out


def number_clusters(keyed: Iterable[KeyedCluster]) -> list[Cluster]:
    """Clusters in report order (largest first, then by origin key), numbered from c1, each
    with the wire source its members credit (`dedup.evidence.wire_source`)."""
    ordered = sorted(keyed, key=lambda t: t[0])
    return [
        Cluster(f"c{n}", members[0].id, tuple(members), *wire_source(members))
        for n, (_, members) in enumerate(ordered, start=1)
    ]


def assemble_report(
    *,
    skips: SkipLog,
    files: int,
    read: int,
    extracted: int,
    clusters: list[Cluster],
    candidates: int,
    verified: int,
    translation_candidates: int = 0,
    translation_pairs: int = 0,
    matches: Sequence[Match] = (),
    same_text: int = 0,
    scanned_sites: Mapping[str, int] | None = None,
) -> Report:
    """The report of a scan from its counts, skips (counted exactly, listed as the log keeps
    them: `SkipLog`), numbered clusters and the documents scanned on each site (`sites`: the
    site view, `dedup.sites.site_rows`)."""
    scanned = dict(sorted((scanned_sites or {}).items()))
    clustered = sum(len(c.members) for c in clusters)
    stats = Stats(
        files=files,
        read=read,
        extracted=extracted,
        skipped=skips.skipped,
        failed=skips.failed,
        candidate_pairs=candidates,
        verified_pairs=verified,
        clusters=len(clusters),
        clustered_documents=clustered,
        copies=clustered - len(clusters),
        translation_candidates=translation_candidates,
        translation_pairs=translation_pairs,
        same_text=same_text,
        unparsed_dates=skips.unparsed_dates,
    )
    return Report(
        stats=stats,
        clusters=tuple(clusters),
        skipped=tuple(skips.listed()),
        matches=tuple(sorted(matches, key=lambda m: (natural(m.a), natural(m.b)))),
        unlisted=tuple(skips.unlisted()),
        unread_dates=tuple(skips.unread_date_fields()),
        scanned_sites=tuple(scanned.items()),
        sites=site_rows(clusters, scanned),
    )
