"""Reference dates: which date of a sentence (or of the text before it) a figure is as of."""
from __future__ import annotations

import re
from collections.abc import Sequence

from .lexicon import _CHANGE_BEFORE_RE, _CHANGE_WORD_RE, _Date, _FROM_TO_VERB_RE, _NOW_RE, _clause_bounds, _is_future, _lazy, _pad
from .state import _Fig, _State


_ATTACHED_GAP = _lazy(r"\s*(?:(?!(?:en|of|maar|terwijl|tegenover|dan|die|dat|waar)\b)[\w'’%-]+\s+){0,5}?"
                      r"(?:in|op|per|sinds|tot|eind|einde|begin)\s+(?:(?:het|de)\s+)?(?:\w*jaar\s+)?", re.I)


def _choose_date(fig: _Fig, dates: list[_Date], sentence: str, state: _State, fallback: str,
                 figs: Sequence[_Fig] = ()) -> None:
    """Set fig.date/date_source: a date written right after it ("17 % in 2018"), else the nearest
    date before it in the sentence, else a date after it in its clause, else the date carried from
    earlier sentences, else the answer date (its year)."""
    money = fig.kind == "money"
    next_start = min([f.start for f in figs if f.start > fig.start], default=len(sentence))

    def usable(d: _Date, after: bool) -> bool:
        if d.role in ("cite", "mask"):
            return False
        if d.role == "target" and money:  # "167 miljoen euro tegen 2024": a total, not a date
            return False
        return not (after and d.role == "compare")

    iso = ""
    attached = [d for d in dates if fig.end <= d.start < next_start and usable(d, True)
                and _ATTACHED_GAP.fullmatch(sentence[fig.end:d.start])]
    before = [d for d in dates if d.end <= fig.start and usable(d, False)]
    clause_start, clause_end = _clause_bounds(sentence, fig.start, fig.end)
    after = [d for d in dates if d.start >= fig.end and d.end <= clause_end and usable(d, True)]
    from_to = re.search(r"\bvan\s+$", sentence[:fig.start]) and \
        re.match(r"\s*(?:\S+\s+){0,2}?(?:naar|tot)\s+\d", sentence[fig.end:])
    if from_to and _FROM_TO_VERB_RE.search(sentence):
        # "daalt van 300 naar 285": 300 is the value before the change, not at the date
        fig.date, fig.date_source = "", "none"
        return
    if attached:
        iso = attached[0].iso
    elif before:
        d = before[-1]
        iso = d.iso
        carried = state.para_date or state.date
        if d.role == "same-period" and len(carried) == 10:  # "dezelfde periode van 2019"
            iso = d.iso + carried[4:]
    elif re.search(r"\b(?:vóór|vroeger|destijds)\b", sentence[clause_start:clause_end]):
        # "tegenover 34 % vóór de hervorming": an older value without a date of its own
        fig.date, fig.date_source = "", "none"
        return
    elif _NOW_RE.search(sentence[:fig.start]):
        iso = ""
    elif after:
        iso = after[0].iso
    change = _CHANGE_BEFORE_RE.search(sentence[:fig.start]) and _CHANGE_WORD_RE.search(sentence)
    if iso:
        fig.date, fig.date_source = iso, "explicit"
    elif change and state.max_date:
        fig.date, fig.date_source = state.max_date, "explicit"
    elif (state.para_date or state.date) and not _NOW_RE.search(sentence[:fig.start]):
        fig.date, fig.date_source = state.para_date or state.date, "explicit"
    elif fallback:
        fig.date, fig.date_source = fallback[:4], "answer-date"
    else:
        fig.date, fig.date_source = "", "none"
    if money and fig.date:
        fig.date = fig.date[:4]


_HISTORICAL_RE = _lazy(r"\bter\s+vergelijking\b|\bvóór\b|\btoen\b|\bdestijds\b|\bvroeger\b", re.I)


def _update_carry(dates: list[_Date], state: _State, sentence: str = "") -> None:
    """The last plain reference date of a sentence carries to the next sentences.

    Not carried: comparison/citation/target dates, the dates of a sentence that looks back
    ("Ter vergelijking: in 2014 ...", "Op 1 januari 2020, vóór de schaalvergroting, ..."), and a
    date after the answer date (a plan) beyond its own paragraph."""
    if sentence and _HISTORICAL_RE.search(sentence):
        return
    refs = [d.iso for d in dates if d.role == "ref" and d.iso]
    if refs:
        state.para_date = refs[-1]
    past = [iso for iso in refs if not _is_future(iso, state.answer_date)]
    if past:
        state.date = past[-1]
        state.max_date = max([state.max_date] + past, key=lambda x: _pad(x, end=True))

