import pytest

from dedup import Document
from dedup.syndication import detect_credit, origin_key

CASES = [
    ("MOSCOW, July 15 (Reuters) - Russian President Vladimir Putin said...", "Reuters"),
    ("(Reuters) - Shares rose on Monday.", "Reuters"),
    ("WASHINGTON (AP) \u2014 President Donald Trump said on Monday...", "AP"),
    ("NEW YORK (AP) - A Republican redistricting expert advocated...", "AP"),
    ("PARIS (AFP) - Le gouvernement a annonc\u00e9...", "AFP"),
    ("Story text here.\nMore text here.\nSource: The Guardian", "The Guardian"),
    ("Story text.\nMore.\nVia Bloomberg", "Bloomberg"),
    ("Story text.\nLes sources.\n\njpost.com\n\nLaisser un commentaire", "jpost.com"),
    ("Body of the story.\nThe Associated Press contributed to this report.", "AP"),
    ("Body.\nCopyright 2018 The Associated Press. All rights reserved.", "AP"),
    ("By The Associated Press\nMay 31, 2018\nNEW YORK \u2014 Spotify's CEO says...", "AP"),
    ("Associated Press\nPurchase: Order Reprint\nNEW YORK \u2014 Spotify's CEO...", "AP"),
    ("Headline\nPaul J. Weber and Geoff Mulvihill, Associated Press\nUpdated", "AP"),
    ("news now The Associated Press \u2014 By PAUL J. WEBER\nAUSTIN, Texas...", "AP"),
    ("A story written in house, with no credit at all.\nThe end.", None),
    ("Apple shares rose.\nThe AP style guide was cited by reporters in the story.", None),
    # a dateline within the first 600 characters wins over a credit line; one after does not
    ("x" * 580 + "\n(AP) - Body.\nMore.\nSource: Reuters", "AP"),
    ("x" * 596 + "\n(AP) - Body.\nMore.\nSource: Reuters", "Reuters"),
    ("x" * 596 + "\n(AP) - Body.\nMore.\nThe end.", "AP"),
]


@pytest.mark.parametrize(("text", "credit"), CASES)
def test_detect_credit(text: str, credit: str | None) -> None:
    assert detect_credit(text) == credit


def test_seed_example_credits_jpost(shared_example: str) -> None:
    assert detect_credit(shared_example) == "jpost.com"


def test_origin_rule() -> None:
    d = lambda i, date: Document(id=i, text="x", date=date)  # noqa: E731
    keys = {
        "timed-early": origin_key(d("timed-early", "2019-05-31T08:00:00Z"), 10),
        "timed-late": origin_key(d("timed-late", "2019-05-31T20:00:00Z"), 10),
        "day-only": origin_key(d("day-only", "2019-05-31"), 10),
        "prev-day": origin_key(d("prev-day", "2019-05-30"), 10),
        "undated": origin_key(d("undated", None), 99),
        "tie-long": origin_key(d("tie-long", "2019-05-31T08:00:00Z"), 50),
        "tie-b": origin_key(d("tie-b", "2019-05-31T08:00:00Z"), 10),
    }
    ranked = sorted(keys, key=keys.__getitem__)
    assert ranked == [
        "prev-day",
        "tie-long",
        "tie-b",
        "timed-early",
        "timed-late",
        "day-only",
        "undated",
    ]


def test_credit_from_clues_is_detect_credit(shared_example: str) -> None:
    # a scan keeps only the clues of each text and decides the credit for listed documents
    from dedup.syndication import credit_clues, credit_from

    texts = [text for text, _ in CASES] + [shared_example]
    texts += ["\n\n  (Reuters) - x\n", "a\nb\n", "x " * 2000 + "\n(AP) - late dateline"]
    for text in texts:
        clues = credit_clues(text)
        assert credit_from(clues) == detect_credit(text), text
        assert all(len(ln) <= 240 for part in clues.lines() for ln in part)
