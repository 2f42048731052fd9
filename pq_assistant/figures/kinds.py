"""What kind of value a figure is, from the words around it: a change ("een stijging van 8,7 %",
"242 plaatsen minder dan in 2019"), a forecast ("zal", "verwacht" after it), or — for a figure
that takes its quantity from another — a measurement whatever the other was. The names of the
kinds live in the quantity ("verandering", "verwacht"; targets: `targets.mark_target`)."""
from __future__ import annotations

import re

from .lexicon import _CHANGE_BEFORE_RE, _CHANGE_WORD_RE, _lazy
from .state import _Fig

_FORECAST_RE = _lazy(r"\b(?:verwacht|verwachte|verwachten|zal|zullen|zou|zouden|kunnen|kan|gepland|geplande|"
                     r"geraamd|prognose|streefcijfer|streven|beogen|beoogt)\b", re.I)
# after the figure in its clause: "130 Huizen van het Kind verwacht in 2025" (not "meer dan verwacht")
# ("uitgevoerd of gepland": done or planned, no forecast)
_FUTURE_AFTER_RE = _lazy(r"\b(?:zal|zullen|zou|zouden|(?<!dan\s)(?<!als\s)(?<!of\s)(?<!en\s)(?:verwacht|gepland|geraamd))\b", re.I)


def _is_change(sentence: str, fig: _Fig) -> bool:
    """'daalt met 10 %', 'een toename met 2.140 plaatsen', '32 % hoger dan in maart 2019'."""
    # (the counted noun may stand between: "242 plaatsen minder dan in 2019")
    # (not a threshold: "300 gemeenten met minder dan 10.000 inwoners")
    if re.match(r"\s*(?:(?!(?:met|van|voor|tot|op|in|bij|per|die|dat|waar)\b)[a-zà-ÿ'’-]+\s+)?"
                r"(?:hoger|lager|meer|minder|groter|kleiner)\s+(?:dan|in\s+vergelijking\s+met|ten\s+opzichte\s+van|"
                r"tegenover|vergeleken\s+met)\b", sentence[fig.end:], re.I):
        return True
    if not re.match(r"\s*(?:\S+\s+){0,2}?(?:naar|tot)\s+\d", sentence[fig.end:]):  # not "van 12 naar 14"
        # "een stijging van 8,7 %", "met een daling van ruim 12 %"; "De stijging van het aantal
        # bevallingen bleef beperkt tot 5,7 %" (the change is the subject)
        if _CHANGE_NOUN_BEFORE_RE.search(sentence[:fig.start]) or _CHANGE_SUBJECT_RE.match(sentence[:fig.start]):
            return True
    return bool(_CHANGE_BEFORE_RE.search(sentence[:fig.start]) and _CHANGE_WORD_RE.search(sentence))


_CHANGE_NOUN_BEFORE_RE = _lazy(r"\b(?:stijging|daling|toename|afname|groei|verhoging|verlaging|vermindering)\s+"
                               r"(?:van|met)\s+(?:ongeveer\s+|bijna\s+|ruim\s+|zowat\s+|amper\s+|maar\s+)?$", re.I)
_CHANGE_SUBJECT_RE = _lazy(r"\s*(?:de|die|deze)\s+(?:stijging|daling|toename|afname|groei)\b[^.;]*?"
                           r"\b(?:bleef\s+beperkt\s+tot|bedroeg|bedraagt|was|is|lag\s+op|ligt\s+op)\s+"
                           r"(?:ongeveer\s+|bijna\s+|ruim\s+|zowat\s+|amper\s+|maar\s+)?$", re.I)  # (right before the figure)


def _measured(quantity: str) -> str:
    """A quantity without the kind markers it opens with ("doel verwacht plaatsen" -> "plaatsen")."""
    return re.sub(r"^(?:(?:doel|verwacht)\s+)+", "", quantity)
