"""The ranker: hybrid candidates (dense + BM25), fusion, priors (answer text, recency, the time a
question asks about), question-number lookup, filters and near-duplicate collapsing.

It sees the index only through `IndexView` (a few read methods), so it is tested without a CLI
and does not care how the index is stored."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Protocol

from .querytime import QueryTime, query_time
from .search import (CANDIDATES, QUESTION_PRIOR, RECENCY_PRIOR, Filters, collapse_near_duplicates, doc_numbers,
                     fuse, number_lookup)

# Priors for the time a question asks about (benchmarks/now_eval.py measures them; see RESULTS.md).
# Multiplicative on the fused score, so an old passage that alone answers still shows.
PRESENT_PRIOR = 0.35  # "hoeveel … zijn er nu?": the newest relevant answer first
NAMED_DOC_PRIOR = 0.25  # "in mei 2016": documents written at or soon after that time
NAMED_FIGURE_PRIOR = 0.35  # … and passages that hold a figure of that time
NAMED_HORIZON_DAYS = 3 * 365  # how far after the named time a document still reports on it

# Calibrated confidence that a passage answers the question: a logistic model of the dense cosine
# and the share of the question's words the passage holds — absolute measures, so a score means the
# same across questions. Fitted by benchmarks/calibrate_scores.py on the dev query sets plus
# off-topic questions (3 parameters; see RESULTS.md), not tuned by hand.
CALIBRATION = (-24.96, 25.10, 1.40)  # (bias, weight of the cosine, weight of the word coverage)
NO_ANSWER_BELOW = 0.04  # top passage below this: "geen passage lijkt deze vraag te beantwoorden"


class IndexView(Protocol):
    """What the ranker reads of an index."""

    docs: dict[str, dict]  # doc id -> its metadata (date, number, minister, asker, ...)

    def passing(self, f: Filters) -> list[str]: ...  # ids of the documents that pass the filters

    def dense(self, qvec, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]: ...

    def lexical(self, text: str, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]: ...

    def chunk_count(self) -> int: ...

    def chunks(self, ids: list[str]) -> dict[str, dict]: ...  # id -> {"text", "metadata"}

    def doc_chunk_ids(self, doc_id: str) -> list[str]: ...

    def asked_of(self, chunk_ids: list[str]) -> dict[str, list[str]]: ...  # sub-question -> its answers (lay)


@dataclass
class Ranked:
    """One ranked chunk: id, text, stored metadata, the fused score (relative) and the raw sides."""

    chunk_id: str
    text: str
    metadata: dict
    score: float
    pinned: bool = False
    dense: float | None = None  # cosine similarity with the query (None: not a dense candidate)
    lexical: float = 0.0  # BM25 score relative to the best BM25 score of the question
    time_boost: float = 1.0
    coverage: float = 0.0  # share of the question's words (stems) that the passage holds
    confidence: float = 0.0  # calibrated: how likely the passage answers the question
    extra: dict = field(default_factory=dict)


def coverage(query: str, text: str) -> float:
    """Share of the question's content words (Dutch stems, numbers) found in `text`."""
    from .lexical import tokenize

    q = set(tokenize(query))
    return len(q & set(tokenize(text))) / len(q) if q else 0.0


def confidence(cos: float, cov: float) -> float:
    """The calibrated probability that a passage answers (see CALIBRATION)."""
    import math

    b, wc, wv = CALIBRATION
    z = b + wc * cos + wv * cov
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _days(iso: str) -> int | None:
    try:
        return date.fromisoformat(iso[:10]).toordinal()
    except ValueError:
        return None


def _iso_day(d: str, end: bool = False) -> str:
    """'2016' -> '2016-01-01' (or -12-31), '2016-05' -> '2016-05-01' (or the month's last day)."""
    if len(d) == 4:
        return d + ("-12-31" if end else "-01-01")
    if len(d) == 7:
        import calendar

        y, m = int(d[:4]), int(d[5:7])
        return d + (f"-{calendar.monthrange(y, m)[1]:02d}" if end else "-01")
    return d[:10]


def _ranking_date(d: dict) -> str:
    """A document's date for ranking: its own, else the end of the year it was written in at the
    earliest (pipeline.year_estimate: the latest year it reports on), else ''."""
    if d.get("date"):
        return d["date"]
    return f"{d['year_estimate']}-12-31" if d.get("year_estimate") else ""


def recency_map(docs: dict[str, dict]) -> dict[str, float]:
    """0 for the oldest document, 1 for the newest (by `_ranking_date`; undated: absent)."""
    days = {did: v for did, d in docs.items() if (iso := _ranking_date(d)) and (v := _days(iso)) is not None}
    if not days:
        return {}
    lo, hi = min(days.values()), max(days.values())
    span = (hi - lo) or 1
    return {did: (v - lo) / span for did, v in days.items()}


def named_doc_closeness(doc_date: str, qt: QueryTime) -> float:
    """1 for a document written during the named time or shortly after it, falling to 0 over
    NAMED_HORIZON_DAYS after it; a document written before the time cannot report on it (0)."""
    d, s, e = _days(doc_date or ""), _days(qt.start), _days(qt.end)
    if d is None or s is None or e is None:
        return 0.0
    if d < s:
        return 0.0
    if d <= e + 120:  # answers come some months after the reference date they report
        return 1.0
    return max(0.0, 1.0 - (d - e - 120) / NAMED_HORIZON_DAYS)


