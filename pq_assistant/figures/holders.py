"""Whose count it is: the named kind of thing that has, gets or does what a count counts
(`naming._describe_count` adds it to the quantity)."""
from __future__ import annotations

import re

from ..textutil import fold
from .lexicon import _ENTITIES, _ENTITY_RE, _PLACE_RE, _lazy
from .phrases import _AGENCIES
from .state import _State


def holder_of(start: int, s: str, clause_start: int, state: _State, named: str) -> str:
    """Whose count it is, when a named kind of thing is the subject that has, gets or does what is
    counted: "In 2017 ontving de Kind en Gezin-lijn 286.410 telefonische oproepen", "In 2022
    organiseerden de Huizen van het Kind samen 18.640 groepsactiviteiten" (the calls of that line,
    the activities of those houses); a next sentence that adds to it ("Daarnaast werden 61.230
    e-mails behandeld") has the same holder. Not an agency that reports ("Kind en Gezin telt ..."),
    not a place (a scope), not a name the quantity holds already. "" when there is none."""
    before = s[clause_start:start]
    m = _HOLDER_BEFORE_RE.search(before)
    if m:
        holder = m.group(1)
    elif _ADDS_TO_RE.match(s[clause_start:]) and not _ENTITY_RE.search(before) and state.last_count is not None \
            and state.last_entity and fold(state.last_count.quantity).endswith(" " + fold(state.last_entity)):
        holder = state.last_entity
    else:
        return ""
    if _AGENCIES.fullmatch(holder) or _PLACE_RE.fullmatch(holder) or fold(holder) in fold(named):
        return ""
    return holder


_HOLDER_BEFORE_RE = _lazy(r"\b(?:de|het)\s+(" + "|".join(re.escape(e) for e in sorted(_ENTITIES, key=len, reverse=True))
                          + r")\s+(?:(?:samen|in\s+totaal|ongeveer|bijna|ruim|al|nog|opnieuw|minstens)\s+)*$", re.I)
_ADDS_TO_RE = _lazy(r"\W*(?:daarnaast|bovendien|daarbovenop)\b", re.I)
