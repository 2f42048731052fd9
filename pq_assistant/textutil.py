"""Small text helpers shared by the parser, chunker, figures and search."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# A hyphen at a line end between a letter and a lower-case letter is a word split by the
# line wrap ("ge-\nmeentelijk"); a hyphen followed by a space ("intra- of inter...") is kept.
_HYPHEN_BREAK = re.compile(r"(?<=[A-Za-zÀ-ÿ])-[ \t]*\n\s*(?=[a-zß-ÿ])")
_WS = re.compile(r"\s+")


def dehyphenate(text: str) -> str:
    """Join words hyphenated across line breaks."""
    return _HYPHEN_BREAK.sub("", text)


def squash_ws(text: str) -> str:
    """Collapse every run of whitespace to one space and strip the ends."""
    return _WS.sub(" ", text).strip()


def normalize(text: str) -> str:
    """The evaluation set's normalisation: dehyphenate, then collapse whitespace."""
    return squash_ws(dehyphenate(text))


def fold(text: str) -> str:
    """Lower-case and strip accents, for case- and accent-insensitive matching."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def name_matches(wanted: str, actual: str | None) -> bool:
    """True when every word of `wanted` occurs in `actual` (case/accent-insensitive).

    "vandeurzen" matches "JO VANDEURZEN"; "jo vandeurzen" matches too; "vandeur" does not.
    """
    if not actual or not wanted.strip():
        return False
    have = _name_words(actual)
    return all(w in have for w in _name_words(wanted))


@lru_cache(maxsize=65536)
def _name_words(name: str) -> frozenset[str]:
    # cached: a filter compares the same few names against every document of the index
    return frozenset(re.findall(r"\w+", fold(name)))


def name_words(name: str) -> frozenset[str]:
    """The words `name_matches` compares (folded), e.g. for an index of names by word."""
    return _name_words(name or "")


DUTCH_MONTHS = {
    "januari": 1, "februari": 2, "maart": 3, "april": 4, "mei": 5, "juni": 6, "juli": 7,
    "augustus": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
MONTH_RE = "|".join(DUTCH_MONTHS)
# Abbreviated months, as web pages and press items print dates ("maandag, 05 jul 2021",
# "3 sept. 2019"). Only used where a year follows: "Jan" alone is a first name.
MONTH_ABBREVIATIONS = {
    "jan": 1, "feb": 2, "febr": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "okt": 10, "oct": 10, "nov": 11, "dec": 12,
}
# a month in full or abbreviated (with or without its period), longest first so that "juni"
# is not read as "jun"
MONTH_DATE_RE = "|".join(sorted(DUTCH_MONTHS, key=len, reverse=True)) + "|(?:" + "|".join(
    sorted(MONTH_ABBREVIATIONS, key=len, reverse=True)) + r")\.?"


def month_number(month: str) -> int | None:
    """'mei' -> 5, 'Jul.' -> 7, 'sept' -> 9 (None when it is no month)."""
    m = month.lower().rstrip(".")
    return DUTCH_MONTHS.get(m) or MONTH_ABBREVIATIONS.get(m)


def dutch_date_to_iso(day: str | int, month: str, year: str | int) -> str | None:
    """'23', 'mei', '2018' -> '2018-05-23'; '05', 'jul', '2021' -> '2021-07-05' (None when the
    month is unknown)."""
    m = month_number(month)
    if not m:
        return None
    return f"{int(year):04d}-{m:02d}-{int(day):02d}"

_MONTH_NAMES = {v: k for k, v in DUTCH_MONTHS.items()}


def iso_to_dutch(iso: str) -> str:
    """'2018-05-23' -> '23 mei 2018'; a bare year or unknown shape is returned as is."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not m:
        return iso
    return f"{int(m.group(3))} {_MONTH_NAMES[int(m.group(2))]} {m.group(1)}"


def title_case_name(name: str) -> str:
    """'BART VAN MALDEREN' -> 'Bart Van Malderen' (names in headers are in capitals)."""
    if not name or not name.isupper():
        return name
    return " ".join("-".join(p.capitalize() for p in w.split("-")) for w in name.split())
