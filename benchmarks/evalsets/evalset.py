"""`EvalSet`: documents with their copy-pair labels, the value every evaluation set returns."""

from __future__ import annotations

from dataclasses import dataclass, field

from dedup.model import Document


@dataclass
class EvalSet:
    """Documents with their copy-pair labels.

    `gold` holds the positive pairs; `ignore` the ambiguous pairs, which are removed from both the
    predicted and the gold pairs before scoring. Every other pair of documents is a negative.
    """

    name: str
    docs: list[Document]
    gold: set[frozenset[str]]
    ignore: set[frozenset[str]] = field(default_factory=set)
    notes: str = ""
    #: optional doc id -> kind of document ("original", "chrome", ...), for error breakdowns
    kinds: dict[str, str] = field(default_factory=dict)
    #: optional gold pair -> shared share of the shorter page, for recall by coverage band
    coverage: dict[frozenset[str], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = [d.id for d in self.docs]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{self.name}: duplicate document ids")
        known = set(ids)
        for pair in self.gold | self.ignore:
            if len(pair) != 2 or not pair <= known:
                raise ValueError(f"{self.name}: bad pair {sorted(pair)}")
        if self.gold & self.ignore:
            raise ValueError(f"{self.name}: a pair is both gold and ignored")
