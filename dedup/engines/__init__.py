"""Engines: peers that only orchestrate the stages of a scan, each returning the same report
for the same input and options.

- `dedup.engines.local`: the whole scan in this process, preparation spread over `jobs`
  processes;
- `dedup.engines.pool`: the process pool that prepares documents in input order (used by the
  local engine, the persistent index and each Dask partition);
- `dedup.engines.dask`: the scan partitioned on a Dask cluster (imported only when a Dask scan
  runs).

Nothing below the engines (the stages, the model) imports them.
"""
