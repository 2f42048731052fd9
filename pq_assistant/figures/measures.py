"""Figures that measure something (a number of days, hours, minutes, kilometres): what they
measure is the subject of "bedroeg" / "lag op", not the unit ("In 2023 bedroeg de gemiddelde
wachttijd 94 dagen" measures the "gemiddelde wachttijd")."""
from __future__ import annotations

import re

from ..textutil import fold
from .lexicon import _PLACE_RE, _TIME_UNITS, _lazy
from .phrases import _AGENCIES, _TIME_WORDS, _head, _is_adjective, _noun_phrase
from .state import _Fig

_MEASURE_UNIT_RE = _lazy(rf"{_TIME_UNITS}|minuten|minuut|seconden|kilometer|km", re.I)
_MEASURE_VERB_RE = _lazy(r"\b(?:bedroeg|bedroegen|bedraagt|bedragen|lag|lagen|ligt|liggen|schommelde|schommelt)\b", re.I)
_SUBJECT_RE = _lazy(r"\s*(?:de|het)\s+(?=[a-zà-ÿ])", re.I)


def _measured_subject(prefix: str, noun: str) -> str:
    """What a measure counts: a number of days, hours or minutes is not a count of days but the
    measure of the subject of "bedroeg" / "lag op": the noun phrase right after the verb ("In
    2023 bedroeg de gemiddelde wachttijd 94 dagen", "Voor contextbegeleiding lag de gemiddelde
    wachttijd hoger, op 121 dagen") or the one the sentence opens with ("De gemiddelde wachttijd
    tussen aanmelding en start bedroeg in 2023 94 dagen"): "gemiddelde wachttijd". "" when the
    sentence has no such verb or subject."""
    verb = _MEASURE_VERB_RE.search(prefix)
    if not _MEASURE_UNIT_RE.fullmatch(_head(noun).lower()) or not verb:
        return ""
    for m in (_SUBJECT_RE.match(prefix, verb.end()), _SUBJECT_RE.match(prefix)):
        if m is None:
            continue
        phrase, _ = _noun_phrase(prefix[m.end():])
        head = _head(phrase).lower()
        if phrase and head not in _TIME_WORDS and not _MEASURE_UNIT_RE.fullmatch(head) \
                and not _PLACE_RE.fullmatch(phrase) and not _AGENCIES.fullmatch(phrase) and not _is_adjective(head):
            return phrase
    return ""


_PRONOUN_AFTER_RE = _lazy(r"\s*(?:ze|zij|hij|die|deze)\b", re.I)


def _measured_again(prefix: str, noun: str, earlier: list[_Fig], prev: _Fig | None) -> _Fig | None:
    """The measure said before when a pronoun is the subject of "bedroeg" / "lag" ("In Brussel
    bedroeg ze 3,3 dagen": the figure of the sentence before) or when the sentence goes on with
    another value ("… 3,3 dagen en in Wallonië 3,2 dagen": the one before it) — if that figure
    measured something (not just "dagen") in the same unit."""
    verb = _MEASURE_VERB_RE.search(prefix)
    if verb is None or not _MEASURE_UNIT_RE.fullmatch(_head(noun).lower()):
        return None
    if earlier:
        same = earlier[-1]
    elif _PRONOUN_AFTER_RE.match(prefix, verb.end()):
        same = prev
    else:
        return None
    if same is None or fold(same.unit) != fold(_head(noun)) or fold(same.quantity) in ("", fold(same.unit)):
        return None
    return same
