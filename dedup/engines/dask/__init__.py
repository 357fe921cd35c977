"""The Dask engine: a scan partitioned on a Dask cluster (`driver.run`), the work its workers
do as pure functions over partitions (`tasks`; `translations` for cross-lingual matching), and
how a document is referred to across partitions (`refs`). Imported only when a Dask scan runs.
"""
