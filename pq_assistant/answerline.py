"""The answer line above the passages: for a question that asks for a figure, the figure of the
timeline it asks about — the latest one, or the one of the time the question names — with its
source and what it replaces. Extractive: a figure of the ledger, never a computed one; no line
when no timeline matches with confidence."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .querytime import QueryTime
from .textutil import fold

# Questions that ask for a figure (Dutch and English).
_FIGURE_QUESTION = re.compile(
    r"\b(hoeveel|aantal|hoe (?:hoog|groot|veel)|welk(?:e)? (?:percentage|aandeel|bedrag|budget|cijfer)|"
    r"budget|bedrag|bedraagt|percentage|aandeel|dekkingsgraad|graad|index|cijfers?|"
    r"how (?:many|much)|number of|what (?:is|was|are|were) the (?:number|share|budget|amount|rate|percentage))\b")
# Words that say nothing about what is counted: overlap on them is no evidence of the quantity.
_GENERIC = {"aantal", "hoeveel", "zijn", "er", "de", "het", "een", "van", "in", "op", "nu", "vandaag", "momenteel",
            "laatst", "laatste", "recentst", "recentste", "huidig", "huidige", "bedrag", "cijfer", "cijfers", "totaal",
            "vlaanderen", "how", "many", "much", "the", "are", "there", "number", "of", "today", "latest", "now"}


def is_figure_question(query: str) -> bool:
    """Does the question ask for a figure ("Hoeveel …", "Wat is het budget …", "How many …")?"""
    return bool(_FIGURE_QUESTION.search(fold(query)))


@dataclass
class AnswerLine:
    """The figure that answers a question, cited, with the figure it replaces."""

    value: str
    unit: str
    quantity: str
    date: str  # reference date (ISO, 'YYYY-MM' or 'YYYY')
    source: str  # citation of the document and page
    chunk_id: str
    doc_id: str
    page: int
    mode: str  # "latest" | "named"
    replaces: dict | None = None  # {"value", "unit", "date", "source"} of the previous figure
    scope: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"value": self.value, "unit": self.unit, "quantity": self.quantity, "date": self.date,
                "scope": self.scope, "source": self.source, "chunk_id": self.chunk_id, "doc_id": self.doc_id,
                "page": self.page, "mode": self.mode, "replaces": self.replaces}


def _day_range(d: str) -> tuple[str, str]:
    if re.fullmatch(r"\d{4}", d):
        return d + "-01-01", d + "-12-31"
    if re.fullmatch(r"\d{4}-\d{2}", d):
        return d + "-01", d + "-31"
    if m := re.fullmatch(r"(\d{4})-(\d{4})", d):  # a school or session year
        return m.group(1) + "-09-01", m.group(2) + "-08-31"
    return d[:10], d[:10]


def _kind(f) -> str:
    return getattr(f, "kind", "") or "measurement"


def _words(text: str) -> set[str]:
    from .lexical import tokenize

    return {w for w in tokenize(text) if w not in _GENERIC and not w.isdigit()}


def choose(query: str, qt: QueryTime, passages, entries: Sequence, groups: list[int], sort_key, cite) -> AnswerLine | None:
    """The answer line for `query`, from the ledger `entries` of the candidate timelines `groups`
    (best first). `cite(doc_id, page)` gives a source's citation. None without a confident match."""
    if not is_figure_question(query) or not groups:
        return None
    qwords = _words(query)
    in_passages = {p.chunk_id for p in passages[:5]}
    best = None
    for rank, g in enumerate(groups):
        members = [e for e in entries if e.group == g and _kind(e.figure) == "measurement" and e.figure.date]
        if not members:
            continue
        # Confidence: the quantity shares a content word with the question, and the timeline holds
        # a figure of one of the shown passages (both: the line must be about what was asked).
        phrase = _words(f"{members[0].figure.quantity} {members[0].figure.unit}")
        overlap = len(qwords & phrase)
        shown = any(e.figure.chunk_id in in_passages for e in members)
        if overlap == 0 or not shown:
            continue
        # The series as a whole (no scope) answers "how many"; scoped rows only if nothing else.
        overall = [e for e in members if not e.figure.scope] or members
        best = (g, overall)
        break
    if best is None:
        return None
    _, series = best
    series = sorted(series, key=sort_key)
    if qt.named:
        hits = [e for e in series if _day_range(e.figure.date)[0] <= qt.end and _day_range(e.figure.date)[1] >= qt.start]
        if not hits:
            return None
        pick, mode = hits[-1], "named"
    else:
        pick, mode = series[-1], "latest"
    older = [e for e in series if sort_key(e) < sort_key(pick) and e.figure.value != pick.figure.value
             and e.figure.date != pick.figure.date]
    f = pick.figure
    replaces = None
    if older and mode == "latest":
        o = older[-1].figure
        replaces = {"value": o.value, "unit": o.unit, "date": o.date, "source": cite(o.doc_id, o.page)}
    return AnswerLine(value=f.value, unit=f.unit, quantity=f.quantity, date=f.date, scope=f.scope,
                      source=cite(f.doc_id, f.page), chunk_id=f.chunk_id, doc_id=f.doc_id, page=f.page, mode=mode,
                      replaces=replaces)


def format_line(a: AnswerLine) -> str:
    """'Laatste cijfer: 109 erkende Huizen van het Kind op 1 januari 2025 — <bron> (vervangt 96 op …)'."""
    from .textutil import iso_to_dutch

    head = "Laatste cijfer" if a.mode == "latest" else "Cijfer van die tijd"
    what = a.quantity or a.unit
    unit = "" if fold(a.unit) in fold(what) else f" {a.unit}"
    scope = f" ({a.scope})" if a.scope else ""
    line = f"{head}: {a.value}{unit} {what}{scope} {_when(a.date)} — {a.source}"
    if a.replaces:
        line += f" (vervangt {a.replaces['value']} {_when(a.replaces['date'])})"
    return line


def _when(d: str) -> str:
    from .textutil import iso_to_dutch

    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d):
        return "op " + iso_to_dutch(d)
    if re.fullmatch(r"\d{4}-\d{2}", d):
        return "in " + " ".join(iso_to_dutch(d + "-01").split()[1:])
    return "in " + d
