"""Benchmarks of dedup: quality (precision/recall of copy pairs), speed, memory and scale.

A package run from the repository root, each benchmark as a module::

    python -m benchmarks.quality          # precision, recall, F1 on the evaluation sets
                                          #   (--html, --sets ..., --explain N, --update-floors)
    python -m benchmarks.tune             # threshold grid for the verification rule
    python -m benchmarks.crosslingual     # cross-lingual copies (WMT, SemEval; --scale, --index,
                                          #   --dask, --tune, --langid, --embedding)
    python -m benchmarks.bench_signatures # MinHash signatures beside datasketch and rensa
    python -m benchmarks.bench_scan       # a whole scan: time and peak memory, text and HTML
    python -m benchmarks.bench_index      # the persistent index at 1,000,000 documents
    python -m benchmarks.bench_scale      # local engine and Dask on a 200,000-document corpus

Each takes ``--help``. Library modules: `benchmarks.data` (where the read-only data sets are:
``../shared/data`` beside the repository, or ``$DEDUP_DATA``), `benchmarks.corpora` (real news
texts for the throughput benchmarks) and `benchmarks.evalsets` (the labelled evaluation sets and
their sentence-alignment labeller). Figures and how they were measured: benchmarks/README.md.
"""
