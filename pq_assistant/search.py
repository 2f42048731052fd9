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


TYPE_ALIASES = {
    "sv": "schriftelijke-vraag", "schriftelijk": "schriftelijke-vraag", "schriftelijke-vragen": "schriftelijke-vraag",
    "vou": "vraag-om-uitleg", "vragen-om-uitleg": "vraag-om-uitleg", "commissie": "vraag-om-uitleg",
    "av": "actuele-vraag", "actuele-vragen": "actuele-vraag", "plenaire": "actuele-vraag",
    "pb": "persbericht", "pers": "persbericht", "nieuws": "persbericht", "krant": "persbericht",
    "tk": "kamervraag", "kamervragen": "kamervraag", "aanhangsel": "kamervraag", "tweede-kamer": "kamervraag",
    "federaal": "federale-vraag", "senaat": "federale-vraag", "federale-vragen": "federale-vraag",
}


def normalize_type(value: str) -> str:
    """'Vraag om uitleg' -> 'vraag-om-uitleg'; an unknown type is a UsageError with the closest types."""
    from .models import DOC_TYPES

    key = re.sub(r"[\s_]+", "-", fold(value.strip()))
    key = TYPE_ALIASES.get(key, key)
    if key in DOC_TYPES:
        return key
    close = closest(key, list(DOC_TYPES), limit=2)
    hint = f"; bedoelt u {' of '.join(close)}?" if close else ""
    raise UsageError(f"onbekend documenttype {value!r}{hint} (kies uit: {', '.join(DOC_TYPES)})")


@dataclass
class Filters:
    """Metadata filters. Names match case/accent-insensitively on their words; dates are ISO
    (a year or year-month is widened: since '2022' = 2022-01-01, until '2016' = 2016-12-31);
    `type` is one of models.DOC_TYPES. A filter that cannot be judged is a UsageError with the
    reason (an impossible date, a reversed range, an unknown type)."""

    minister: str = ""
    asker: str = ""
    since: str = ""
    until: str = ""
    number: str = ""
    type: str = ""

    def __post_init__(self) -> None:
        lo = widen_date(self.since, end=False, flag="--since") if self.since else ""
        hi = widen_date(self.until, end=True, flag="--until") if self.until else ""
        if lo and hi and lo > hi:
            raise UsageError(f"--since {self.since} ligt na --until {self.until}: de periode is omgekeerd")
        if self.type:
            self.type = normalize_type(self.type)

    @classmethod
    def from_dict(cls, d: dict | None) -> "Filters":
        d = d or {}
        return cls(**{k: str(d.get(k) or "") for k in ("minister", "asker", "since", "until", "number", "type")})

    def active(self) -> bool:
        return any((self.minister, self.asker, self.since, self.until, self.number, self.type))

    def to_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v}


def widen_date(value: str, end: bool, flag: str = "") -> str:
    """'2022' -> '2022-01-01' (or '2022-12-31' for an end), '2022-03' -> '2022-03-01'/'2022-03-31'.
    An impossible date ('2019-13', '2019-02-30') is a UsageError that says why."""
    import calendar
    from datetime import date

    v = value.strip()
    what = f"{flag} {value}" if flag else repr(value)
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", v)
    if not m:
        raise UsageError(f"ongeldige datum {what}: gebruik JJJJ, JJJJ-MM of JJJJ-MM-DD")
    y, mo, d = int(m.group(1)), m.group(2), m.group(3)
    if mo is None:
        return f"{y:04d}-12-31" if end else f"{y:04d}-01-01"
    mo = int(mo)
    if not 1 <= mo <= 12:
        raise UsageError(f"ongeldige datum {what}: maand {mo} bestaat niet (1-12)")
    last = calendar.monthrange(y, mo)[1]
    if d is None:
        return f"{y:04d}-{mo:02d}-{last if end else 1:02d}"
    d = int(d)
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        raise UsageError(f"ongeldige datum {what}: {y:04d}-{mo:02d} heeft maar {last} dagen") from None


