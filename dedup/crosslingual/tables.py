"""Word tables of `dedup.crosslingual.anchors`: month, weekday and scale words of the news
languages, and the lists that tell names from common words. Keys are folded the way
`dedup.crosslingual.anchors` folds a token (anyascii transliteration, lower case), so
``März``, ``марта`` and ``März`` meet.

Changing a table changes anchors: bump `dedup.config.ANCHOR_SCHEME_VERSION`.
"""

from __future__ import annotations

from anyascii import anyascii


def _fold(word: str) -> str:
    return anyascii(word).lower()


# Month names, one line a language (and grammatical case where names change: Slavic genitive).
_MONTH_LINES = (
    "january february march april may june july august september october november december",
    "jan feb - apr - - - aug sept oct nov dec",
    "januar februar märz april mai juni juli august september oktober november dezember",
    "jänner - - - - - - - - - - -",
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre novembre dicembre",
    "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro",
    "januari februari maart april mei juni juli augustus september oktober november december",
    "январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь",
    "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    "січень лютий березень квітень травень червень липень серпень вересень жовтень листопад"
    " грудень",
    "січня лютого березня квітня травня червня липня серпня вересня жовтня листопада грудня",
    "leden únor březen duben květen červen červenec srpen září říjen listopad prosinec",
    "ledna února března dubna května června července srpna září října listopadu prosince",
    "styczeń luty marzec kwiecień maj czerwiec lipiec sierpień wrzesień październik listopad"
    " grudzień",
    "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października listopada"
    " grudnia",
    "ocak şubat mart nisan mayıs haziran temmuz ağustos eylül ekim kasım aralık",
)
MONTHS: dict[str, int] = {}
for _line in _MONTH_LINES:
    for _i, _w in enumerate(_line.split(), start=1):
        if _w != "-":
            MONTHS.setdefault(_fold(_w), _i)

# Weekdays, Monday = 1. Russian and Ukrainian "среда"/"середа" (also "environment") only in the
# accusative ("в среду", on Wednesday).
_WEEKDAY_LINES = (
    "monday tuesday wednesday thursday friday saturday sunday",
    "montag dienstag mittwoch donnerstag freitag samstag sonntag",
    "- - - - - sonnabend -",
    "lundi mardi mercredi jeudi vendredi samedi dimanche",
    "lunes martes miércoles jueves viernes sábado domingo",
    "lunedì martedì mercoledì giovedì venerdì sabato domenica",
    "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
    "понедельник вторник среду четверг пятница суббота воскресенье",
    "- - - - пятницу субботу -",
    "понеділок вівторок середу четвер - субота неділя",
    "- - - - - суботу неділю",
    "pondělí úterý středu čtvrtek pátek sobotu neděli",
    "poniedziałek wtorek środę czwartek piątek sobotę niedzielę",
    "- - - - - sobota niedziela",
)
WEEKDAYS: dict[str, int] = {}
for _line in _WEEKDAY_LINES:
    for _i, _w in enumerate(_line.split(), start=1):
        if _w != "-":
            WEEKDAYS.setdefault(_fold(_w), _i)

#: every month and weekday word as written (lower case) and folded: a quick first test
CALENDAR_WORDS = frozenset(
    [w.lower() for line in _MONTH_LINES + _WEEKDAY_LINES for w in line.split() if w != "-"]
    + list(MONTHS)
    + list(WEEKDAYS)
)

#: English month forms that are also common words ("may", "march", "august") and the English
#: abbreviations ("dec", "jan" are words or names elsewhere): they count only when capitalised
ENGLISH_ONLY_CAPITALISED = frozenset("may march august jan feb apr aug sept oct nov dec".split())

#: scale words after a number: the power of ten they multiply by. "billion" is 10**9 in English
#: and 10**12 in most other European languages (handled in `dedup.crosslingual.anchors`).
_SCALE_LINES: tuple[tuple[int, str], ...] = (
    (3, "thousand tausend tys tysięcy tysiące tis tisíc тыс тысяч тысячи тисяч"),
    (
        6,
        "million millions millionen mio mln mn millones milioni milione milhões milhão"
        " miljoen miljoenen milion miliony milionów milionu milionů miliónov"
        " миллион миллиона миллионов мільйон мільйони мільйонів млн",
    ),
    (
        9,
        "billion billions bn milliarde milliarden mrd milliard milliards miliardi miliardo"
        " miljard miljarden miliard miliardy miliardów miliardu mld"
        " миллиард миллиарда миллиардов мільярд мільярди мільярдів млрд",
    ),
    (12, "trillion trillions billionen bilionów"),
)
SCALES: dict[str, int] = {_fold(w): p for p, words in _SCALE_LINES for w in words.split()}
#: every scale word as written (lower case) and folded
SCALE_WORDS = frozenset(
    [w.lower() for line in _SCALE_LINES for w in line[1].split()] + list(SCALES)
)
#: Japanese (月曜日 ... 日曜日) and Chinese (星期一 ... 星期日/天) weekday characters, Monday = 1
CJK_WEEKDAYS = {
    **{c: i for i, c in enumerate("月火水木金土日", start=1)},
    **{c: i for i, c in enumerate("一二三四五六日", start=1)},
    "天": 7,
}
#: Chinese and Japanese scale characters: 万 10**4, 亿/億 10**8
CJK_SCALES = {"万": 4, "萬": 4, "亿": 8, "億": 8}

