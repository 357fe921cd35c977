"""Candidate generation: LSH banding of MinHash signatures."""

from dedup.index.lsh import band_keys, candidate_pairs

__all__ = ["band_keys", "candidate_pairs"]