def _listed(value) -> list[str]:
    """A list field of a manifest entry (a list) or of chunk metadata (joined by '; ')."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v]
    return [v for v in str(value or "").split("; ") if v]


def doc_askers(meta: dict) -> list[str]:
    return _listed(meta.get("askers")) or ([meta["asker"]] if meta.get("asker") else [])


def doc_numbers(meta: dict) -> list[str]:
    return _listed(meta.get("numbers")) or ([str(meta["number"])] if meta.get("number") else [])


def doc_passes(meta: dict, f: Filters) -> bool:
    """Does a document (catalog row or chunk metadata) pass the filters?"""
    if f.minister and not name_matches(f.minister, meta.get("minister")):
        return False
    if f.asker and not any(name_matches(f.asker, a) for a in doc_askers(meta)):
        return False
    if f.type and meta.get("type") != f.type:
        return False
    date = meta.get("date") or ""
    if (f.since or f.until) and not date:
        return False  # an undated document cannot be shown to fall in the range
    if f.since and date < widen_date(f.since, end=False):
        return False
    if f.until and date > widen_date(f.until, end=True):
        return False
    if f.number and f.number.strip() not in doc_numbers(meta):
        return False
    return True


# -- notes: a filter never fails silently -------------------------------------------------------

def closest(query: str, choices: list[str], limit: int = 3, cutoff: float = 70) -> list[str]:
    """The choices closest to `query` (rapidfuzz, case- and accent-insensitive)."""
    from rapidfuzz import fuzz, process, utils

    if not query.strip() or not choices:
        return []
    folded = {c: fold(c) for c in choices}
    got = process.extract(fold(query), folded, scorer=fuzz.WRatio, processor=utils.default_process,
                          limit=limit, score_cutoff=cutoff)
    return list(dict.fromkeys(key for _, _, key in got))


def _names_of(docs: list[dict], field: str) -> list[str]:
    out: set[str] = set()
    for d in docs:
        for name in (doc_askers(d) if field == "asker" else [d.get("minister") or ""]):
            if name:
                out.add(name)
    return sorted(out)


def did_you_mean(value: str, names: list[str]) -> list[str]:
    """Closest index names for a name filter: surnames for a one-word query, full names otherwise."""
    one_word = len(value.split()) == 1
    pool: dict[str, str] = {}
    for n in names:
        key = n.split()[-1] if one_word else n
        if one_word:  # "Van den Bossche": the surname with its particles
            words = n.split()
            j = len(words) - 1
            while j > 1 and words[j - 1].lower() in ("van", "de", "den", "der", "ten", "ter", "het"):
                j -= 1
            key = " ".join(words[j:])
        pool.setdefault(key, n)
    return closest(value, list(pool))


FIELD_WORDS = {"minister": "geen minister", "asker": "geen vraagsteller", "date": "geen datum", "type": "geen documenttype"}


def filter_notes(docs: list[dict], f: Filters) -> list[str]:
    """Why a filter keeps fewer documents than a user may expect, in Dutch, one line each:
    documents that lack the field (and so fall outside the filter), unknown names with the
    closest names of the index, and filters that match apart but not together."""
    if not f.active():
        return []
    n = len(docs)
    notes: list[str] = []
    checks = [("minister", f.minister), ("asker", f.asker), ("type", f.type), ("date", f.since or f.until)]
    for field, value in checks:
        if not value:
            continue
        if field == "asker":
            missing = sum(1 for d in docs if not doc_askers(d))
        else:
            missing = sum(1 for d in docs if not d.get(field))
        if missing:
            extra = " (gelezen door een oudere versie: pq ingest leest ze opnieuw)" if field == "type" else ""
            notes.append(f"{missing} van {n} documenten hebben {FIELD_WORDS[field]} en vallen buiten deze filter{extra}")
    for field, value, label in (("minister", f.minister, "minister"), ("asker", f.asker, "vraagsteller")):
        if not value:
            continue
        one = Filters(**{field: value})
        if not any(doc_passes(d, one) for d in docs):
            close = did_you_mean(value, _names_of(docs, field))
            hint = f"; bedoelt u {' of '.join(close)}?" if close else ""
            notes.append(f"geen {label} {value!r} in de index{hint}")
    if f.type and not any(d.get("type") == f.type for d in docs):
        notes.append(f"geen documenten van het type {f.type} in de index")
    if not notes and not any(doc_passes(d, f) for d in docs):
        parts = []
        for k in ("minister", "asker", "type", "since", "until", "number"):
            v = getattr(f, k)
            if v:
                cnt = sum(1 for d in docs if doc_passes(d, Filters(**{k: v})))
                parts.append(f"--{k} {v}: {cnt}")
        notes.append("geen document voldoet aan alle filters samen (" + ", ".join(parts) + ")")
    return notes


SHAPE_FIELDS = ("type", "number", "session", "date", "answer_date", "askers", "minister", "title")
# The fields a type prints (a Flemish written question prints no answer date, a press item no number):
# `pq docs` names those of them that a document lacks.
EXPECTED_FIELDS = {
    "schriftelijke-vraag": ("number", "date", "askers", "minister", "title"),
    "vraag-om-uitleg": ("number", "session", "date", "askers", "minister", "title"),
    "actuele-vraag": ("date", "askers", "minister", "title"),
    "persbericht": ("date", "askers", "minister", "title"),
    "kamervraag": ("number", "date", "answer_date", "askers", "minister", "title"),
    "federale-vraag": ("number", "date", "answer_date", "askers", "title"),
    "overig": ("date", "title"),
}


def document_row(d: dict) -> dict:
    """The `pq docs --json` row of a manifest entry: every field, and which of them are missing."""
    row = {"doc": d.get("file"), "doc_id": d.get("doc_id"), "type": d.get("type") or "",
           "parliament": d.get("parliament") or "", "title": d.get("title") or "", "number": d.get("number") or "",
           "numbers": doc_numbers(d), "session": d.get("session") or "", "date": d.get("date") or "",
           "answer_date": d.get("answer_date") or "", "askers": doc_askers(d), "asker": d.get("asker") or "",
           "minister": d.get("minister") or "", "pages": d.get("pages"), "chunks": d.get("chunks"),
           "figures": d.get("figures")}
    row["missing"] = [k for k in EXPECTED_FIELDS.get(row["type"], SHAPE_FIELDS) if not row[k]]
    return row


# -- number lookups -----------------------------------------------------------------------------

@dataclass
class NumberQuery:
    """A question number in a query: '503', '1234 (2023-2024)', '2018Z15295', '7-123', '503/2018'."""

    numbers: list[str]
    year: str = ""
    session: str = ""
    type_hint: str = ""
    text: str = ""  # the matched reference as written


_KV = re.compile(r"\b(?P<nr>(?:19|20)\d{2}z\d{5})\b", re.I)
_FED = re.compile(r"(?<![\d/-])(?P<nr>\d{1,2}-\d{1,5})(?![\d/-])")
_SESSION_NR = re.compile(r"\b(?P<nr>\d{1,5})\s*\(\s*(?P<a>(?:19|20)\d{2})\s*[-–]\s*(?P<b>(?:19|20)\d{2})\s*\)")
_SLASH = re.compile(r"(?<![\d/])(?P<nr>\d{1,5})\s*/\s*(?P<year>(?:19|20)\d{2})\b")
_KEYWORD = (r"(?:vra(?:ag|gen)\s+om\s+uitleg|actuele\s+vra(?:ag|gen)|schriftelijke\s+vra(?:ag|gen)|kamervra(?:ag|gen)|"
            r"aanhangsel|vra(?:ag|gen)|nr\.?|nummer|question|no\.?)")
# "vraag 503", "vraag nr. 503 van 2018", "schriftelijke vraag nummer 214 uit 2021", "nr. 607 (juni 2021)",
# "vragen om uitleg 412 en 437", "Aanhangsel 1712"
_NUMBER_QUERY = re.compile(
    rf"\b{_KEYWORD}\s*(?:nr\.?|nummer|no\.?)?\s*(?P<nr>\d{{1,5}})(?P<more>(?:\s*(?:,|en|&)\s*\d{{1,5}})*)\b"
    r"(?:\s*(?:van|uit|of|\(|,)?\s*(?:(?:\d{1,2}\s+)?[a-z]+\s+)?(?P<year>(?:19|20)\d{2})\b(?!\s*[-–]))?",
    re.I,
)
_TYPE_WORDS = [("vraag-om-uitleg", r"vra(?:ag|gen)\s+om\s+uitleg"), ("actuele-vraag", r"actuele\s+vra(?:ag|gen)"),
               ("kamervraag", r"kamervra(?:ag|gen)|aanhangsel|\d{4}z\d{5}"),
               ("schriftelijke-vraag", r"schriftelijke\s+vra(?:ag|gen)")]


def parse_number_query(query: str) -> NumberQuery | None:
    """The question number(s) a query asks for, with a year or session when it gives one."""
    q = fold(query)
    hint = next((t for t, rx in _TYPE_WORDS if re.search(rx, q)), "")
    if m := _KV.search(q):
        return NumberQuery([m.group("nr").upper()], type_hint="kamervraag", text=m.group(0))
    if m := _SESSION_NR.search(q):
        if int(m.group("b")) == int(m.group("a")) + 1:
            return NumberQuery([m.group("nr")], session=f"{m.group('a')}-{m.group('b')}", type_hint=hint, text=m.group(0))
    if m := _SLASH.search(q):
        return NumberQuery([m.group("nr")], year=m.group("year"), type_hint=hint, text=m.group(0))
    if (m := _FED.search(q)) and (re.search(_KEYWORD, q) or q.strip() == m.group(0)):
        return NumberQuery([m.group("nr")], type_hint=hint or "federale-vraag", text=m.group(0))
    if m := _NUMBER_QUERY.search(q):
        nums = [m.group("nr")] + re.findall(r"\d{1,5}", m.group("more") or "")
        return NumberQuery(nums, year=m.group("year") or "", type_hint=hint, text=m.group(0))
    return None


def number_lookup(query: str) -> tuple[str, str] | None:
    """('503', '2018') for "vraag 503 van 2018"; ('503', '') without a year; None otherwise."""
    nq = parse_number_query(query)
    if nq is None:
        return None
    return nq.numbers[0], nq.year


def is_pure_number_query(query: str, nq: NumberQuery) -> bool:
    """Is the query only the reference ('vraag nr. 999', 'schriftelijke vraag 7-1417 van 2022')?"""
    rest = fold(query).replace(nq.text.lower(), " ")
    words = re.findall(r"[a-z]{3,}", rest)
    filler = {"vraag", "vragen", "nr", "nummer", "schriftelijke", "om", "uitleg", "van", "uit", "actuele", "kamervraag",
              "aanhangsel", "question", "the", "and", "en", "over", "het", "de", "toon", "show", "zoek", "find", "met"}
    return not [w for w in words if w not in filler]


@dataclass
class NumberResult:
    query: NumberQuery
    found: list[dict]  # manifest entries with the number (and the year/session when given)
    other: list[dict]  # entries with the number but another year/session
    notes: list[str]


def _year_of(d: dict) -> str:
    return (d.get("date") or "")[:4] or (d.get("session") or "")[:4]


def _describe(d: dict) -> str:
    from .models import TYPE_LABELS

    kind = TYPE_LABELS.get(d.get("type") or "", "vraag").lower()
    when = d.get("session") or _year_of(d) or "zonder datum"
    return f"{kind} van {when} ({d.get('file') or d.get('doc_id')})"


def lookup_number(docs: list[dict], nq: NumberQuery) -> NumberResult:
    """Which documents carry the number; notes that say what was found (absent, another year,
    several documents)."""
    with_nr = [d for d in docs if any(n in doc_numbers(d) for n in nq.numbers)]
    def fits(d: dict) -> bool:
        if nq.session:
            return d.get("session") == nq.session or _year_of(d) in nq.session.split("-")
        if nq.year:
            return _year_of(d) == nq.year or nq.year in (d.get("session") or "").split("-")
        return True
    found = [d for d in with_nr if fits(d)]
    other = [d for d in with_nr if not fits(d)]
    label = " en ".join(nq.numbers)
    when = f" van {nq.year}" if nq.year else (f" ({nq.session})" if nq.session else "")
    notes: list[str] = []
    if not with_nr:
        notes.append(f"vraag nr. {label} staat niet in de index ({len(docs)} documenten doorzocht)")
    elif not found:
        years = ", ".join(sorted({_year_of(d) or "zonder datum" for d in other}))
        notes.append(f"nr. {label}{when} staat niet in de index; nr. {label} bestaat wel, van {years}: "
                     + "; ".join(_describe(d) for d in other))
    elif len(found) > 1:
        found.sort(key=lambda d: d.get("date") or "", reverse=True)
        notes.append(f"nr. {label}: {len(found)} documenten — " + "; ".join(_describe(d) for d in found))
    return NumberResult(nq, found, other, notes)


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


def check_question(text: str) -> str:
    """A question needs at least one letter or digit: a blank or '???' is a usage error (the CLI
    and the web page give the same message)."""
    if not re.search(r"\w", text or ""):
        raise UsageError("de vraag is leeg (alleen spaties of leestekens): geef een vraag met woorden")
    return text
