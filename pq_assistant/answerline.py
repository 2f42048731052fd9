"""The answer line above the passages: for a question that asks for a figure, the figure of the
timeline it asks about — the latest one, or the one of the time the question names — with its
source and what it replaces. Extractive: a figure of the ledger, never a computed one; no line
when no timeline matches with confidence."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Sequence

from .models import Figure, Passage
from .querytime import QueryTime
from .ranking import NO_ANSWER_BELOW
from .textutil import fold

# Questions that ask for a figure (Dutch and English).
_FIGURE_QUESTION = re.compile(
    r"\b(hoeveel|aantal|hoe (?:hoog|groot|veel)|welk(?:e)? (?:percentage|aandeel|bedrag|budget|cijfer)|"
    r"budget|bedrag|bedraagt|percentage|aandeel|dekkingsgraad|graad|index|cijfers?|"
    r"how (?:many|much)|number of|what (?:is|was|are|were) the (?:number|share|budget|amount|rate|percentage))\b")
# Words that say nothing about what is counted: overlap on them is no evidence of the quantity.
_GENERIC = {"aantal", "hoeveel", "zijn", "er", "de", "het", "een", "van", "in", "op", "nu", "vandaag", "momenteel",
            "laatst", "laatste", "recentst", "recentste", "huidig", "huidige", "bedrag", "cijfer", "cijfers", "totaal",
            "vlaanderen", "how", "many", "much", "the", "are", "there", "number", "of", "today", "latest", "now",
            # measures, not what is measured: "budget loketten" + "miljoen euro" is named by "budget … loketten"
            "euro", "eur", "miljoen", "miljard", "duizend", "procent", "percent"}


_COUNT = re.compile(r"\b(hoeveel|how many|aantal|number of)\b")
_MONEY_WORDS = re.compile(r"\b(budget\w*|euro|bedrag\w*|kost\w*|middelen|subsidie\w*|how much|money|funding|geld)\b")
_SHARE_WORDS = re.compile(r"\b(procent|percent\w*|aandeel|share|graad|rate|index|%)")
_MONEY_UNIT = re.compile(r"\beuro\b|€")


def _unit_fits(query: str, unit: str) -> bool:
    """A count question ("hoeveel …", "how many …") is not answered by an amount of money or a
    percentage unless it asks for one."""
    q = fold(query)
    if not _COUNT.search(q):
        return True
    if _MONEY_UNIT.search(fold(unit)) and not _MONEY_WORDS.search(q):
        return False
    if unit.strip() == "%" and not _SHARE_WORDS.search(q):
        return False
    return True


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
    """measurement / target / forecast (targets and forecasts never answer "how many now")."""
    try:
        from .figures.timelines import figure_kind
    except ImportError:
        return getattr(f, "kind", "") or "measurement"
    return figure_kind(f)


def _words(text: str) -> set[str]:
    from .lexical import tokenize

    return {w for w in tokenize(text) if w not in _GENERIC and not w.isdigit()}


def shared(qwords: set[str], pwords: set[str]) -> int:
    """How many of `pwords` the question names: the same stem, or one part of a Dutch compound —
    a compound ends in its head and starts with its modifier ("kinderopvangplaatsen" names both
    "plaatsen" and "kinderopvang"). Parts shorter than 5 letters must match whole."""
    n = 0
    for p in pwords:
        if p in qwords or (len(p) >= 5 and any(len(q) > len(p) and (q.endswith(p) or q.startswith(p)) for q in qwords)) \
                or any(len(q) >= 5 and len(p) > len(q) and (p.endswith(q) or p.startswith(q)) for q in qwords):
            n += 1
    return n


# Scopes that stand for the whole series in Flemish answers: a table's total row, the region.
_WHOLE_SCOPE = re.compile(r"^(totaal|total|vlaanderen|vlaams gewest|vlaanderen en brussel|in totaal)\b")


_SOFT_DATES = {"relative", "document-date", "answer-date"}


def _firm(pick, series, key):
    """`pick`, or — when its date is only relative or its document's — the newest entry of
    `series` with the same value and a firm date (see choose)."""
    if getattr(pick.figure, "date_source", "") not in _SOFT_DATES:
        return pick
    firm = [e for e in series if e.figure.value == pick.figure.value and e.figure.date
            and getattr(e.figure, "date_source", "") not in _SOFT_DATES]
    return max(firm, key=key) if firm else pick


def _specificity(d: str) -> int:
    return 3 if re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) else 2 if re.fullmatch(r"\d{4}-\d{2}", d) else 1


def choose(query: str, qt: QueryTime, passages, entries: Sequence, groups: list[int], sort_key, cite,
           semantic: Sequence[int] = (), named_by: str | None = None) -> AnswerLine | None:
    """The answer line for `query`, from the ledger `entries` of the candidate timelines `groups`
    (best first; `semantic` are those whose description is nearest to the question's embedding).
    `named_by` is the text whose words name the quantity (the question with the official terms
    of the thesaurus, so "Houses of the Child" names "Huizen van het Kind"); the question itself
    decides whether it asks for a figure and which unit fits. `cite(doc_id, page)` gives a
    source's citation. None without a confident match."""
    if not is_figure_question(query) or not groups:
        return None
    qwords = _words(named_by or query)
    chunk_rank = {p.chunk_id: i for i, p in enumerate(passages[:5])}
    candidates = []
    for order, g in enumerate(groups):
        members = [e for e in entries if e.group == g and _kind(e.figure) == "measurement" and e.figure.date
                   and _unit_fits(query, e.figure.unit)]
        if not members:
            continue
        # Confidence: the quantity is named in the question (a content word shared — or, across
        # languages, the nearest description by embedding), and the timeline holds a figure of one
        # of the shown passages: the line must be about what was asked.
        phrases = {f"{e.figure.quantity} {e.figure.unit}" for e in members}
        overlap = max(shared(qwords, _words(ph)) / max(1, len(_words(ph))) for ph in phrases)
        named = max(shared(qwords, _words(ph)) for ph in phrases)
        shown = [chunk_rank[e.figure.chunk_id] for e in members if e.figure.chunk_id in chunk_rank]
        if not shown or (overlap == 0 and g not in semantic):
            continue
        # The whole series answers "how many": no scope, a total row or the region; a scope the
        # question names answers a question about it.
        scoped = [e for e in members if e.figure.scope and _words(e.figure.scope) and _words(e.figure.scope) <= qwords]
        whole = [e for e in members if not e.figure.scope or _WHOLE_SCOPE.match(fold(e.figure.scope))]
        series = scoped or whole
        if not series:
            continue
        if qt.named:
            series = [e for e in series if _day_range(e.figure.date)[0] <= qt.end and _day_range(e.figure.date)[1] >= qt.start]
            if not series:
                continue
        # A timeline may hold several wordings; keep the figures whose own wording the question
        # names best ("erkende Huizen van het Kind" over "… intergemeentelijk georganiseerd").
        fit = {id(e): shared(qwords, _words(f"{e.figure.quantity} {e.figure.unit}")) /
               max(1, len(_words(f"{e.figure.quantity} {e.figure.unit}"))) for e in series}
        score = overlap + 0.5 / (1 + min(shown)) + (0.2 if g in semantic else 0.0) - 0.05 * order
        candidates.append((score, order, series, fit, min(shown), overlap, named))
    if not candidates:
        return None
    best = max(candidates, key=lambda c: (c[0], -c[1]))
    if not qt.named:
        # Timelines that the question names completely, each with two words or more ("budget lokale
        # loketten kinderopvang" and "budget loketten"), are one quantity worded twice as far as the
        # question can tell: for "the latest", the one with the newest figure answers.
        # When the newest figures agree, the better-named timeline stays (its source and date).
        full = [c for c in candidates if c[5] >= 0.999 and c[6] >= 2]
        if best in full and len(full) > 1:
            newest = max(full, key=lambda c: (max(sort_key(e) for e in c[2]), c[0]))
            if max(newest[2], key=sort_key).figure.value != max(best[2], key=sort_key).figure.value:
                best = newest
    _, _, series, fit, held_at, _, _ = best
    # At one reference date, the figure whose own wording the question names best wins
    # ("erkende Huizen van het Kind" over "… intergemeentelijk georganiseerd" of the same day).
    key = lambda e: (sort_key(e)[0], fit[id(e)], sort_key(e)[1:])  # noqa: E731
    if qt.named:
        # the most precise date of that time (a day before a month before a year), newest source
        pick = max(series, key=lambda e: (_specificity(e.figure.date), key(e)))
        mode = "named"
    else:
        pick, mode = max(series, key=key), "latest"
        # The same value with a firm reference date (written out, a table's column, a survey's year)
        # is quoted over a later repeat dated only by "nu"/"vandaag" or its document's date: the
        # press release that says "er zijn er nu nog 104" confirms the answer of 1 January, and the
        # advisor cites the answer and its date.
        pick = _firm(pick, series, key)
    f = pick.figure
    replaces = None
    if mode == "latest":
        older = [e for e in series if sort_key(e) < sort_key(pick) and e.figure.value != f.value
                 and e.figure.date != f.date and (e.figure.scope or "") == (f.scope or "")]
        if older:
            o = _firm(max(older, key=sort_key), older, sort_key).figure
            replaces = {"value": o.value, "unit": o.unit, "date": o.date, "source": cite(o.doc_id, o.page)}
    wording = _words(f"{f.quantity} {f.unit}")
    return AnswerLine(value=f.value, unit=f.unit, quantity=f.quantity, date=f.date, scope=f.scope,
                      source=cite(f.doc_id, f.page), chunk_id=f.chunk_id, doc_id=f.doc_id, page=f.page, mode=mode,
                      replaces=replaces,
                      extra={"named": shared(qwords, wording), "wording": len(wording), "held_at": held_at,
                             "group": pick.group})


_MONTHS_EN = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
              "november", "december"}


