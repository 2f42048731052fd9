"""The figures ledger of an index: every figure with its quantity group (timeline), built at
ingest and saved as `figures.json`, and the choice of timelines that answer a query.

Grouping uses `figures.group_quantities` with the index's embedder on the quantity phrases, so
"153 erkende Huizen van het Kind" (2018) and "127 HvhK" (2016) share one timeline.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..models import Figure, Passage
from .lexicon import _lazy


@dataclass
class LedgerEntry:
    """A figure in the ledger: its timeline (group), and its status in that timeline.

    `replaced_by` names the figure that replaced a superseded one and where (value, unit, date,
    doc, number, doc_date, page); `confirms` the first statement a confirmed one repeats."""

    figure: Figure
    group: int
    status: str  # "latest" | "confirmed" | "superseded" | "conflict" | "undated" (timelines.STATUS_NL)
    replaced_by: dict | None = None
    confirms: dict | None = None

    @property
    def kind(self) -> str:
        from .timelines import figure_kind

        return figure_kind(self.figure)

    def to_dict(self) -> dict:
        from .timelines import STATUS_NL

        return {**figure_dict(self.figure), "group": self.group, "status": self.status,
                "status_nl": STATUS_NL.get(self.status, self.status), "replaced_by": self.replaced_by,
                "confirms": self.confirms}


def figure_dict(f: Figure) -> dict:
    """The JSON form of a figure (the contract of `pq figures --json`): what `Figure` holds plus
    its `kind` (measurement / target / forecast)."""
    from .timelines import figure_kind

    d = {k: getattr(f, k) for k in ("value", "number_value", "unit", "quantity", "date", "date_source",
                                    "doc", "number", "page", "sentence", "scope", "minister", "doc_date")}
    d["kind"] = figure_kind(f)
    return d


def pointer(f: Figure) -> dict:
    """Where a figure stands, for `replaced_by` / `confirms`: the value and its source."""
    return {"value": f.value, "unit": f.unit, "date": f.date, "scope": f.scope, "doc": f.doc,
            "number": f.number, "doc_date": f.doc_date, "page": f.page}


def build(figures: list[Figure], embed: Callable[[list[str]], object] | None) -> list[LedgerEntry]:
    """Group the figures into timelines and mark latest / superseded / conflict."""
    from .timelines import annotate_timeline, group_quantities

    if not figures:
        return []
    groups = group_quantities(figures, embed=embed)
    notes = annotate_timeline(figures, groups)
    return [LedgerEntry(figure=n["figure"], group=n["group"], status=n["status"],
                        replaced_by=pointer(figures[n["replaced_by"]]) if n["replaced_by"] is not None else None,
                        confirms=pointer(figures[n["confirms"]]) if n["confirms"] is not None else None)
            for n in notes]


def save(entries: Sequence[LedgerEntry], path: Path) -> None:
    from ..storage.layout import atomic_write

    atomic_write(path, json.dumps([{**e.figure.to_dict(), "_group": e.group, "_status": e.status,
                                    "_replaced_by": e.replaced_by, "_confirms": e.confirms} for e in entries],
                                  ensure_ascii=False))


def load(path: Path) -> list[LedgerEntry]:
    if not path.exists():
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for r in rows:
        group, status = r.pop("_group"), r.pop("_status")
        replaced_by, confirms = r.pop("_replaced_by", None), r.pop("_confirms", None)
        out.append(LedgerEntry(figure=Figure(**r), group=group, status=status, replaced_by=replaced_by, confirms=confirms))
    return out


def description(e: LedgerEntry) -> str:
    """What a figure counts, as embedded for semantic look-up: the phrase the grouping embeds too
    (`figures.group_quantities`), so each distinct phrase is embedded once per ledger build."""
    return e.figure.quantity or e.figure.unit


def semantic_groups(qvec, vectors, entries: Sequence[LedgerEntry], query: str, margin: float = 0.01) -> list[int]:
    """Groups of the figures whose description is (nearly) the closest to the query.

    e5 similarities sit in a narrow band, so only figures within `margin` of the best one count;
    a little lexical overlap with the query breaks ties between near-identical descriptions.
    """
    import numpy as np

    if vectors is None or not len(entries) or len(vectors) != len(entries):
        # (entries and vectors read while another process rewrites the ledger: no semantic match
        # rather than a crash; the named and passage-based timelines still answer)
        return []
    qwords = _words(query)
    lex = np.array([len(qwords & _words(description(e))) / max(1, len(qwords)) for e in entries])
    score = vectors @ qvec + 0.05 * lex
    best = float(score.max())
    return sorted({entries[i].group for i in np.where(score >= best - margin)[0]})


def named_groups(query: str, entries: Sequence[LedgerEntry]) -> list[int]:
    """Timelines the query names word for word: every word of the group's quantity key is in
    the query's key, and the key holds the query's counted noun (its first content word):
    "aantal locaties consultatiebureaus" names the timeline "203 locaties" (Antwerpen) even when
    no passage or near embedding found it. Nothing is compared pairwise: one set test a key."""
    from .timelines import quantity_key

    from .timelines import _markers, figure_family

    qkey = quantity_key(query)
    qwords = set(qkey.split())
    if not qwords:
        return []
    qmarks = _markers(qkey)
    # the counted noun: the first word with a key that is not a marker ("extra middelen ..." -> budget)
    head = next((quantity_key(w) for w in query.split() if quantity_key(w) and quantity_key(w) not in qmarks),
                next((quantity_key(w) for w in query.split() if quantity_key(w)), ""))
    family = _query_family(query)
    out: list[int] = []
    seen: dict[tuple[str, str], bool] = {}
    for e in entries:
        k = quantity_key(e.figure.quantity or e.figure.unit)
        fam = figure_family(e.figure)
        if (k, fam) not in seen:
            words = set(k.split())
            # every word of the timeline in the query ("locaties" for "aantal locaties consultatiebureaus"),
            # also of a part of it ("Daarvan gaat 4,2 miljoen euro naar ...": "deel budget Huizen van
            # het Kind" for "budget Huizen van het Kind", listed as its own timeline) ...
            whole = words - ({"deel"} - qwords)
            named = bool(whole) and whole <= qwords and head in whole
            # ... or a series that specifies the query's quantity: the same family and marker words,
            # its counted noun, all but one of the query's words, and no more words of its own than
            # it shares ("aandeel Huizen van het Kind prenataal aanbod" for "aandeel Huizen van het
            # Kind met specifiek aanbod"; not "Huizen van het Kind samenwerking zelfstandige
            # vroedvrouwen" for "aantal erkende Huizen van het Kind"); an average is a series of
            # the quantity it averages ("gemiddeld bedrag per Huis van het Kind"), a total ("van de
            # 124 Huizen van het Kind") the count of what it totals
            shared = words & qwords
            content = qwords - qmarks
            specifies = (head in words and fam == family and _markers(k) - {"gemiddeld", "totaal"} == qmarks
                         and len(shared) >= min(2, len(content)) and len(shared) >= len(content) - 1
                         and len(words - qwords) <= len(shared))
            seen[(k, fam)] = named or specifies
        if seen[(k, fam)] and e.group not in out:
            out.append(e.group)
    return out


def _query_head(query: str) -> str:
    """The counted noun of a query about a quantity: the key of its first content word that is no
    marker ("aantal locaties consultatiebureaus" -> "locatie"; "extra middelen ..." -> "budget")."""
    from .timelines import _markers, quantity_key

    qmarks = _markers(quantity_key(query))
    keys = [quantity_key(w) for w in query.split()]
    return next((k for k in keys if k and k not in qmarks), next((k for k in keys if k), ""))


def _same_noun(a: str, b: str) -> bool:
    """Two counted nouns (keys) are one: equal, or one is the other's compound head or the
    compound of it ("groepsactiviteit" counts "activiteit"s; "opvanglocatie" for "kinderopvanglocatie")."""
    if a == b:
        return True
    short, long_ = sorted((a, b), key=len)
    return len(short) >= 6 and " " not in long_ and long_.endswith(short)


def counted_groups(query: str, passages: list[Passage], entries: Sequence[LedgerEntry]) -> list[int]:
    """Timelines of the best passages' documents that count the noun the query counts: for
    "aantal locaties consultatiebureaus", next to the stock of "locaties", the documents' "21
    nieuwe locaties geopend", "58 locaties gesloten" and "een netto daling met 37 locaties" —
    each its own timeline, but all of what a question about that number must see. Only counts,
    only the figures of the documents the passages come from (the question's documents), so a
    word as broad as "gemeenten" does not pull in every municipality count of the index. The
    counted noun is one word (or its compound: "groepsactiviteiten" for "activiteiten") or a
    name the query holds whole ("Huizen van het Kind")."""
    from .timelines import figure_family, quantity_key

    if _query_family(query) != "count":
        return []
    head = _query_head(query)
    if not head or " " in head:
        return []
    qwords = set(quantity_key(query).split())
    docs = {p.doc_id for p in passages}
    out: list[int] = []
    counts: dict[str, bool] = {}
    for e in entries:
        if e.figure.doc_id not in docs or e.group in out or figure_family(e.figure) != "count":
            continue
        unit = quantity_key(e.figure.unit)
        if unit not in counts:
            # one word ("consulten"), or a name the query holds whole ("Huizen van het Kind")
            words = set(unit.split())
            counts[unit] = _same_noun(unit, head) or (head in words and words <= qwords)
        if counts[unit]:
            out.append(e.group)
    return out


_SHARE_WORDS = _lazy(r"\b(?:aandeel|percentage|procent|graad|\w+graad|index|bereik|verhouding)\b")
_MONEY_WORDS = _lazy(r"\b(?:budget|middelen|werkingsmiddelen|bedrag|\w+bedrag|euro|subsidie\w*|kost\w*|uitgaven)\b")


def _query_family(query: str) -> str:
    """What a question about a quantity asks for: a share, an amount of money or a count."""
    q = query.lower()
    if _SHARE_WORDS.search(q):
        return "share"
    if _MONEY_WORDS.search(q):
        return "money"
    return "count"


def _words(text: str) -> set[str]:
    from ..lexical import tokenize

    return set(tokenize(text))


def choose_groups(query: str, passages: list[Passage], entries: Sequence[LedgerEntry],
                  max_groups: int = 3, keep_share: float = 0.5) -> list[int]:
    """The timelines that answer `query`: groups whose figures sit in the best passages, weighted
    by how much of the quantity phrase the query names ("aantal erkende Huizen van het Kind");
    those scoring at least `keep_share` of the best one's."""
    qwords = _words(query)
    by_chunk: dict[str, list[LedgerEntry]] = {}
    for e in entries:
        by_chunk.setdefault(e.figure.chunk_id, []).append(e)
    score: dict[int, float] = {}
    for rank, p in enumerate(passages, 1):
        for e in by_chunk.get(p.chunk_id, []):
            phrase = _words(f"{e.figure.quantity} {e.figure.unit}")
            overlap = len(qwords & phrase) / max(1, len(phrase))
            score[e.group] = score.get(e.group, 0.0) + (0.2 + overlap) / rank
    if not score:
        return []
    ranked = sorted(score, key=lambda g: -score[g])
    best = score[ranked[0]]
    return [g for g in ranked[:max_groups] if score[g] >= keep_share * best]


def filter_entries(entries: Sequence[LedgerEntry], *, since: str = "", until: str = "", minister: str = "") -> list[LedgerEntry]:
    """Reference dates within [since, until] (a year-only date counts as that year); the source's minister."""
    from ..search import widen_date
    from ..textutil import name_matches

    lo = widen_date(since, end=False) if since else ""
    hi = widen_date(until, end=True) if until else ""
    out = []
    for e in entries:
        d = e.figure.date
        if lo and (not d or (d + "-12-31" if len(d) == 4 else d) < lo):
            continue
        if hi and (not d or (d + "-01-01" if len(d) == 4 else d) > hi):
            continue
        if minister and not name_matches(minister, e.figure.minister):
            continue
        out.append(e)
    return out


def sort_key(e: LedgerEntry) -> tuple:
    """Timeline order of ledger entries: `timelines.sort_key` of their figure (the one ordering)."""
    from .timelines import sort_key as figure_order

    return figure_order(e.figure)
