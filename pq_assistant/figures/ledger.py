"""The figures ledger of an index: every figure with its quantity group (timeline), built at
ingest and kept in the catalog (`storage.ledgerdb`), and the choice of timelines that answer a query.

Grouping uses `figures.group_quantities` with the index's embedder on the quantity phrases, so
"153 erkende Huizen van het Kind" (2018) and "127 HvhK" (2016) share one timeline.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Sequence

from ..models import Figure, Passage
from ..textutil import fold
from .lexicon import _lazy


# The version of the rules that group figures into timelines and name their status (grouping,
# quantity keys, timelines). A ledger saved by older rules is rebuilt by the next ingest
# (storage.writer.Writer.refresh): 2 = two kinds of one thing never share a timeline, and
# "lokaal"/"lokale" (and "uur"/"uren") are one key word.
LEDGER_VERSION = 2


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
    from .grouping import group_quantities
    from .timelines import annotate_timeline

    if not figures:
        return []
    groups = group_quantities(figures, embed=embed)
    notes = annotate_timeline(figures, groups, lists=False)  # (an entry keeps no lists)
    return _entries(figures, notes)


def _entries(figures: list[Figure], notes: list[dict]) -> list[LedgerEntry]:
    """Ledger entries of `timelines.annotate_timeline`'s notes (indices become pointers)."""
    return [LedgerEntry(figure=n["figure"], group=n["group"], status=n["status"],
                        replaced_by=pointer(figures[n["replaced_by"]]) if n["replaced_by"] is not None else None,
                        confirms=pointer(figures[n["confirms"]]) if n["confirms"] is not None else None)
            for n in notes]


def annotate_series(figures: list[Figure], group: int) -> list[LedgerEntry]:
    """The entries of figures that are all of one series (scope, kind) of one timeline
    (`group`), marked as `build` marks them: statuses are a function of each series alone, so a
    change to some series of a timeline is annotated again with those series' figures only
    (storage.ledgerdb)."""
    from .timelines import _annotate_series, series_key

    if not figures:
        return []
    notes = _annotate_series(figures, list(range(len(figures))), group, series_key(figures[0]), lists=False)
    return _entries(figures, notes)


def annotate_older_date(figures: list[Figure], group: int, replaced_by: dict) -> list[LedgerEntry]:
    """The entries of the figures of one series at one reference date older than its current
    value's (in the catalog's order), as `annotate_series` marks them: conflict when another
    source gives another value for that date, else superseded — both replaced by `replaced_by`
    (the series' current figure, which a change at this date does not move)."""
    from .timelines import CONFLICT, SUPERSEDED, _Bucket, sort_key

    idx = sorted(range(len(figures)), key=lambda i: sort_key(figures[i]))
    idx.sort(key=lambda i: sort_key(figures[i])[1:])  # (as _annotate_series orders a date's bucket)
    conflict = _Bucket(figures, idx).in_conflict()
    return [LedgerEntry(figure=figures[i], group=group, status=CONFLICT if conflict[i] else SUPERSEDED,
                        replaced_by=replaced_by) for i in idx]


def description(e: LedgerEntry) -> str:
    """What a figure counts, as embedded for semantic look-up: the phrase the grouping embeds too
    (`figures.group_quantities`), so each distinct phrase is embedded once per ledger build."""
    return e.figure.quantity or e.figure.unit


def semantic_groups(qvec, phrases, groups_of: Callable[[list[int]], list[int]], query: str,
                    margin: float = 0.01) -> list[int]:
    """Timelines of the figure descriptions (nearly) the closest to the query.

    `phrases` is (ids, texts, vectors) of the ledger's distinct description phrases (the
    storage's `phrases()`), `groups_of(ids)` the timelines of the figures with those phrases.
    e5 similarities sit in a narrow band, so only phrases within `margin` of the best one count;
    a little lexical overlap with the query breaks ties between near-identical descriptions (it
    can add at most LEX_WEIGHT, so only phrases that close to the best are tokenized)."""
    import numpy as np

    if phrases is None:
        return []
    ids, texts, vectors = phrases
    if not len(texts) or vectors.ndim != 2 or vectors.shape[1] != len(qvec):
        return []
    dense = vectors @ np.asarray(qvec, dtype=np.float32)
    near = np.nonzero(dense >= float(dense.max()) - margin - LEX_WEIGHT)[0]
    qwords = _words(query)
    score = {int(i): float(dense[i]) + LEX_WEIGHT * len(qwords & _words(texts[i])) / max(1, len(qwords)) for i in near}
    best = max(score.values())
    return sorted(groups_of([int(ids[i]) for i, s in score.items() if s >= best - margin]))


LEX_WEIGHT = 0.05


def key_of(f: Figure) -> tuple[str, str]:
    """(quantity key, family) of a figure: what `named_groups` compares a question with."""
    from .timelines import figure_family, quantity_key

    return quantity_key(f.quantity or f.unit), figure_family(f)