def figure_date_in(ref: str, qt: QueryTime) -> bool:
    """Does a figure's reference date (ISO day, 'YYYY-MM' or 'YYYY') fall in the named time?"""
    if not ref or not qt.named:
        return False
    lo, hi = _iso_day(ref), _iso_day(ref, end=True)
    return lo <= qt.end and hi >= qt.start


def rank(view: IndexView, query: str, qvec, top_k: int, f: Filters, *, lexical_query: str | None = None,
         recency: dict[str, float] | None = None, figure_dates: Callable[[str], list[str]] | None = None,
         qtime: QueryTime | None = None, lay=None) -> list[Ranked]:
    """The best `top_k` chunks for `query` (already stripped of filter names), best first.
    `lay` (lay.Lay: what the index learned from its own questions and answers) adds its lists."""
    docs = view.docs
    recency = recency if recency is not None else recency_map(docs)
    nl = number_lookup(query)
    qt = qtime if qtime is not None else query_time(query, {nl[1]} if nl and nl[1] else None)
    allowed_docs: list[str] | None = None
    if f.active():
        allowed_docs = view.passing(f)  # the semantics of search.doc_passes
        if not allowed_docs:
            return []
    n_cand = max(CANDIDATES, top_k * 4)
    dense = view.dense(lay.query_vector(qvec) if lay is not None else qvec, n_cand, allowed_docs)
    lexq = lexical_query if lexical_query is not None else query
    lexical = view.lexical(lay.lexical_query(lexq) if lay is not None else lexq, n_cand, allowed_docs)
    fused = fuse(dense, lexical)
    if lay is not None:
        fused = lay.fuse_into(view, query, fused, n_cand, allowed_docs)
    dense_raw = dict(dense)
    top_lex = lexical[0][1] if lexical and lexical[0][1] else 1.0
    lex_rel = {cid: s / top_lex for cid, s in lexical}
    boosts: dict[str, float] = {}
    for cid in fused:
        did = cid.split(":", 1)[0]
        if ":question:" in cid:
            fused[cid] *= QUESTION_PRIOR
        b = 1.0 + RECENCY_PRIOR * recency.get(did, 0.0)
        if qt.present:
            b *= 1.0 + PRESENT_PRIOR * recency.get(did, 0.0)
        elif qt.named:
            b *= 1.0 + NAMED_DOC_PRIOR * named_doc_closeness((docs.get(did) or {}).get("date", ""), qt)
            if figure_dates is not None and any(figure_date_in(d, qt) for d in figure_dates(cid)):
                b *= 1.0 + NAMED_FIGURE_PRIOR
        fused[cid] *= b
        boosts[cid] = b
    # A question-number lookup ("vraag 503 van 2018") puts that document's chunks first.
    pinned: list[str] = []
    if nl is not None:
        nr, year = nl
        # every number of a joined question counts ("vragen om uitleg 412 en 437")
        targets = [did for did, d in docs.items() if nr in doc_numbers(d)
                   and (not year or (d.get("date") or "").startswith(year))
                   and (allowed_docs is None or did in allowed_docs)]
        for did in sorted(targets, key=lambda x: docs[x].get("date") or "", reverse=True):
            ids = view.doc_chunk_ids(did)
            answer_first = [c for c in ids if ":answer:" in c] + [c for c in ids if ":answer:" not in c]
            pinned += sorted(answer_first, key=lambda c: (-fused.get(c, 0.0)) if c != answer_first[0] else -1e9)
    pinned_set = set(pinned)
    ranked = pinned + [cid for cid, _ in sorted(fused.items(), key=lambda kv: -kv[1]) if cid not in pinned_set]
    ranked = ranked[: max(top_k * 3, 30)]
    chunks = view.chunks(ranked)
    # Only chunks of documents the index lists: not those of one an ingest is writing now.
    ranked = [cid for cid in ranked if cid in chunks and (chunks[cid]["metadata"] or {}).get("doc_id") in docs]
    kept = collapse_near_duplicates([(cid, chunks[cid]["text"]) for cid in ranked], limit=top_k)
    top_score = max(fused.values(), default=1.0) or 1.0
    floor = dense[-1][1] if dense else 0.0  # not among the dense candidates: at most the last one's cosine
    out = []
    for cid in kept:
        meta = chunks[cid]["metadata"] or {}
        cov = coverage(query, (meta.get("ctx") or "") + " " + chunks[cid]["text"])
        cos = dense_raw.get(cid, floor)
        out.append(Ranked(chunk_id=cid, text=chunks[cid]["text"], metadata=meta,
                          score=1.0 if cid in pinned_set else fused.get(cid, 0.0) / top_score, pinned=cid in pinned_set,
                          dense=dense_raw.get(cid), lexical=lex_rel.get(cid, 0.0), time_boost=boosts.get(cid, 1.0),
                          coverage=cov, confidence=1.0 if cid in pinned_set else confidence(cos, cov)))
    return out
