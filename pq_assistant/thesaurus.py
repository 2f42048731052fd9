"""A small domain thesaurus: the words people use for the things the answers name officially.

Queries are expanded with the official terms (never the documents), so a question about the
"HvhK" also looks for "Huizen van het Kind", and one about "Kind & Gezin" for "Opgroeien".
"""
from __future__ import annotations

import re

from .textutil import fold

# (official terms appended to the query, regex of the other names of the same official thing).
# Only what a domain expert writes without reading anyone's question: abbreviations, former and
# renamed names of agencies and schemes, and the English names the administration itself uses
# for its services. Lay paraphrases ("gezinscentra", "pubers", "geld") are not here: the learned
# question->answer vocabulary of the index (pq_assistant/translation.py) covers those.
GROUPS: list[tuple[str, str]] = [
    ("Huis van het Kind Huizen van het Kind",
     r"hvhk|houses? of the child|lokale? samenwerkingsverbanden? (?:voor|rond) gezinnen"),
    ("Kind en Gezin Opgroeien", r"k&g|kind ?& ?gezin"),
    ("Groeipakket kinderbijslag", r"child benefits?|gezinsbijslag|kinderbijslag"),
    ("kinderopvang", r"daycare|day care|childcare|child care"),
    ("kraamzorg", r"maternity care|postnatal care"),
    ("consultatiebureau", r"well-?baby clinics?|child health clinics?"),
    ("opvoedingsondersteuning", r"parenting support"),
    ("vaccinatiegraad", r"vaccination (?:coverage|rate)"),
    ("kansarm kansarmoede", r"disadvantaged|deprived|deprivation"),
    ("gemeenten", r"lokale besturen|municipalit(?:y|ies)"),
]
_COMPILED = [(terms, re.compile(rf"(?<!\w)(?:{pattern})(?!\w)", re.I)) for terms, pattern in GROUPS]


def expand(query: str) -> str:
    """The query with the official terms of every group it mentions informally (once each)."""
    q = fold(query)
    extra = [terms for terms, rx in _COMPILED
             if rx.search(q) and not all(fold(t) in q for t in terms.split()[:1])]
    return query if not extra else query + " (" + "; ".join(extra) + ")"


def explained(query: str) -> str:
    """The parts of the query that the thesaurus maps to official terms (space-joined), so a
    caller can tell which of the question's words it has accounted for."""
    q = fold(query)
    return " ".join(m.group(0) for _, rx in _COMPILED for m in rx.finditer(q))