def timeline_keys(entries: Sequence[LedgerEntry]) -> list[tuple[str, str, int]]:
    """(quantity key, family, timeline) of the entries, each once, in their order (the storage
    keeps the same rows for the whole ledger)."""
    out: dict[tuple[str, str, int], None] = {}
    memo: dict[tuple[str, str], tuple[str, str]] = {}
    for e in entries:
        k = (e.figure.quantity, e.figure.unit)
        if k not in memo:
            memo[k] = key_of(e.figure)
        out.setdefault((*memo[k], e.group), None)
    return list(out)


def named_groups(query: str, keys: Sequence[tuple[str, str, int]]) -> list[int]:
    """Timelines the query names word for word: every word of the group's quantity key is in
    the query's key, and the key holds the query's counted noun (its first content word):
    "aantal locaties consultatiebureaus" names the timeline "203 locaties" (Antwerpen) even when
    no passage or near embedding found it. `keys` are the ledger's (quantity key, family,
    timeline) rows (`timeline_keys`, or the storage's): one set test a key, no figure read."""
    from .timelines import _markers, quantity_key

    qkey = quantity_key(query)
    qwords = set(qkey.split())
    if not qwords:
        return []
    qmarks = _markers(qkey)
    # the counted noun: the first word with a key that is not a marker ("extra middelen ..." -> budget)
    head = _head_of(query, qmarks)
    family = _query_family(query)
    out: list[int] = []
    seen: dict[tuple[str, str], bool] = {}
    for k, fam, group in keys:
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
        if seen[(k, fam)] and group not in out:
            out.append(group)
    return out


def _query_head(query: str) -> str:
    """The counted noun of a query about a quantity: the key of its first content word that is no
    marker ("aantal locaties consultatiebureaus" -> "locatie"; "extra middelen ..." -> "budget")."""
    from .timelines import _markers, quantity_key

    return _head_of(query, _markers(quantity_key(query)))


def _head_of(query: str, qmarks) -> str:
    """The key of the query's first content word that is no marker and no adjective or
    participle before its noun ("aantal bereikte gezinnen" -> "gezin", not "bereikt"); without
    such a word the first that is no marker, else the first."""
    from .phrases import _is_adjective, _is_predicate_word
    from .timelines import quantity_key

    words = [(w, quantity_key(w)) for w in query.split()]
    content = [(w, k) for w, k in words if k and k not in qmarks]
    return next((k for w, k in content if not (_is_adjective(w) or _is_predicate_word(w))),
                next((k for _w, k in content), next((k for _w, k in words if k), "")))


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


_SHARE_WORDS = _lazy(r"\b(?:aandeel|percentage|procent|graad|\w+graad|index|bereik|verhouding|verdeelsleutel)\b")
_MONEY_WORDS = _lazy(r"\b(?:budget|middelen|werkingsmiddelen|bedrag|\w+bedrag|euro|subsidie\w*|kost\w*|uitgaven)\b")


def _query_family(query: str) -> str:
    """What a question about a quantity asks for: a share, an amount of money or a count."""
    q = query.lower()
    if _SHARE_WORDS.search(q):
        return "share"
    if _MONEY_WORDS.search(q):
        return "money"
    return "count"


def _stated_family(query: str) -> str:
    """The family a question names in so many words ("aandeel", "percentage", "budget", "euro",
    "aantal"), or "" when it names none ("kleuterparticipatie driejarigen" may be a count or a
    rate; `_query_family` takes that for a count)."""
    family = _query_family(query)
    return family if family != "count" or re.search(r"\b(?:aantal|hoeveel)\b", query, re.I) else ""


def fits_question(query: str, entries: Sequence[LedgerEntry]) -> set[int]:
    """The timelines of `entries` that can answer `query` as asked. A timeline found through a
    passage or a near description can be a neighbour of the asked quantity, not the quantity:
    - the family the question names: a question about a share lists no counts, one about "het
      aantal" no amounts; but the change of the asked quantity in percent ("een daling met 10
      %") answers a count or money question, and a share of a budget ("40 % van dat budget") a
      question about the budget;
    - a sum per unit ("bedrag per Huis van het Kind") only for a money question per unit, and the
      other way round (the total budget is not what one house gets). "per thema" in a share or
      count question is a breakdown, not a unit."""
    from .timelines import _markers, figure_family, quantity_key

    family = _stated_family(query)
    per = "per" in _markers(quantity_key(query))
    out: set[int] = set()
    for e in entries:
        if e.group in out:
            continue
        fam = figure_family(e.figure)
        key = quantity_key(e.figure.quantity or e.figure.unit)
        marks = _markers(key)
        if family and fam != family and not (
                fam == "share" and ("verandering" in marks or (family == "money" and "budget" in key.split()))):
            continue
        if family == "money" == fam and per != ("per" in marks):
            continue
        out.add(e.group)
    return out


