"""Searching an index: the ranker (`ranking.rank`) over a read view of the storage, the passages
it gives (citations, figures), what filters and a number lookup found (notes), and the answer of
`pq ask` (passages, the answer line, the figures and their timelines).

`StoreView` is the ranker's `IndexView` on the storage API; `Searcher` composes the rest. The
facade (`Assistant`) holds one Searcher and delegates to it."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from .figures.ledger import figure_dict
from .models import Figure, Passage
from .ranking import NO_ANSWER_BELOW
from .search import Filters, doc_passes, strip_filter_terms
from .storage import Snapshot
from .thesaurus import expand
from .thesaurus import explained as thesaurus_explained


@dataclass
class Answer:
    query: str
    passages: list[Passage]
    figures: list[Figure]
    filters: Filters
    status: dict[int, str] = field(default_factory=dict)  # id(figure) -> latest | superseded | conflict
    answer: object | None = None  # answerline.AnswerLine: the figure that answers, cited
    time: object | None = None  # querytime.QueryTime: the moment the question asks about
    notes: list[str] = field(default_factory=list)  # why a filter or number lookup found less (Dutch)
    replaced_by: dict[int, dict] = field(default_factory=dict)  # id(figure) -> the ledger's replaced_by
    weak_below: float = 0.0  # passages scoring below this are shown as weak (ranking.NO_ANSWER_BELOW)

    @property
    def answered(self) -> bool:
        """Does any passage seem to answer the question (calibrated score at or above the threshold)?"""
        return any(p.score >= self.weak_below for p in self.passages)

    @property
    def note(self) -> str:
        if not self.passages:
            return ""
        if not self.answered:
            return (f"geen passage lijkt deze vraag te beantwoorden (beste score "
                    f"{max(p.score for p in self.passages):.2f})".replace(".", ","))
        return ""

    def to_dict(self) -> dict:
        return {"query": self.query, "answered": self.answered, "note": self.note or None,
                "answer": self.answer.to_dict() if self.answer is not None else None,
                "results": [p.to_dict() for p in self.passages],
                "figures": [{**figure_dict(f), "status": self.status.get(id(f), ""),
                             "replaced_by": self.replaced_by.get(id(f)) or None} for f in self.figures],
                "notes": self.notes}


def passing(index: Snapshot, f: Filters) -> list[str]:
    """Ids of the documents that pass the filters (search.doc_passes decides), looked at only
    among the snapshot's candidates for the names and dates (cheap at any size)."""
    from .search import widen_date

    cands = index.candidates(minister=f.minister, asker=f.asker,
                             since=widen_date(f.since, end=False) if f.since else "",
                             until=widen_date(f.until, end=True) if f.until else "")
    # The candidates' dates are exact (the same comparison as doc_passes): the rest decides.
    rest = replace(f, since="", until="")
    if not rest.active():
        return cands
    return [did for did in cands if doc_passes(index.docs[did], rest)]


