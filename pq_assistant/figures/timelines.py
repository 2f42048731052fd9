"""Quantity keys, grouping into timelines, ordering and status (the one place for both)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from ..models import Figure
from ..textutil import fold
from .lexicon import _MARKERS, _expand_abbreviations, _pad, _to_number


# ---------------------------------------------------------------------------------------------
# Quantities and timelines

_KEY_STOP = set("""
de het een der den van voor in op aan met en of die dat wie te bij naar uit over tot door onder
aantal erkend erkende erkenning er zijn is was waren werd werden wordt worden heeft hebben
alle elk elke ieder iedere hun zijn haar samen minstens ongeveer circa nog ook al
""".split())
_IRREGULAR = {"huizen": "huis", "kinderen": "kind", "steden": "stad", "uren": "uur", "dagen": "dag",
              "jaren": "jaar", "schepen": "schip", "lokale": "lokaal", "loketten": "loket", "centra": "centrum",
              "gezinnen": "gezin", "zwangeren": "zwanger", "vrouwen": "vrouw", "besturen": "bestuur"}


def _stem(word: str) -> str:
    """A crude Dutch stem that maps singular and plural to one form ('Huizen'/'Huis' -> 'huis')."""
    w = word.lower()
    for plural, singular in _IRREGULAR.items():
        if w.endswith(plural):
            return w[: -len(plural)] + singular
    if w.endswith("huis"):
        return w
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    elif w.endswith("en") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and len(w) > 3 and (w[-2] in "aeiouy" or (w[-2] in "lmnr" and w[-3] in "aeiou")):
        w = w[:-1]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    w = re.sub(r"([aeou])\1(?=[^aeiou]*$)", r"\1", w)
    if w.endswith("z"):
        w = w[:-1] + "s"
    elif w.endswith("v"):
        w = w[:-1] + "f"
    return w


def quantity_key(text: str) -> str:
    """Normalised quantity phrase: lower-case, accents folded, abbreviations expanded ("HvhK"
    -> "Huizen van het Kind"), singular/plural unified ("Huizen"/"Huis" -> "huis"), stop words
    (articles, prepositions, "aantal", "erkende", ...) dropped, the remaining stems sorted and
    deduplicated (word order does not matter: "erkende Huizen van het Kind" and "HvhK erkend"
    share "huis kind"). Marker words (verwacht, bevraagd, extra, per, gemiddeld, deel, totaal,
    verandering) are kept, so a forecast never shares a key with an actual count."""
    t = fold(_expand_abbreviations(text))
    toks = re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", t)
    out = []
    for tok in toks:
        if tok in _KEY_STOP or tok.isdigit():
            continue
        if tok in _MARKERS:
            out.append(_MARKERS[tok])
            continue
        out.append(_stem(tok))
    return " ".join(sorted(set(out)))


def _family(f: Figure) -> str:
    """'share' (percentages and ratios), 'money' or 'count': groups never mix families."""
    u = f.unit.lower()
    if u in ("%", "verhouding"):
        return "share"
    if "euro" in u:
        return "money"
    return "count"


def _markers(key: str) -> frozenset[str]:
    return frozenset(w for w in key.split() if w in set(_MARKERS.values()))


def group_quantities(figures: Sequence[Figure], embed: Callable[[list[str]], Any] | None = None,
                     threshold: float = 0.97) -> list[list[int]]:
    """Indices of `figures` grouped by what they count (one group = one timeline).

    Figures are first grouped by (family, `quantity_key`): share/money/count never mix. With
    `embed` (texts -> L2-normalised vectors, e.g. `E5().query`), two key groups of the same family,
    the same marker words (verwacht/bevraagd/extra/per/deel/...) and the same unit merge when the
    cosine of their quantity phrases is at least `threshold`. Groups are ordered by their first
    figure; indices inside a group are ascending.

    The threshold is high on purpose: e5 vectors of short Dutch phrases from one domain all lie
    close together (on the dev set the most similar *different* quantities, "intergemeentelijke"
    vs "gemeentelijke samenwerkingsverbanden", score 0.98, above most pairs of equal ones), so a
    lower threshold merges timelines that must stay apart. See benchmarks/figures_eval.py --embed.
    """
    keys: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(figures):
        k = (_family(f), quantity_key(f.quantity or f.unit))
        keys.setdefault(k, []).append(i)
    items = list(keys.items())
    parent = list(range(len(items)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    if embed is not None and len(items) > 1:
        import numpy as np

        phrases = [figures[idx[0]].quantity or figures[idx[0]].unit or k[1] for k, idx in items]
        vecs = np.asarray(embed(phrases), dtype=float)
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        sims = vecs @ vecs.T
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                (fa, ka), (fb, kb) = items[a][0], items[b][0]
                if fa != fb or _markers(ka) != _markers(kb) or sims[a, b] < threshold:
                    continue
                ua, ub = figures[items[a][1][0]].unit, figures[items[b][1][0]].unit
                if fa == "count" and quantity_key(ua) != quantity_key(ub):
                    continue
                parent[find(b)] = find(a)
    merged: dict[int, list[int]] = {}
    for n, (_, idx) in enumerate(items):
        merged.setdefault(find(n), []).extend(idx)
    return sorted((sorted(g) for g in merged.values()), key=lambda g: g[0])


def _sort_date(f: Figure) -> str:
    """A year-only date sorts at the answer date when the figure is dated by its answer, else at
    the end of the year."""
    if len(f.date) == 4 and f.doc_date.startswith(f.date):
        return f.doc_date
    return _pad(f.date, end=True) if f.date else ""


def timeline(figures: Iterable[Figure]) -> list[Figure]:
    """Figures oldest reference date first (undated last; a year-only date stands at its answer
    date when the answer is from that year, else at the year's end); ties by document date,
    document and position."""
    figs = list(figures)
    return sorted(figs, key=lambda f: (f.date == "", _sort_date(f), f.doc_date, f.doc, f.start))


def _agree(a: Figure, b: Figure) -> bool:
    """Same number, allowing the rounding of the less precise one ('6,8 miljoen' ~ '6.812.300');
    a percentage and a ratio agree within 5 points ('17 %' ~ '1 op 5')."""
    if a.number_value is None or b.number_value is None:
        return a.value == b.value
    if {a.unit, b.unit} == {"%", "verhouding"}:
        pct, ratio = (a, b) if a.unit == "%" else (b, a)
        return abs(pct.number_value / 100 - ratio.number_value) <= 0.05  # type: ignore[operator]
    if a.number_value == b.number_value:
        return True

    def step(f: Figure) -> float:
        dec = f.value.split(",")[1] if "," in f.value else ""
        scale = f.number_value / _to_number(f.value) if _to_number(f.value) else 1.0  # type: ignore[operator]
        return (10 ** -len(re.sub(r"\D", "", dec))) * abs(scale or 1.0)

    coarse = max(step(a), step(b))
    return abs(a.number_value - b.number_value) <= coarse / 2 + 1e-9


def annotate_timeline(figures: Sequence[Figure], groups: list[list[int]] | None = None) -> list[dict]:
    """One dict per figure, in timeline order per group: {"index": position in `figures`,
    "figure", "group": index in `groups`, "status", "repeats": [indices], "same_date": [indices]}.

    A timeline is a quantity group (`groups`, default `group_quantities(figures)`) split by scope.
    status: "conflict" when a figure of another document in the same timeline has the same
    reference date and a different value; otherwise "latest" for the newest reference date,
    "superseded" for older ones. Two values for one date within one document are parts or
    variants the phrase did not tell apart (first dose/full series, lowest/highest amount), not a
    contradiction, so they are listed under "same_date" but do not conflict. "repeats" lists the
    indices that state the same value for the same date (a question quoting an earlier answer,
    two answers giving the same budget)."""
    if groups is None:
        groups = group_quantities(figures)
    out: list[dict] = []
    for gid, idx in enumerate(groups):
        by_scope: dict[str, list[int]] = {}
        for i in idx:
            by_scope.setdefault(figures[i].scope.lower(), []).append(i)
        for _scope, members in by_scope.items():
            ordered = sorted(members, key=lambda i: (not figures[i].date, _sort_date(figures[i]), figures[i].doc_date))
            dated = [i for i in ordered if figures[i].date]
            newest = _sort_date(figures[dated[-1]]) if dated else ""
            by_date: dict[str, list[int]] = {}
            for j in members:  # bucketed: comparing every pair of a big timeline grew quadratically
                if figures[j].date:
                    by_date.setdefault(figures[j].date, []).append(j)
            for i in ordered:
                f = figures[i]
                same = [j for j in by_date.get(f.date, []) if j != i] if f.date else []
                conflict = any(not _agree(f, figures[j]) and (figures[j].doc != f.doc or not f.doc) for j in same)
                if conflict:
                    status = "conflict"
                elif f.date and _sort_date(f) == newest:
                    status = "latest"
                else:
                    status = "superseded"
                out.append({"index": i, "figure": f, "group": gid, "status": status,
                            "repeats": [j for j in same if _agree(f, figures[j])],
                            "same_date": [j for j in same if not _agree(f, figures[j])]})
    return out