def unexplained(query: str, line: AnswerLine, explained: str = "") -> set[str]:
    """The question's content words that neither the line's wording nor the thesaurus' mapped
    parts (`explained`) account for; month names are the question's time, not its quantity."""
    from .textutil import DUTCH_MONTHS

    months = _words(" ".join(_MONTHS_EN) + " " + " ".join(DUTCH_MONTHS))
    wording = _words(f"{line.quantity} {line.unit} {line.scope}")
    rest = _words(query) - _words(explained) - months
    return {w for w in rest if not shared({w}, wording)}


def confident(line: AnswerLine | None, passages: Sequence[Passage], threshold: float = NO_ANSWER_BELOW,
              query: str = "", explained: str = "") -> bool:
    """May the line be shown? When a passage answers with a calibrated score at or above the
    threshold, yes. Below it — as for a question in another language, whose cosines the small
    multilingual model keeps low and whose words the passages do not share — only when the
    question names the line's quantity itself: at least two content words of its wording and
    half of them (with the thesaurus' official terms), no other content word of the question left
    unaccounted for ("intermunicipal" is not in "erkende Huizen van het Kind"), and passages among
    the first three hold a figure of its timeline. A question about something the corpus does not hold names
    no quantity, so gets no line (benchmarks/now_eval.py counts lines offered for off-topic questions)."""
    if line is None:
        return False
    if any(p.score >= threshold for p in passages):
        return True
    named, size, held_at = line.extra.get("named", 0), line.extra.get("wording", 0), line.extra.get("held_at")
    return (named >= 2 and named * 2 >= size and held_at is not None and held_at < 3
            and not unexplained(query, line, explained))