class StoreView:
    """The ranker's read view of one snapshot of the index (ranking.IndexView), on the storage API."""

    def __init__(self, storage, index: Snapshot) -> None:
        self.storage, self.index, self.docs = storage, index, index.docs

    def passing(self, f: Filters) -> list[str]:
        return passing(self.index, f)

    def dense(self, qvec, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        return self.storage.dense(qvec, k, doc_ids, self.index)

    def lexical(self, text: str, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        lex = self.storage.lexical
        return lex.search(text, k, lex.doc_mask(doc_ids) if doc_ids is not None else None)

    def chunk_count(self) -> int:
        return self.index.chunk_total()

    def chunks(self, ids: list[str]) -> dict[str, dict]:
        return self.storage.chunks(ids)

    def doc_chunk_ids(self, doc_id: str) -> list[str]:
        return self.storage.catalog.chunk_ids(doc_id)

    def asked_of(self, chunk_ids: list[str]) -> dict[str, list[str]]:
        return self.storage.catalog.asked_of(chunk_ids)


class Searcher:
    """Search and answer over one index (see the module docstring). `embedder()` gives the
    embedder, `snapshot()` the index as readers see it now (an IndexError_ when it is empty)."""

    def __init__(self, storage, embedder: Callable[[], object], snapshot: Callable[[], Snapshot], *,
                 thesaurus: bool = True) -> None:
        self.storage = storage
        self._embedder = embedder
        self.snapshot = snapshot
        self.thesaurus = thesaurus
        self._recency_src = None

    # -- passages -----------------------------------------------------------------------------
    def search_many(self, queries: list[str], *, top_k: int = 5,
                    filters: list[Filters] | None = None) -> tuple[list[list[Passage]], object]:
        """The passages of each query, and the queries' vectors."""
        index = self.snapshot()
        filters = filters or [Filters() for _ in queries]
        # Names given as filters are enforced by the filter; left in the query text they would
        # only pull in every chunk that prints that name (answer headers).
        queries = [strip_filter_terms(q, f) for q, f in zip(queries, filters)]
        qvecs = self._embedder().embed_queries(list(queries)) if queries else np.zeros((0, 1))
        return [self.search_one(q, qv, top_k, f, index) for q, f, qv in zip(queries, filters, qvecs)], qvecs

    def search_one(self, query: str, qvec, top_k: int, f: Filters, index: Snapshot) -> list[Passage]:
        from . import lay
        from .ranking import rank

        view = StoreView(self.storage, index)
        # The thesaurus adds the official terms to the BM25 query only: measured on the dev set,
        # expanding the dense query as well pulled e5 away from the question's own wording.
        hits = rank(view, query, qvec, top_k, f, lexical_query=expand(query) if self.thesaurus else query,
                    recency=self._recency(index), figure_dates=self._figure_dates, lay=lay.for_index(self.storage.root))
        out = []
        self.storage.figures_ledger.of_chunks([h.chunk_id for h in hits])  # one read for all hits
        for h in hits:
            # The score shown is the calibrated confidence (comparable across questions); the
            # order is the ranker's.
            p = self.passage(h.chunk_id, h.text, h.metadata, h.confidence, index.docs)
            p.dense, p.lexical, p.pinned, p.coverage, p.rank_score = h.dense, h.lexical, h.pinned, h.coverage, h.score
            out.append(p)
        return out

    def _figure_dates(self, cid: str) -> list[str]:
        """Reference dates of the figures of a chunk (for a question that names a time)."""
        return [e.figure.date for e in self.storage.figures_ledger.of_chunks([cid])[cid] if e.figure.date]

    def _recency(self, index: Snapshot) -> dict[str, float]:
        """0 for the oldest dated document, 1 for the newest (undated: 0); computed once per
        snapshot (profiled: 140 ms a search at 26k documents when done each time)."""
        from .ranking import recency_map

        if self._recency_src is not index:
            self._recency_src, self._recency_map = index, recency_map(index.docs)
        return self._recency_map

    def passage(self, cid: str, text: str, meta: dict, score: float, docs: dict) -> Passage:
        """A Passage for a stored chunk, with its citation and its figures."""
        from .citations import citation_from_meta

        d = docs.get(meta.get("doc_id"), {})
        cite = citation_from_meta(meta, meta.get("page"), d.get("pages", 0))
        p = Passage(chunk_id=cid, doc_id=meta.get("doc_id", ""), doc=meta.get("doc", ""), text=text, score=score,
                    page=int(meta.get("page") or 1), section=meta.get("section", ""), part=meta.get("part", ""),
                    metadata=meta, citation=cite)
        p.figures = [e.figure for e in self.storage.figures_ledger.of_chunks([cid])[cid]]
        return p

    def cite(self, doc_id: str, page: int | None = None) -> str:
        """The citation of a document (at a page), as the passages carry it."""
        from .citations import citation_from_meta

        d = self.snapshot().docs.get(doc_id, {})
        meta = {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in d.items()}
        meta.update(doc=d.get("file", doc_id), doc_id=doc_id)
        return citation_from_meta(meta, page, d.get("pages", 0))

    # -- answers ------------------------------------------------------------------------------
    def ask_many(self, queries: list[str], *, top_k: int = 5, filters: list[Filters] | None = None) -> list[Answer]:
        """Passages plus the answer line and the figures found in them, per query."""
        from . import answerline, ledger
        from .querytime import query_time
        from .search import number_lookup

        filters = filters or [Filters() for _ in queries]
        found, qvecs = self.search_many(queries, top_k=top_k, filters=filters)
        led = self.storage.figures_ledger
        out = []
        for query, f, passages, qv in zip(queries, filters, found, qvecs):
            passages, notes = self.checked(query, f, passages, top_k)
            nl = number_lookup(query)
            qt = query_time(query, {nl[1]} if nl and nl[1] else None)
            groups: list[int] = []
            semantic: list[int] = []
            # The words that name a quantity: the question's, plus the official terms the thesaurus
            # adds ("Houses of the Child" -> "Huizen van het Kind").
            naming = expand(query) if self.thesaurus else query
            candidates: list[int] = []
            shown = [e for es in led.of_chunks(p.chunk_id for p in passages).values() for e in es]
            if shown:
                groups = ledger.choose_groups(naming, passages, shown, max_groups=6)
                # more candidates for the line than for the Cijfers: answerline.choose decides
                # which one (if any) answers, and it names the whole series it came from
                candidates = ledger.choose_groups(naming, passages, shown, max_groups=8, keep_share=0.2)
            if passages and answerline.is_figure_question(query) and (shown or led.exists()):
                semantic = ledger.semantic_groups(qv, led.phrases(), led.groups_of_phrases, naming)
                groups += [g for g in semantic if g not in groups]
                candidates += [g for g in semantic if g not in candidates]
            # The answer line obeys the filters like the passages: only figures of documents that pass.
            pool = led.of_groups(candidates) if candidates else []
            if pool:
                # the kind the question names: "Hoeveel gemeentelijke Huizen van het Kind" is answered
                # by the houses with a municipal area, not by the number of all houses
                kept = ledger.narrowest(naming, pool)
                candidates = [g for g in candidates if g in kept]
                pool = [e for e in pool if e.group in kept]
            if f.active():
                docs = self.snapshot().docs
                pool = [e for e in pool if (d := docs.get(e.figure.doc_id)) is not None and doc_passes(d, f)]
            line = answerline.choose(query, qt, passages, pool, candidates, ledger.sort_key, self.cite, semantic,
                                     named_by=naming)
            if not answerline.confident(line, passages, query=query,
                                        explained=thesaurus_explained(query) if self.thesaurus else ""):
                line = None  # nothing answers the question: no figure is offered as its answer
            if line is not None:
                passages = self._lead_with(line.chunk_id, query, passages, top_k)
                g_line = line.extra.get("group")  # the line's timeline: its Cijfers are shown too
                if g_line is not None and g_line not in groups:
                    groups = [g_line] + groups
            chunks = led.of_chunks([p.chunk_id for p in passages] + ([line.chunk_id] if line is not None else []))
            near = [e for es in chunks.values() for e in es]
            by_figure = {id(e.figure): e for e in near}
            figs = answerline.relevant_figures(query, passages, groups, by_figure, line, near)
            out.append(Answer(query=query, passages=passages, figures=figs, filters=f,
                              status=self.figure_status(figs), answer=line, time=qt,
                              replaced_by=answerline.replaced_by(figs, by_figure), weak_below=NO_ANSWER_BELOW,
                              notes=notes))
        return out

    def _lead_with(self, chunk_id: str, query: str, passages: list[Passage], top_k: int) -> list[Passage]:
        """The passage that holds the answer line's figure goes first: the line cites it, and the
        reader should see its words before any other (benchmarks/now_eval.py measures this)."""
        from .ranking import confidence, coverage

        if passages and passages[0].chunk_id == chunk_id:
            return passages
        hit = next((p for p in passages if p.chunk_id == chunk_id), None)
        if hit is None:
            index = self.snapshot()
            got = self.storage.chunks([chunk_id]).get(chunk_id)
            if got is None:
                return passages
            meta = got["metadata"] or {}
            floor = min((p.dense for p in passages if p.dense is not None), default=0.8)
            cov = coverage(query, (meta.get("ctx") or "") + " " + got["text"])
            hit = self.passage(chunk_id, got["text"], meta, confidence(floor, cov), index.docs)
            hit.coverage = cov
        return [hit] + [p for p in passages if p.chunk_id != chunk_id][: max(0, top_k - 1)]

    def figure_status(self, figures: list[Figure]) -> dict[int, str]:
        """Each figure's place in its timeline (latest / superseded / conflict), by id(figure)."""
        chunks = self.storage.figures_ledger.of_chunks(f.chunk_id for f in figures)
        status = {id(e.figure): e.status for es in chunks.values() for e in es}
        return {id(f): status.get(id(f), "") for f in figures}

    def figures(self, query: str | None = None, *, since: str = "", until: str = "", minister: str = "",
                top_k: int = 10):
        """Timelines of figures (Assistant.figures)."""
        from . import answerline, ledger

        led = self.storage.figures_ledger
        if query:
            # Timelines found two ways: through the figures of the best passages, and by the
            # closest figure descriptions (benchmarks/figures_timelines.py measures both).
            passages = self.search_many([query], top_k=top_k)[0][0]
            shown = [e for es in led.of_chunks(p.chunk_id for p in passages).values() for e in es]
            groups = ledger.choose_groups(query, passages, shown, once_a_passage=True)
            qvec = self._embedder().embed_queries([query])[0]
            groups += [g for g in ledger.semantic_groups(qvec, led.phrases(), led.groups_of_phrases, query)
                       if g not in groups]
            groups += [g for g in ledger.named_groups(query, led.keys()) if g not in groups]
            groups += [g for g in ledger.counted_groups(query, passages, led.of_docs({p.doc_id for p in passages}))
                       if g not in groups]
            entries = led.of_groups(groups)
            keep = answerline.known_quantities(query, groups, entries, passages) & ledger.fits_question(query, entries)
            keep &= ledger.narrowest(query, [e for e in entries if e.group in keep])
            entries = sorted((e for e in entries if e.group in keep), key=ledger.sort_key)
        else:
            entries = sorted(led.all(), key=lambda e: (e.group, ledger.sort_key(e)))
        return ledger.filter_entries(entries, since=since, until=until, minister=minister)

    # -- what a filter or a number lookup found (never silent) -----------------------------------
    def filter_notes(self, f: Filters | None) -> list[str]:
        """Notes on the filters over this index (see search.filter_notes)."""
        from .search import filter_notes

        if not f or not f.active():
            return []
        return filter_notes(list(self.snapshot().docs.values()), f)

    def number_result(self, query: str, f: Filters | None = None):
        """The documents a number in `query` names (None when it names no number), with notes."""
        from .search import lookup_number, parse_number_query

        nq = parse_number_query(query)
        if nq is None:
            return None
        index = self.snapshot()
        keep = set(passing(index, f)) if f and f.active() else None
        docs = [d for did, d in index.docs.items() if keep is None or did in keep]
        return lookup_number(docs, nq)

    def checked(self, query: str, f: Filters, passages: list[Passage], top_k: int) -> tuple[list[Passage], list[str]]:
        """The passages of a search with the notes that say what the filters and a number lookup
        found. A query that is only a number ('vraag nr. 999') gets no unrelated passages: the
        number's documents, those of another year (with a note), or none (with a note)."""
        from .search import is_pure_number_query

        notes = self.filter_notes(f)
        nr = self.number_result(query, f)
        if nr is None:
            return passages, notes
        notes += nr.notes
        if not is_pure_number_query(query, nr.query):
            return passages, notes
        targets = nr.found or nr.other
        if not targets:
            return [], notes
        ids = {d["doc_id"] for d in targets}
        if not passages or passages[0].doc_id not in ids:
            again = self.search_many([f"vraag {targets[0].get('number')}"], top_k=top_k, filters=[f])[0][0]
            passages = [p for p in again if p.doc_id in ids] or passages
        return passages, notes
