from dedup.normalize import normalize, tokens


def test_case_quotes_dashes_and_punctuation_unified() -> None:
    a = "He said: “Don’t STOP” — the U.S. economy…"
    b = 'he said "don\'t stop" - the u.s economy'
    assert normalize(a) == normalize(b) == "he said dont stop the u s economy"


def test_nfkc_and_casefold() -> None:
    assert normalize("ﬁnance STRASSE Straße") == "finance strasse strasse"
    assert normalize("ｆｕｌｌ　ｗｉｄｔｈ") == "full width"


def test_whitespace_folded_and_empty() -> None:
    assert normalize("  a\n\n\tb   c ") == "a b c"
    assert normalize("!!! ... ---") == ""
    assert tokens("") == []


def test_accents_kept_and_combining_marks_stay_in_words() -> None:
    assert normalize("Élysée, café") == "élysée café"
    # Devanagari vowel signs are combining marks: the word must not be split at them
    assert normalize("नमस्ते दुनिया") == "नमस्ते दुनिया"
    assert normalize("Москва — столица.") == "москва столица"


def test_scripts_without_spaces_are_one_token_a_character() -> None:
    assert tokens("北京是首都。") == ["北", "京", "是", "首", "都"]
    assert tokens("東京タワー") == ["東", "京", "タ", "ワ", "ー"]


def test_underscore_is_a_separator() -> None:
    assert tokens("snake_case_word") == ["snake", "case", "word"]
