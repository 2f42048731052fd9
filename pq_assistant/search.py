"""Hybrid retrieval: dense (Chroma) and BM25 candidates fused by reciprocal rank fusion, with
metadata filters applied to both sides, a direct question-number lookup, and near-duplicate
passages collapsed."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UsageError
from .textutil import fold, name_matches

RRF_K = 60
CANDIDATES = 60
DENSE_WEIGHT = 0.6  # convex fusion weight of the dense side (measured on the dev set: 0.5-0.7 all fine)
QUESTION_PRIOR = 0.8  # users want what the minister answered; question text ranks a bit lower
RECENCY_PRIOR = 0.05  # at equal relevance the newer answer first (advisors want the latest figure)


@dataclass
class Filters:
    """Metadata filters. Names match case/accent-insensitively on their words; dates are ISO
    (a year or year-month is widened: since '2022' = 2022-01-01, until '2016' = 2016-12-31)."""

    minister: str = ""
    asker: str = ""
    since: str = ""
    until: str = ""
    number: str = ""

    @classmethod
    def from_dict(cls, d: dict | None) -> "Filters":
        d = d or {}
        return cls(**{k: str(d.get(k) or "") for k in ("minister", "asker", "since", "until", "number")})

    def active(self) -> bool:
        return any((self.minister, self.asker, self.since, self.until, self.number))

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def widen_date(value: str, end: bool) -> str:
    """'2022' -> '2022-01-01' (or '2022-12-31' for an end), '2022-03' -> '2022-03-01'/'2022-03-31'."""
    v = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        return v
    if re.fullmatch(r"\d{4}-\d{2}", v):
        return v + ("-31" if end else "-01")
    if re.fullmatch(r"\d{4}", v):
        return v + ("-12-31" if end else "-01-01")
    raise UsageError(f"bad date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")


def doc_passes(meta: dict, f: Filters) -> bool:
    """Does a document (catalog row or chunk metadata) pass the filters?"""
    if f.minister and not name_matches(f.minister, meta.get("minister")):
        return False
    if f.asker and not name_matches(f.asker, meta.get("asker")):
        return False
    date = meta.get("date") or ""
    if (f.since or f.until) and not date:
        return False  # an undated document cannot be shown to fall in the range
    if f.since and date < widen_date(f.since, end=False):
        return False
    if f.until and date > widen_date(f.until, end=True):
        return False
    if f.number and str(meta.get("number") or "") != f.number.strip():
        return False
    return True


# "vraag 503", "vraag nr. 503 van 2018", "schriftelijke vraag nummer 214 uit 2021", "nr. 607 (juni 2021)"
_NUMBER_QUERY = re.compile(
    r"\b(?:vraag|nr\.?|nummer|question|no\.?)\s*(?:nr\.?|nummer|no\.?)?\s*(?P<nr>\d{1,5})\b"
    r"(?:\s*(?:van|uit|of|\(|,)?\s*(?:(?:\d{1,2}\s+)?[a-z]+\s+)?(?P<year>(?:19|20)\d{2}))?",
    re.I,
)


def number_lookup(query: str) -> tuple[str, str] | None:
    """('503', '2018') for "vraag 503 van 2018"; ('503', '') without a year; None otherwise."""
    m = _NUMBER_QUERY.search(fold(query))
    if not m:
        return None
    return m.group("nr"), m.group("year") or ""


def rrf(rankings: list[list[str]], weights: list[float] | None = None, k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: score(d) = sum_i w_i / (k + rank_i(d)), ranks from 1."""
    weights = weights or [1.0] * len(rankings)
    out: dict[str, float] = {}
    for ranking, w in zip(rankings, weights):
        for rank, cid in enumerate(ranking, 1):
            out[cid] = out.get(cid, 0.0) + w / (k + rank)
    return out


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]],
         alpha: float = DENSE_WEIGHT) -> dict[str, float]:
    """Convex combination of normalised scores: alpha * dense + (1 - alpha) * BM25.

    Dense cosine similarities are min-max scaled over the candidates (the absolute level of e5
    similarities says little), BM25 scores are divided by the best one. A candidate missing from
    one list scores 0 on that side. Unlike RRF this keeps how far apart the candidates are, so
    one clear dense hit is not drowned by many middling lexical ones.
    """
    out: dict[str, float] = {}
    if dense:
        hi, lo = dense[0][1], dense[-1][1]
        span = (hi - lo) or 1.0
        for cid, s in dense:
            out[cid] = alpha * (s - lo) / span
    if lexical:
        top = lexical[0][1] or 1.0
        for cid, s in lexical:
            out[cid] = out.get(cid, 0.0) + (1 - alpha) * s / top
    return out


def strip_filter_terms(query: str, f: Filters) -> str:
    """Drop the words of the minister/asker filters (and a 'minister' before them) from a query."""
    names = {w for v in (f.minister, f.asker) for w in re.findall(r"\w+", fold(v))}
    if not names:
        return query
    kept = [w for w in re.findall(r"\S+", query) if fold(re.sub(r"\W", "", w)) not in names]
    out = re.sub(r"\b(minister|mevrouw|de heer)\s+(?=(over|aan|in|op|,|\?|$))", "", " ".join(kept), flags=re.I)
    return out.strip() or query


def _shingles(text: str) -> set[str]:
    # lower() is enough here: two copies of one passage carry the same accents
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + 3]) for i in range(max(1, len(words) - 2))}


def collapse_near_duplicates(items: list[tuple[str, str]], threshold: float = 0.9,
                             limit: int | None = None) -> list[str]:
    """Keep the first of passages whose word-trigram Jaccard similarity is >= threshold.

    `items` are (id, text) in rank order; returns the ids kept, in order (at most `limit`).
    """
    kept: list[tuple[str, set[str]]] = []
    for cid, text in items:
        if limit is not None and len(kept) >= limit:
            break
        sh = _shingles(text)
        if any(len(sh & s) / max(1, len(sh | s)) >= threshold for _, s in kept):
            continue
        kept.append((cid, sh))
    return [cid for cid, _ in kept]

