"""Targets, norms and thresholds: a figure of its own kind (`timelines.figure_kind` reads the
"doel" marker this puts in its quantity), never shown as the latest measurement."""
from __future__ import annotations

import re

from .lexicon import _lazy
from .state import _Fig

# A target, norm or threshold is a figure of its own kind, never the latest measurement.
_TARGET_WORDS_RE = _lazy(
    r"\b(?:doelstelling\w*|streefcijfer\w*|streefdoel\w*|streefwaarde\w*|(?!enorm)\w*norm|(?!enorm)\w*normen|"
    r"vooropgesteld\w*|vooropstel\w*|vooropgezet\w*|beoogd\w*|beoogt|ambitie\w*|ambieer\w*|drempel\w*|"
    r"mikt|mikken|streven\s+naar|streeft\s+naar)\b", re.I)
# an obligation to reach a level, for the figures after its verb: "Die school met 66 procent ...
# moet een stijging realiseren naar 79 procent" (79 is the target, 66 the state), "tegen 2030
# moeten het er 150 zijn"
_OBLIGATION_RE = _lazy(r"\bmoet(?:en)?\b(?=[^.;]{0,60}?\b(?:realiseren|bereiken|halen|behalen)\b)|"
                       r"(?<=tegen\s(?:19|20)\d\d\s)\s*moet(?:en)?\b|\bmoet(?:en)?\b(?=[^.;]{0,60}?\btegen\s+(?:19|20)\d{2}\b)",
                       re.I)


# what must be, after the figure: "dan zouden er 8495 plaatsen moeten zijn", "3500 plaatsen extra
# moeten bijkomen", "17.500 plaatsen moeten worden gecreëerd" (not "2.410 kinderen moeten wachten":
# those are counted)
_MUST_BE_RE = _lazy(r"\s*(?:[^\d.;:,]{0,40}?\s)?(?:moet|moeten)\s+(?:er\s+)?(?:\w+\s+){0,2}?"
                    r"(?:zijn|bijkomen|komen|worden\s+(?:gecreëerd|gecreeerd|gerealiseerd|bijgemaakt|voorzien))\b", re.I)


def mark_target(fig: _Fig, sentence: str, clause: tuple[int, int]) -> None:
    """Mark `fig` a target when its clause names one ("de doelstelling van Barcelona, die een
    deelname van 33 % vooropstelt") or an obligation to reach it precedes it ("moet ... realiseren
    naar 79 procent") — unless the clause says it was reached ("ruim gehaald")."""
    obliged = any(m.end() <= fig.start for m in _OBLIGATION_RE.finditer(sentence)) \
        or bool(_MUST_BE_RE.match(sentence[fig.end:clause[1]]))
    if (_TARGET_WORDS_RE.search(sentence[clause[0]:clause[1]]) or obliged) \
            and not re.search(r"\b(?:bereikt|gehaald|behaald)\b", sentence[fig.end:clause[1]], re.I):
        if not fig.quantity.startswith("doel "):
            fig.quantity = "doel " + fig.quantity
