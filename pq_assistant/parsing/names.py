"""Person names as the genre prints them, turned into the form a person writes them.

`ELINE MAERTENS` -> `Eline Maertens`, `MARIJKE VAN DEN BOSSCHE` -> `Marijke Van den Bossche`
(Flemish surnames: the first particle of the surname keeps its capital, the next ones do not).
"""
from __future__ import annotations

import re

PARTICLES = {"van", "de", "den", "der", "het", "ter", "ten", "te", "op", "in", "'t", "’t", "d'", "le", "la", "du", "des", "di", "da", "el", "al", "ben", "bin"}
# A name word: capitalised, may hold an apostrophe or hyphen ("D'Hulster", "Ben Haddou", "Vande-Lanotte").
NAME_WORD = r"[A-ZÀ-Ý][\w'’\-]*"
PARTICLE_RE = r"(?:[Vv]an|[Dd]e[nr]?|[Hh]et|[Tt]e[nr]?|[Oo]p|'t|’t|[Ll]e|[Ll]a|[Dd]u|[Dd]es|[Dd]i|[Dd]a|[Ee]l|[Bb]en)"
# "Eline Maertens", "Marijke Van den Bossche", "Nadia Ben Haddou", "Jan De Wever"
PERSON = rf"{NAME_WORD}(?:\s+(?:{PARTICLE_RE}\s+)*{NAME_WORD}){{1,3}}"
# A surname alone after Mevrouw/De heer/Minister: "Van den Bossche", "Maertens", "De Ro"
SURNAME = rf"(?:{PARTICLE_RE}\s+)*{NAME_WORD}(?:\s+{NAME_WORD})?"


def person_name(name: str) -> str:
    """The name as a person writes it: capitals turned into name case, whitespace collapsed;
    a name already in mixed case is kept as written."""
    name = re.sub(r"\s+", " ", name or "").strip(" ,.;:")
    if not name or not name.isupper():
        return name
    out: list[str] = []
    words = name.split(" ")
    in_surname_particles = False
    for i, w in enumerate(words):
        low = w.lower()
        if i > 0 and low in PARTICLES and i < len(words) - 1:
            # the first particle of a surname keeps its capital ("Van den Bossche", "De Wever")
            out.append(low.capitalize() if not in_surname_particles else low)
            in_surname_particles = True
            continue
        in_surname_particles = False
        out.append("-".join(_cap(p) for p in w.split("-")))
    return " ".join(out)


def _cap(word: str) -> str:
    m = re.match(r"^([dD]['’])(.+)$", word)  # D'HULSTER -> D'Hulster
    if m:
        return m.group(1).upper() + m.group(2).capitalize()
    return word.capitalize()


def strip_party(name: str) -> str:
    """'Eline Maertens (cd&v)' -> 'Eline Maertens'."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", name or "").strip()


def surname_matches(surname: str, full: str) -> bool:
    """'Van den Bossche' and 'Marijke Van den Bossche'; 'maertens' and 'Eline Maertens'."""
    s, f = surname.lower().split(), full.lower().split()
    return bool(s) and f[-len(s):] == s
