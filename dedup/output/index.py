"""Renderers of what `dedup.Index` returns: query reports in the formats of a scan report
(table, json, jsonl, csv), and the one-line summaries and text views of add, remove and stats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from rich.table import Table

from dedup.index.results import AddResult, IndexStats, QueryReport, RemoveResult
from dedup.model import plural
from dedup.output.literal import literal, literal_console
from dedup.output.table import not_listed, skip_lines
from dedup.output.text import csv_cell

QUERY_CSV_COLUMNS = (
    "query",
    "id",
    "url",
    "site",
    "title",
    "date",
    "jaccard",
    "containment",
    "reuse",
    "shared",
    "shared_sentences",
    "shared_words",
    "match_words",
    "share",
    "match_share",
    "credit",
    "source",
    "match",
    "language",
    "query_language",
    "score",
)


def dumps(obj: Any, indent: int | None = 2) -> str:
    """JSON as every dedup output writes it (UTF-8 text, not escaped), newline-terminated."""
    sep = None if indent else (",", ":")
    return json.dumps(obj, ensure_ascii=False, indent=indent, separators=sep) + "\n"


def _pct(x: float) -> str:
    return f"{x * 100:.0f}%"


def query_table(report: QueryReport, width: int = 140) -> str:
    """A table of matches for each queried document that has any, then the counts. Every value
    is shown literally (`dedup.output.literal`: no markup, control characters escaped)."""
    buf = io.StringIO()
    con = literal_console(buf, width)
    for r in report.results:
        if not r.matches:
            continue
        about = " ".join(x for x in (r.language, r.site, (r.date or "")[:16], r.title) if x)
        t = Table(
            title=literal(
                f"{r.id}: {plural(len(r.matches), 'match', 'matches')}"
                + (f" ({about})" if about else "")
            ),
            title_justify="left",
        )
        # cross-lingual facts (a translation, a language) add a match and a language column
        xl = any(m.crosslingual for m in r.matches)
        names: tuple[str, ...] = ("match", "lang") if xl else ()
        names += ("site", "date", "jaccard", "in match", "of match", "sentences", "credit")
        for name in names:
            numeric = name in ("jaccard", "in match", "of match", "sentences")
            t.add_column(name, justify="right" if numeric else "left")
        t.add_column("id", overflow="fold")
        for m in r.matches:
            kind = m.match if m.score is None else f"{m.match} {m.score:.2f}"
            cells = (
                *((kind, m.language or "") if xl else ()),
                m.site or "",
                (m.date or "")[:16],
                f"{m.jaccard:.2f}",
                _pct(m.containment),
                _pct(m.reuse),
                "" if m.shared_sentences is None else str(m.shared_sentences),
                m.credit or "",
                m.id,
            )
            t.add_row(*map(literal, cells))
        con.print(t)
        con.print()
    con.print(query_summary(report))
    con.print(
        "'in match': share of the queried text found in the match; "
        "'of match': share of the match the queried text reproduces; 'sentences': "
        "sentences in the passages the two share (--format json lists the passages)."
    )
    if report.crosslingual:
        con.print(
            "'translation 0.53': a translation of the queried text (another language), with its "
            "anchor score."
        )
    skip_lines(con, report.skipped, report.unlisted, prefix="skipped ")
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())


def query_json(report: QueryReport) -> str:
    """``{"stats": ..., "results": [{"id": ..., "matches": [...]}, ...], "skipped": [...]}``."""
    return dumps(report.to_dict())


def query_jsonl(report: QueryReport) -> str:
    """One queried document a line, with its matches (also those with none)."""
    return "".join(dumps(r.to_dict(), indent=None) for r in report.results)


def query_csv(report: QueryReport) -> str:
    """One match a row, the queried document's id first (the passages themselves: JSON)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(QUERY_CSV_COLUMNS)
    for r in report.results:
        for m in r.matches:
            d = {"match": m.match, **m.to_dict()}  # a word-shingle match: a copy, no languages
            w.writerow([csv_cell(v) for v in (r.id, *(d.get(k) for k in QUERY_CSV_COLUMNS[1:]))])
    return buf.getvalue()


QUERY_FORMATS: dict[str, Callable[[QueryReport], str]] = {
    "table": query_table,
    "json": query_json,
    "jsonl": query_jsonl,
    "csv": query_csv,
}


def query_summary(report: QueryReport) -> str:
    c = report.counts()
    line = (
        f"read {plural(c['read'], 'record')} from {plural(c['files'], 'file')}: "
        f"{c['queried']} queried, {c['skipped']} skipped, {c['failed']} failed; "
        f"{c['with_matches']} with matches, {plural(c['matches'], 'match', 'matches')}"
    )
    if "translations" in c:
        line += f" ({plural(c['translations'], 'translation')})"
    return line + not_listed(report.unlisted)


def add_summary(result: AddResult) -> str:
    s = result.to_dict()["stats"]
    return (
        f"read {plural(s['read'], 'record')} from {plural(s['files'], 'file')}: "
        f"{s['added']} added, {s['replaced']} replaced, {s['skipped']} skipped, "
        f"{s['failed']} failed; the index holds {plural(s['documents'], 'document')}"
    ) + _skips_where(s["skipped"] + s["failed"], sum(u.count for u in result.unlisted))


def _skips_where(skips: int, unlisted: int) -> str:
    """Where an add's skips are read (its text summary lists none), and how many of them are
    only counted."""
    if not skips:
        return ""
    only = f", {unlisted} of them only counted (--max-listed-skips)" if unlisted else ""
    return f"; --format json lists the skips{only}"


def remove_summary(result: RemoveResult) -> str:
    line = f"removed {plural(len(result.removed), 'document')}"
    if result.missing:
        line += f"; not in the index: {', '.join(result.missing)}"
    return f"{line}; the index holds {plural(result.documents, 'document')}"


def stats_text(stats: IndexStats, checked: bool = False) -> str:
    d = stats.to_dict()
    lines = [f"{k}: {'' if d[k] is None else d[k]}" for k in d if k != "settings"]
    lines += [f"{k}: {v}" for k, v in d["settings"].items()]
    if checked:
        lines.append("check: ok")
    return "\n".join(lines) + "\n"
