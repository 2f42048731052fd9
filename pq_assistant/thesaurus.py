"""A small domain thesaurus: the words people use for the things the answers name officially.

Queries are expanded with the official terms (never the documents), so a question about
"gezinscentra in de buurt" also looks for "Huizen van het Kind", and "pubers" for "tieners".
The entries are general vocabulary of Flemish family policy and plain Dutch/English synonyms,
not phrases taken from any particular question.
"""
from __future__ import annotations

import re

from .textutil import fold

# (official terms appended to the query, regex of the informal/other-language variants)
GROUPS: list[tuple[str, str]] = [
    ("Huis van het Kind Huizen van het Kind",
     r"gezins(?:netwerk|centr|punt|huis|huizen|loket)\w*|hvhk|houses? of the child|family (?:centre|center|hub)s?"
     r"|ouder-?\s?en kindcentr\w*|lokale? (?:netwerken|samenwerkingsverbanden) (?:voor|rond) gezinnen"),
    ("ouders", r"mama'?s?|papa'?s?|vaders?|moeders?|parents?|opvoeders"),
    ("tieners adolescenten jongeren", r"pubers?|puberteit|teenagers?|adolescents?|tieners?"),
    ("kraamzorg", r"kraamhulp\w*|kraamverzorg\w*|maternity care|postnatal care"),
    ("kinderopvang", r"cr[eè]ches?|daycare|day care|childcare|child care|opvang van baby'?s|onthaalouders?"),
    ("consultatiebureau", r"babyconsult\w*|zuigelingenconsult\w*|well-?baby clinics?|child health clinics?"),
    ("kansarm kansarmoede kwetsbare gezinnen armoede",
     r"financieel (?:lastig|moeilijk|zwak)\w*|moeilijk rondkomen|weinig geld|arme gezinnen|arm gezin|poverty|poor|disadvantaged|deprived"),
    ("budget middelen miljoen euro", r"geld|centen|kost(?:en|prijs)?|uitgaven|funding|money|spend\w*"),
    ("opvoedingsondersteuning", r"opvoedingshulp|hulp bij (?:het )?opvoeden|parenting support"),
    ("professionals hulpverleners medewerkers", r"werkers|personeel|staff|professionals?"),
    ("vorming opleiding", r"bijscholing\w*|bijgeschoold|training\w*|cursus(?:sen)?"),
    ("gemeenten", r"steden en gemeenten|municipalit(?:y|ies)|lokale besturen"),
    ("Kind en Gezin Opgroeien", r"k&g|kind ?& ?gezin"),
    ("Groeipakket kinderbijslag", r"child benefit|gezinsbijslag|kindergeld"),
    ("vaccinatiegraad", r"vaccination (?:coverage|rate)|ingeente?\w*"),
    ("deelnemen participatie inspraak", r"mee ?(?:beslissen|praten|denken)|zeggenschap|stem hebben"),
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