#: titles written before names in some languages only: never anchors
HONORIFICS = frozenset(
    "Mr Mrs Ms Dr Mme Mlle Mmes Prof Herr Frau Sir St Hr Fr Gen Sen Rep Gov Lt Col Sgt Mgr".split()
)

#: endings of the English words capitalised only in English: nationality and religion
#: adjectives and nouns ("Iranian", "Syrians", "European", "Chinese", "Kurdish", "Islamic",
#: "Shiite"), "Revolutionary", "Socialist" (dropped when also a dictionary word)
ENGLISH_ADJECTIVE_ENDINGS = (
    "ian",
    "ians",
    "ean",
    "eans",
    "can",
    "cans",
    "ese",
    "ish",
    "ic",
    "ical",
    "ary",
    "ist",
    "ists",
    "ite",
    "ites",
)

#: titles and offices English capitalises before a name ("President Biden", "Foreign
#: Minister Lavrov"); other languages write them in lower case or translate them
ENGLISH_TITLES = frozenset(
    "President Vice Prime Minister Ministers Secretary General Chancellor Governor Mayor King"
    " Queen Prince Princess Pope Senator Judge Chief Director Commander Ambassador Foreign"
    " Defence Defense Interior Finance Justice Health Deputy Spokesman Spokeswoman Chairman"
    " Minister's President's Officer Agency Ministry Department Council Court Office".split()
)

#: languages whose every noun is capitalised: there a capitalised dictionary word is a noun
NOUN_CAPITALISING = frozenset({"de", "lb"})

#: languages with a simplemma dictionary (tells a sentence-initial name from a common word)
DICTIONARY_LANGUAGES = frozenset(
    "ar ast bg ca cs cy da de el en eo es et fa fi fr ga gd gl gv he hi hu hy id is it ka la lb"
    " lt lv mk ml ms nb nl nn pl pt ro ru se sk sl sq sv sw tl tr uk".split()
)

#: case endings stripped from Cyrillic names before transliteration (longest first): the
#: skeleton drops final vowels, so only endings with a consonant are listed
CYRILLIC_ENDINGS = tuple(
    sorted(
        "ого его ому ему ами ями ыми ими ові ом ем ым им ой ей ою ах ях ам ям".split(),
        key=len,
        reverse=True,
    )
)
#: the same for Czech, Slovak and Polish names in Latin script ("Trumpovi", "Bidenem")
SLAVIC_LATIN_ENDINGS = ("ovi", "owi", "em", "om", "ou", "ům")

#: acronyms of international bodies that differ by language, to one spelling (folded keys; the
#: Cyrillic ones as anyascii writes them: "ЕС" -> "es", applied to Cyrillic acronyms only)
ACRONYMS = {
    "ue": "eu",
    "onu": "un",
    "uno": "un",
    "otan": "nato",
    "oms": "who",
    "fmi": "imf",
    "iwf": "imf",
    "bce": "ecb",
    "ezb": "ecb",
    "usa": "us",
}
CYRILLIC_ACRONYMS = {
    "es": "eu",
    "oon": "un",
    "voz": "who",
    "mvf": "imf",
    "ssha": "us",
    "ies": "eu",
}

#: two-word names of states and bodies that every language spells its own way, to the key of
#: their acronym (folded words)
PHRASES = {
    (_fold(a), _fold(b)): key
    for key, names in (
        (
            "us",
            "United States|États Unis|Etats Unis|Vereinigten Staaten|Vereinigte Staaten"
            "|Estados Unidos|Stati Uniti|Verenigde Staten|Spojené státy|Spojených států"
            "|Stany Zjednoczone|Соединенные Штаты|Соединённые Штаты",
        ),
        (
            "uk",
            "United Kingdom|Royaume Uni|Vereinigte Königreich|Vereinigten Königreich"
            "|Reino Unido|Regno Unito|Verenigd Koninkrijk|Spojené království",
        ),
        (
            "un",
            "United Nations|Nations unies|Nations Unies|Vereinten Nationen|Naciones Unidas"
            "|Nazioni Unite|Verenigde Naties|Spojené národy|Narody Zjednoczone",
        ),
        (
            "eu",
            "European Union|Union européenne|Europäische Union|Europäischen Union"
            "|Unión Europea|Unione europea|Europese Unie|Evropská unie|Unia Europejska"
            "|Европейский союз",
        ),
    )
    for a, b in (pair.split() for pair in names.split("|"))
}