def format_line(a: AnswerLine) -> str:
    """'Laatste cijfer: 109 erkende Huizen van het Kind op 1 januari 2025 — <bron> (vervangt 96 op …)'."""
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


# -- the Cijfers of an answer --------------------------------------------------------------------
def known_quantities(query: str, groups: list[int], entries, passages: list[Passage]) -> set[int]:
    """The timelines of `groups` that are about what `query` names: a content word of the
    question in the timeline's wording, or, when the question shares no word with any (another
    language), the nearest ones if a passage answers the question with confidence. An unknown
    quantity gets none, and `pq figures` says so instead of listing unrelated figures."""
    qwords = _words(query)
    phrases: dict[int, set[str]] = {}
    for e in entries:
        if e.group in groups:
            phrases.setdefault(e.group, set()).update(_words(f"{e.figure.quantity} {e.figure.unit}"))
    named = {g for g in groups if shared(qwords, phrases.get(g, set()))}
    if named:
        return named
    if any(p.score >= NO_ANSWER_BELOW for p in passages) and not any(shared(qwords, ph) for ph in phrases.values()):
        return set(groups[:3])
    return set()


def relevant_figures(query: str, passages: list[Passage], groups: list[int], by_figure: dict, line, entries) -> list[Figure]:
    """The Cijfers of an answer: the figures of the question's quantity (its timelines, best
    first) that the shown passages hold, plus the answer line's figure (found among `entries`,
    the ledger entries of the passages' and the line's chunks); without a matching
    timeline, the passages' figures whose quantity shares a word with the question. Sorted by
    relevance (timeline rank, then passage rank), then newest reference date first."""
    figs = figures_of(passages)
    if line is not None:
        extra = next((e.figure for e in entries if e.figure.chunk_id == line.chunk_id and e.figure.value == line.value
                      and e.figure.date == line.date), None)
        if extra is not None and all(f is not extra for f in figs):
            figs.append(extra)
    rank_of_chunk = {p.chunk_id: i for i, p in enumerate(passages)}
    group_rank = {g: i for i, g in enumerate(groups)}
    if groups and any(by_figure.get(id(f)) and by_figure[id(f)].group in group_rank for f in figs):
        keep = [f for f in figs if by_figure.get(id(f)) and by_figure[id(f)].group in group_rank]
        rel = lambda f: group_rank[by_figure[id(f)].group]  # noqa: E731
    else:
        qwords = _words(query)
        keep = [f for f in figs if qwords & _words(f"{f.quantity} {f.unit}")]
        rel = lambda f: rank_of_chunk.get(f.chunk_id, len(passages))  # noqa: E731
    # newest first within equal relevance: sort by date descending, then stably by relevance
    keep.sort(key=lambda f: _date_key(f), reverse=True)
    keep.sort(key=rel)
    return keep


def replaced_by(figs: list[Figure], by_figure: dict) -> dict[int, dict]:
    """For each superseded figure: what replaced it and where (the ledger's `replaced_by`)."""
    out: dict[int, dict] = {}
    for f in figs:
        e = by_figure.get(id(f))
        if e is not None and e.status == "superseded" and getattr(e, "replaced_by", None):
            out[id(f)] = e.replaced_by
    return out


def _date_key(f: Figure) -> tuple:
    """A year-only date sorts with its year (at its end), not before every dated day of it."""
    d = f.date or ""
    if len(d) == 4:
        d += "-12-31"
    elif len(d) == 7:
        d += "-31"
    return (d, f.doc_date or "")


def figures_of(passages: list[Passage]) -> list[Figure]:
    """The figures of the passages, newest reference date first, each once."""
    seen, out = set(), []
    for p in passages:
        for f in p.figures:
            key = (f.chunk_id, f.value, f.sentence)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return sorted(out, key=lambda f: (f.date or "", f.doc_date or ""), reverse=True)


