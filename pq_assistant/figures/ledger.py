"""The figures ledger of an index: every figure with its quantity group (timeline), built at
ingest and saved as `figures.json`, and the choice of timelines that answer a query.

Grouping uses `figures.group_quantities` with the index's embedder on the quantity phrases, so
"153 erkende Huizen van het Kind" (2018) and "127 HvhK" (2016) share one timeline.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from ..models import Figure, Passage
from ..textutil import fold


@dataclass
class LedgerEntry:
    """A figure in the ledger: its timeline (group), and its status in that timeline."""

    figure: Figure
    group: int
    status: str  # "latest" | "superseded" | "conflict"

    def to_dict(self) -> dict:
        return {**figure_dict(self.figure), "group": self.group, "status": self.status}


def figure_dict(f: Figure) -> dict:
    """The JSON form of a figure (the contract of `pq figures --json`)."""
    return {k: getattr(f, k) for k in ("value", "number_value", "unit", "quantity", "date", "date_source",
                                       "doc", "number", "page", "sentence", "scope", "minister", "doc_date")}


def build(figures: list[Figure], embed: Callable[[list[str]], object] | None) -> list[LedgerEntry]:
    """Group the figures into timelines and mark latest / superseded / conflict."""
    from .timelines import annotate_timeline, group_quantities

    if not figures:
        return []
    groups = group_quantities(figures, embed=embed)
    notes = annotate_timeline(figures, groups)
    return [LedgerEntry(figure=n["figure"], group=n["group"], status=n["status"]) for n in notes]


def save(entries: Sequence[LedgerEntry], path: Path) -> None:
    from ..store import atomic_write

    atomic_write(path, json.dumps([{**e.figure.to_dict(), "_group": e.group, "_status": e.status} for e in entries],
                                  ensure_ascii=False))


def load(path: Path) -> list[LedgerEntry]:
    if not path.exists():
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for r in rows:
        group, status = r.pop("_group"), r.pop("_status")
        out.append(LedgerEntry(figure=Figure(**r), group=group, status=status))
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

    if vectors is None or not len(entries):
        return []
    qwords = _words(query)
    lex = np.array([len(qwords & _words(description(e))) / max(1, len(qwords)) for e in entries])
    score = vectors @ qvec + 0.05 * lex
    best = float(score.max())
    return sorted({entries[i].group for i in np.where(score >= best - margin)[0]})


def _words(text: str) -> set[str]:
    from ..lexical import tokenize

    return set(tokenize(text))


def choose_groups(query: str, passages: list[Passage], entries: Sequence[LedgerEntry],
                  max_groups: int = 3) -> list[int]:
    """The timelines that answer `query`: groups whose figures sit in the best passages, weighted
    by how much of the quantity phrase the query names ("aantal erkende Huizen van het Kind")."""
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
    return [g for g in ranked[:max_groups] if score[g] >= 0.5 * best]


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
    """Reference date order (year-only dates at the end of their year), then source date."""
    f = e.figure
    if re.fullmatch(r"\d{4}", f.date or ""):
        # a year stated or implied by the answer sorts at the answer's date, else at the year's end
        full = f.doc_date if f.doc_date.startswith(f.date) else f.date + "-12-31"
    else:
        full = f.date or ""
    return (full, f.doc_date, fold(f.doc))
