"""The texts of listed documents, read again from the inputs of a scan.

A scan keeps no text once a document is prepared (memory is bounded by the shingle sets, not
by the input). What shows a match to a person (`dedup compare`, the HTML report) needs the
texts of a few documents: `documents_of` reads the inputs again, only the files that hold
them, and extracts exactly those records, with the same configuration, so that each text is
the one the scan aligned (passage offsets index into it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from dedup.config import ScanConfig
from dedup.errors import RecordError
from dedup.model import Document, Report
from dedup.prepare import to_document
from dedup.sources import Input, RawRecord, gather, read_file


def documents_of(
    inputs: Iterable[Input], wanted: Mapping[str, str | None], cfg: ScanConfig
) -> dict[str, Document]:
    """The documents of `inputs` named in `wanted` (id -> source as a report gives it:
    ``"file:line 3"``, a file's name, or None for a document given in memory), each as the scan
    saw it (HTML extracted with `cfg`). An id whose record is no longer there, or no longer
    gives a document, is absent from the result; the caller says so."""
    planned = gather(inputs)
    out: dict[str, Document] = {}
    for doc in planned.documents:
        if doc.id in wanted and doc.id not in out and wanted[doc.id] in (None, doc.source):
            out[doc.id] = doc
    by_source = {src: i for i, src in wanted.items() if src is not None}
    files = {src.rpartition(":")[0] for src in by_source} | set(by_source)
    for path, shown in planned.files:
        if shown not in files:
            continue
        for item in read_file(path, shown, cfg.input):
            if not isinstance(item, RawRecord) or by_source.get(item.where) != item.id:
                continue
            if item.id in out:
                continue
            try:
                out[item.id] = to_document(item, cfg)
            except RecordError:
                continue
    return out


def report_documents(
    report: Report, inputs: Iterable[Input], cfg: ScanConfig | None = None
) -> dict[str, Document]:
    """The documents of every member of `report`'s clusters (`documents_of`), read again from
    the `inputs` and with the config the report was made from."""
    wanted = {m.id: m.source for c in report.clusters for m in c.members}
    return documents_of(inputs, wanted, cfg or ScanConfig())
