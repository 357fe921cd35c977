"""Translated copies: documents in different languages that are translations of each other,
found from their anchors (names, numbers, dates) instead of word shingles.

- `anchors`: a text's anchors as language-neutral features (`tables`: the word lists it uses);
- `translations`: anchor weights, LSH candidates across languages, the ordered-overlap score
  and `find_translations`, the stage a scan runs.
"""