def _qualifiers(query: str) -> list[str]:
    """The words of a question that say which kind of its counted thing it asks about: its
    adjectives and participles ("gemeentelijke", "bevraagde", "kwetsbare"), as key stems."""
    from .lexicon import _PLACE_ADJECTIVES
    from .phrases import _is_adjective, _is_predicate_word
    from .timelines import quantity_key

    out = []
    toks = re.findall(r"[\w'-]+", query)
    for i, w in enumerate(toks):
        k = quantity_key(w)
        if not k or " " in k or k in ("verandering", "totaal", "deel", "per"):
            continue
        # an -e word qualifies only before a noun ("kwetsbare gezinnen"; not "… kinderarmoede");
        # a place ("Vlaamse gemeenten") is a figure's scope, not always in its wording
        attributive = _is_adjective(w) and i + 1 < len(toks) and quantity_key(toks[i + 1]) != "" \
            and w.lower() not in _PLACE_ADJECTIVES
        if attributive or _is_predicate_word(w):
            out.append(k)
    return out


def _names_word(stem: str, words: frozenset[str]) -> bool:
    """A key stem in a phrase's words: the same word, or one of its forms (a shared beginning
    of all but the stem's last two letters, at least six: "kwetsbar" names "kwetsbaarheid";
    "gemeentelijk" does not name "intergemeentelijk" nor "gemeenten")."""
    need = max(6, len(stem) - 2)
    return any(w == stem or (len(stem) >= 6 and w[:need] == stem[:need]) for w in words)


def narrowest(query: str, entries: Sequence[LedgerEntry]) -> set[int]:
    """The timelines of `entries` of the kind the question names, when some are: with a
    qualifier ("aantal gemeentelijke Huizen van het Kind") only the timelines that hold it, not
    the total of all houses nor the intergemeentelijke ones; for a count, only the timelines
    that count the question's noun when some do (not the municipalities of "aantal
    gemeentelijke Huizen van het Kind"). A question whose qualifier no timeline holds keeps all."""
    from .timelines import figure_family, quantity_key

    groups: dict[int, list[LedgerEntry]] = {}
    for e in entries:
        groups.setdefault(e.group, []).append(e)
    words = {g: frozenset(quantity_key(" ".join(f"{e.figure.quantity} {e.figure.unit}" for e in es)).split())
             | _words(" ".join(fold(e.figure.quantity) for e in es)) for g, es in groups.items()}
    keep = set(groups)
    quals = _qualifiers(query)
    if quals:
        holding = {g for g in keep if all(_names_word(q, words[g]) for q in quals)}
        keep = holding or keep
    if _stated_family(query) in ("count", ""):
        from .grouping import _same_counted
        from .holders import _ADDS_TO_RE

        head = _query_head(query)
        counts = {g for g in keep if figure_family(groups[g][0].figure) == "count"}
        units = {g: quantity_key(groups[g][0].figure.unit) for g in counts}
        counting = {g for g in counts if _same_counted(units[g], head) or head in units[g].split()}
        if counting:
            # a count added in the next sentence to one of the question's noun is counted with it
            # ("18.640 groepsactiviteiten … Daarnaast vonden er 52.300 individuele contacten plaats");
            # not any figure of the same passage or sentence ("117 Huizen van het Kind, die 300
            # gemeenten bestrijken" does not make the houses a count of municipalities)
            beside = {e.figure.chunk_id for g in counting for e in groups[g] if e.figure.chunk_id}
            siblings = {g for g in counts - counting
                        if any(e.figure.chunk_id in beside and _ADDS_TO_RE.match(e.figure.sentence) for e in groups[g])}
            keep = (keep - counts) | counting | siblings
    return keep



@lru_cache(maxsize=1 << 17)
def _words(text: str) -> frozenset[str]:
    """The tokens of a phrase (memoised: the same quantity phrases come back query after query)."""
    from ..lexical import tokenize

    return frozenset(tokenize(text))


def choose_groups(query: str, passages: list[Passage], entries: Sequence[LedgerEntry],
                  max_groups: int = 3, keep_share: float = 0.5, once_a_passage: bool = False) -> list[int]:
    """The timelines that answer `query`: groups whose figures sit in the best passages, weighted
    by how much of the quantity phrase the query names ("aantal erkende Huizen van het Kind");
    those scoring at least `keep_share` of the best one's. Each figure adds to its timeline's score,
    so a passage full of one timeline's figures (a budget table) is about that timeline: what the
    answer line and a briefing want. With `once_a_passage` (`pq figures`: every timeline the
    question names) a timeline scores once a passage, by its best figure there, so such a table in
    a lower passage does not crowd out the other timeline of the best passage ("18.640
    groepsactiviteiten ... Daarnaast vonden er 52.300 individuele contacten plaats")."""
    qwords = _words(query)
    by_chunk: dict[str, list[LedgerEntry]] = {}
    for e in entries:
        by_chunk.setdefault(e.figure.chunk_id, []).append(e)
    score: dict[int, float] = {}
    for rank, p in enumerate(passages, 1):
        here: dict[int, float] = {}
        for e in by_chunk.get(p.chunk_id, []):
            phrase = _words(f"{e.figure.quantity} {e.figure.unit}")
            overlap = len(qwords & phrase) / max(1, len(phrase))
            sc = (0.2 + overlap) / rank
            here[e.group] = max(here.get(e.group, 0.0), sc) if once_a_passage else here.get(e.group, 0.0) + sc
        for g, sc in here.items():
            score[g] = score.get(g, 0.0) + sc
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
