"""The facade that the CLI, the tests and the README examples call.

    from pq_assistant import Assistant
    a = Assistant("index")
    a.ingest(["corpus"])
    for p in a.search("Hoeveel Huizen van het Kind zijn er erkend?", top_k=3):
        print(p.citation, p.text)

Configuration comes in as arguments (the CLI reads flags and PQ_* variables); nothing here reads
the environment. Everything on disk goes through `storage`.
"""
from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .errors import IndexError_, LoadError, UsageError
from .figures.ledger import figure_dict  # the JSON form of a figure; importable from here as before
from .models import Figure, LoadedDocument, Passage, PQDocument
from .ranking import NO_ANSWER_BELOW
from .search import Filters, doc_passes, strip_filter_terms
from .storage import Snapshot, Storage
from .thesaurus import expand

DEFAULT_INDEX = "index"


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    removed: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)  # unchanged files read again by a newer parser
    chunks: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"ingested": self.ingested, "unchanged": self.unchanged, "removed": self.removed,
                "upgraded": self.upgraded,
                "failed": [{"path": p, "reason": r} for p, r in self.failed], "chunks": self.chunks,
                "seconds": round(self.seconds, 3)}


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




Progress = Callable[[str, int, int], None]  # (what, done, total)


class Assistant:
    """Ingest PQ documents into an index and answer questions over it."""

    def __init__(self, index: str | Path | None = None, model: str | None = None,
                 chroma_url: str | None = None, *, collection: str | None = None, thesaurus: bool = True,
                 on_notice: Callable[[str], None] | None = None) -> None:
        self.index = Path(index) if index else Path(DEFAULT_INDEX)
        self.model = model
        self.thesaurus = thesaurus
        self.storage = Storage(self.index, chroma_url=chroma_url, collection=collection, on_notice=on_notice)
        self._embedder = None

    @property
    def lexical(self):
        return self.storage.lexical

    # -- model --------------------------------------------------------------------------------
    @property
    def embedder(self):
        """The embedder: the one asked for, else the one that built the index, else the default."""
        if self._embedder is None:
            from .embeddings import get_embedder, resolve_name

            built_with = self.storage.catalog.model if self.storage.exists() else None
            if self.model:
                self.storage.check_model(resolve_name(self.model))
            self._embedder = get_embedder(self.model or built_with)
            self.storage.check_model(self._embedder.name, self._embedder.dim)
        return self._embedder

    def _ledger_build(self):
        """The ledger's build function for the writer: figures -> (entries, description vectors)."""
        from . import ledger

        # One memo for both uses: the grouping and the look-up embed the same phrases ("query: "
        # on both sides, as e5 wants for symmetric similarity).
        embed = _memo(self.embedder.embed_queries)

        def build(figures):
            entries = ledger.build(figures, embed=embed)
            return entries, embed([ledger.description(e) for e in entries])

        return build

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, prune: bool = False, rebuild: bool = False,
               progress: Progress | None = None, on_error: Callable[[str, str], None] | None = None,
               wait: bool = True, on_wait: Callable[[], None] | None = None) -> IngestReport:
        """Add or update the documents under `paths`; see IngestReport. Bad files are reported
        (and passed to `on_error`) while the others go on; nothing already ingested is lost."""
        from .loaders import iter_files, load
        from .pipeline import prepare

        report = IngestReport()
        t0 = time.perf_counter()

        def failed(path: str, reason: str) -> None:
            report.failed.append((path, reason))
            if on_error:
                on_error(path, reason)

        with self.storage.write(wait=wait, on_wait=on_wait) as w:
            if rebuild:
                w.wipe()
                self._embedder = None
            emb = self.embedder
            redo = w.recover()
            w.set_model(emb.name, emb.dim)
            files: list[Path] = []
            for p in paths:
                try:
                    files.extend(iter_files([p]))
                except LoadError as exc:
                    failed(exc.path, exc.reason)
            # A document whose update was cut off is ingested again even when not named this time.
            named = {str(f.resolve()) for f in files}
            files += [Path(r) for r in redo if r not in named]
            by_path = w.catalog.by_path()
            for i, path in enumerate(files):
                if progress:
                    progress(path.name, i, len(files))
                try:
                    loaded = load(path)
                except LoadError as exc:
                    failed(exc.path, exc.reason)
                    continue
                key = str(path.resolve())
                doc_id = by_path.get(key) or self._new_doc_id(path, key, w.catalog)
                row = w.catalog.document(doc_id) if by_path.get(key) else None
                if row is not None and row.sha256 == loaded.sha256:
                    if not _parser_outdated(row.to_dict()):
                        report.unchanged.append(str(path))
                        continue
                    report.upgraded.append(str(path))
                try:
                    w.put(prepare(loaded, doc_id, key, emb))
                except LoadError as exc:
                    failed(exc.path, exc.reason)
                    continue
                by_path[key] = doc_id
                report.ingested.append(str(path))
                report.chunks += w.catalog.document(doc_id).chunks
            if progress:
                progress("", len(files), len(files))
            if prune:
                for did, row in w.catalog.documents().items():
                    if not Path(row.path).exists():
                        w.remove(did)
                        report.removed.append(row.path)
            w.refresh(self._ledger_build)
        report.seconds = time.perf_counter() - t0
        return report

    def ingest_loaded(self, documents: Iterable[LoadedDocument], *, batch_chunks: int = 5000,
                      progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Add documents already loaded (or made in memory) that the index does not hold yet (by
        path), written `batch_chunks` chunks at a time (large builds: one vector upsert and two
        catalog transactions a batch). Changed and removed files are left to `ingest`.
        `progress(docs_done, chunks_done)` is called after each batch."""
        from .pipeline import prepare

        report = IngestReport()
        t0 = time.perf_counter()
        with self.storage.write() as w:
            emb = self.embedder
            w.recover()
            w.set_model(emb.name, emb.dim)
            known = set(w.catalog.by_path())
            taken: set[str] = set(w.catalog.doc_ids())
            pending_chunks = 0
            with w.batch(max_chunks=batch_chunks):
                for loaded in documents:
                    key = str(Path(loaded.path).resolve())
                    if key in known:
                        report.unchanged.append(loaded.path)
                        continue
                    doc_id = self._new_doc_id(Path(loaded.path), key, taken)
                    try:
                        doc = prepare(loaded, doc_id, key, emb)
                    except LoadError as exc:
                        report.failed.append((exc.path, exc.reason))
                        continue
                    w.put(doc)
                    known.add(key)
                    taken.add(doc_id)
                    report.ingested.append(loaded.path)
                    report.chunks += len(doc.texts)
                    pending_chunks += len(doc.texts)
                    if progress and pending_chunks >= batch_chunks:
                        progress(len(report.ingested), report.chunks)
                        pending_chunks = 0
            if progress:
                progress(len(report.ingested), report.chunks)
            w.refresh(self._ledger_build)
        report.seconds = time.perf_counter() - t0
        return report

    @staticmethod
    def _new_doc_id(path: Path, key: str, taken) -> str:
        """The file's id, or (when another file has it) the id with a hash of the path."""
        from .parsing import doc_id_for

        base = doc_id_for(path)
        has = taken.has if hasattr(taken, "has") else taken.__contains__
        if not has(base):
            return base
        return f"{base}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"

    def rebuild_ledger(self) -> int:
        """Group every figure of the index into timelines and save the ledger."""
        with self.storage.write() as w:
            return w.rebuild_ledger(self._ledger_build())

    def rebuild_lexical(self) -> int:
        """Rebuild the BM25 index from the chunks in the vector store."""
        with self.storage.write() as w:
            return w.rebuild_lexical()

    def ledger_vectors(self):
        """Embeddings of the ledger's figure descriptions (aligned with `ledger()`)."""
        return self.storage.ledger_vectors()

    def ledger(self):
        """The figures ledger (list of ledger.LedgerEntry)."""
        return self.storage.ledger()

    def figures(self, query: str | None = None, *, since: str = "", until: str = "", minister: str = "",
                top_k: int = 10):
        """Timelines of figures: for `query` the quantities it asks about (found through the best
        passages), else the whole ledger. Entries are ordered by timeline, then reference date."""
        from . import answerline, ledger

        entries = self.ledger()
        if query:
            # Timelines found two ways: through the figures of the best passages, and by the
            # closest figure descriptions (benchmarks/figures_timelines.py measures both).
            passages = self.search(query, top_k=top_k)
            groups = ledger.choose_groups(query, passages, entries)
            qvec = self.embedder.embed_queries([query])[0]
            groups += [g for g in ledger.semantic_groups(qvec, self.ledger_vectors(), entries, query) if g not in groups]
            groups += [g for g in ledger.named_groups(query, entries) if g not in groups]
            keep = answerline.known_quantities(query, groups, entries, passages)
            entries = sorted((e for e in entries if e.group in keep), key=ledger.sort_key)
        else:
            entries = sorted(entries, key=lambda e: (e.group, ledger.sort_key(e)))
        return ledger.filter_entries(entries, since=since, until=until, minister=minister)

    def reindex(self) -> dict:
        """Rebuild what lives beside the client from the chunks in Chroma: the catalog entries of
        documents that another client put on a shared server, the BM25 index and the ledger."""
        with self.storage.write() as w:
            w.recover()
            out = w.reindex(extra=_shape_from_meta)
            n = w.rebuild_lexical()
            if w.catalog.counts()[0]:
                w.rebuild_ledger(self._ledger_build())
            docs = w.catalog.counts()[0]
        return {"documents": docs, **out, "lexical_chunks": n}

    # -- doctor -------------------------------------------------------------------------------
    def check(self):
        """What disagrees between the parts of the index (storage.check.Problem list)."""
        from .storage.check import check_index

        return check_index(self.storage)

    def repair(self, *, wait: bool = True, on_wait=None) -> list[str]:
        """Repair what `check` finds and can be repaired safely; returns what was done."""
        from .storage.check import fix_index

        return fix_index(self.storage, reingest=lambda paths: self.ingest(paths, wait=wait, on_wait=on_wait),
                         ledger_build=self._ledger_build, wait=wait, on_wait=on_wait)

    # -- reading ------------------------------------------------------------------------------
    def require_index(self) -> Snapshot:
        """The index as readers see it now (model, dimension, documents by id) if it holds any
        (else an IndexError_ that says how to fill it)."""
        if self.storage.is_empty():
            raise IndexError_(f"geen index in {self.index} (of hij is leeg): maak hem met  pq ingest corpus/ --index {self.index}")
        return self.storage.snapshot()

    def is_empty(self) -> bool:
        return self.storage.is_empty()

    def documents(self, filters: Filters | None = None) -> list[dict]:
        """The ingested documents (newest first), filtered: catalog rows as dicts."""
        index = self.require_index()
        docs = list(index.docs.values())
        if filters and filters.active():
            keep = set(self._passing(index, filters))
            docs = [d for d in docs if d["doc_id"] in keep]
        return sorted(docs, key=lambda d: (d.get("date") or "", d["file"]), reverse=True)

    @staticmethod
    def _passing(index: Snapshot, f: Filters) -> list[str]:
        """Ids of the documents that pass the filters (search.doc_passes decides), looked at only
        among the snapshot's candidates for the names and dates (cheap at any size)."""
        from .search import widen_date

        from dataclasses import replace

        cands = index.candidates(minister=f.minister, asker=f.asker,
                                 since=widen_date(f.since, end=False) if f.since else "",
                                 until=widen_date(f.until, end=True) if f.until else "")
        # The candidates' dates are exact (the same comparison as doc_passes): the rest decides.
        rest = replace(f, since="", until="")
        if not rest.active():
            return cands
        return [did for did in cands if doc_passes(index.docs[did], rest)]

    def resolve_doc(self, ref: str) -> str:
        """A doc id from an id, a file name, a path or a question number ('503', '503/2018')."""
        self.require_index()
        cat = self.storage.catalog
        if cat.has(ref):
            return ref
        docs = cat.documents()
        name = Path(ref).name
        hits = [did for did, d in docs.items() if d.file == name or d.path == ref or Path(d.file).stem == ref]
        if not hits and (m := re.fullmatch(r"(?:nr\.?\s*)?(\d+)(?:\s*[/ ]\s*(\d{4}))?", ref.strip())):
            hits = cat.by_number(m.group(1), m.group(2) or "")
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise UsageError(f"geen document {ref!r} in de index {self.index} (zie: pq docs)")
        raise UsageError(f"{ref!r} past bij meerdere documenten: {', '.join(sorted(hits))}; geef de bestandsnaam")

    def document(self, ref: str) -> PQDocument:
        """The parsed structure of one document."""
        from .pipeline import record_to_document

        did = self.resolve_doc(ref)
        rec = self.storage.catalog.record(did)
        if rec is None:
            raise IndexError_(f"index {self.index}: het record van {did} ontbreekt; herstel met  pq doctor --fix --index {self.index}")
        return record_to_document(rec)

    def record(self, doc_id: str) -> dict | None:
        """The stored parsed record of a document (a dict; None for one without a record)."""
        return self.storage.catalog.record(doc_id)

    def chunk_ids(self, doc_id: str) -> list[str]:
        """The chunk ids of a document, in document order."""
        return self.storage.catalog.chunk_ids(doc_id)

    def chunks(self, ids: list[str]) -> dict[str, dict]:
        """Chunk id -> {"text", "metadata"} for the ids that exist."""
        return self.storage.vectors.get(ids)

    def section_vectors(self, section: str) -> list[tuple[dict, object]]:
        """(metadata, stored embedding) of every chunk of one section ("question", "answer", ...)."""
        return [(meta, emb) for _cid, _t, meta, emb in self.storage.vectors.where({"section": section}, embeddings=True)]

    def stats(self) -> dict:
        s = self.storage
        if not s.exists():
            return {"documents": 0, "chunks": 0, "figures": 0, "model": None, "dim": None, "index": str(self.index),
                    "schema": None, "chroma": s.vectors.where_label, "lexical_chunks": len(s.lexical.ids),
                    "updated": None}
        st = s.catalog.state()
        n_docs, n_chunks, n_figs = s.catalog.counts()
        return {"documents": n_docs, "chunks": n_chunks, "figures": n_figs, "model": st.model, "dim": st.dim,
                "index": str(self.index), "schema": st.schema, "chroma": s.vectors.where_label,
                "lexical_chunks": len(s.lexical.ids), "updated": st.updated}

    # -- search -------------------------------------------------------------------------------
    def search(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> list[Passage]:
        """The best passages for `query`: hybrid dense + BM25, filtered, number lookup first."""
        return self.search_many([query], top_k=top_k, filters=[filters or Filters()])[0]

    def search_many(self, queries: list[str], *, top_k: int = 5,
                    filters: list[Filters] | None = None) -> list[list[Passage]]:
        """Like `search` for many queries at once (the model embeds them in one batch)."""
        return self._search_many(queries, top_k=top_k, filters=filters)[0]

    def _search_many(self, queries: list[str], *, top_k: int = 5,
                     filters: list[Filters] | None = None) -> tuple[list[list[Passage]], object]:
        index = self.require_index()
        filters = filters or [Filters() for _ in queries]
        # Names given as filters are enforced by the filter; left in the query text they would
        # only pull in every chunk that prints that name (answer headers).
        queries = [strip_filter_terms(q, f) for q, f in zip(queries, filters)]
        qvecs = self.embedder.embed_queries(list(queries)) if queries else np.zeros((0, 1))
        out = []
        for query, f, qv in zip(queries, filters, qvecs):
            out.append(self._search_one(query, qv, top_k, f, index))
        return out, qvecs

    def _search_one(self, query: str, qvec, top_k: int, f: Filters, index: Snapshot) -> list[Passage]:
        from . import lay
        from .ranking import rank

        view = _StoreView(self, index)
        # The thesaurus adds the official terms to the BM25 query only: measured on the dev set,
        # expanding the dense query as well pulled e5 away from the question's own wording.
        hits = rank(view, query, qvec, top_k, f, lexical_query=expand(query) if self.thesaurus else query,
                    recency=self._recency(index), figure_dates=self._figure_dates, lay=lay.for_index(self.index))
        docs = index.docs
        out = []
        for h in hits:
            # The score shown is the calibrated confidence (comparable across questions); the
            # order is the ranker's.
            p = self.passage(h.chunk_id, h.text, h.metadata, h.confidence, docs)
            p.dense, p.lexical, p.pinned, p.coverage, p.rank_score = h.dense, h.lexical, h.pinned, h.coverage, h.score
            out.append(p)
        return out

    def _figure_dates(self, cid: str) -> list[str]:
        """Reference dates of the figures of a chunk (for a question that names a time)."""
        return [f.date for f in self._figures_by_chunk().get(cid, []) if f.date]

    def _recency(self, index: Snapshot) -> dict[str, float]:
        """0 for the oldest dated document, 1 for the newest (undated: 0); computed once per
        snapshot (profiled: 140 ms a search at 26k documents when done each time)."""
        from .ranking import recency_map

        if getattr(self, "_recency_src", None) is index:
            return self._recency_map
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
        p.figures = self._figures_by_chunk().get(cid, [])
        return p

    def _figures_by_chunk(self) -> dict[str, list[Figure]]:
        if getattr(self, "_by_chunk_src", None) is not self.ledger():
            self._by_chunk_src = self.ledger()
            self._by_chunk: dict[str, list[Figure]] = {}
            for e in self._by_chunk_src:
                self._by_chunk.setdefault(e.figure.chunk_id, []).append(e.figure)
        return self._by_chunk

    def ask(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> Answer:
        """Passages plus the figures found in them (newest reference date first)."""
        return self.ask_many([query], top_k=top_k, filters=[filters or Filters()])[0]

    def ask_many(self, queries: list[str], *, top_k: int = 5, filters: list[Filters] | None = None) -> list[Answer]:
        """`ask` for many queries; the model embeds them in one batch (`pq ask --batch`)."""
        from . import answerline, ledger
        from .querytime import query_time
        from .search import number_lookup

        filters = filters or [Filters() for _ in queries]
        found, qvecs = self._search_many(queries, top_k=top_k, filters=filters)
        entries = self.ledger()
        by_figure = {id(e.figure): e for e in entries}
        out = []
        for query, f, passages, qv in zip(queries, filters, found, qvecs):
            passages, notes = self.checked(query, f, passages, top_k)
            nl = number_lookup(query)
            qt = query_time(query, {nl[1]} if nl and nl[1] else None)
            groups: list[int] = []
            semantic: list[int] = []
            if entries and passages:
                groups = ledger.choose_groups(query, passages, entries, max_groups=6)
                if answerline.is_figure_question(query):
                    semantic = ledger.semantic_groups(qv, self.ledger_vectors(), entries, query)
                    groups += [g for g in semantic if g not in groups]
            # The answer line obeys the filters like the passages: only figures of documents that pass.
            pool = entries
            if f.active():
                docs = self.require_index().docs
                pool = [e for e in entries if (d := docs.get(e.figure.doc_id)) is not None and doc_passes(d, f)]
            line = answerline.choose(query, qt, passages, pool, groups, ledger.sort_key, self.cite, semantic)
            if line is not None and not any(p.score >= NO_ANSWER_BELOW for p in passages):
                line = None  # nothing answers the question: no figure is offered as its answer
            if line is not None:
                passages = self._lead_with(line.chunk_id, query, passages, top_k)
            figs = answerline.relevant_figures(query, passages, groups, by_figure, line, entries)
            out.append(Answer(query=query, passages=passages, figures=figs, filters=f,
                              status=self.figure_status(figs), answer=line, time=qt,
                              replaced_by=answerline.replaced_by(figs, by_figure, entries), weak_below=NO_ANSWER_BELOW,
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
            index = self.require_index()
            got = _StoreView(self, index).chunks([chunk_id]).get(chunk_id)
            if got is None:
                return passages
            meta = got["metadata"] or {}
            floor = min((p.dense for p in passages if p.dense is not None), default=0.8)
            cov = coverage(query, (meta.get("ctx") or "") + " " + got["text"])
            hit = self.passage(chunk_id, got["text"], meta, confidence(floor, cov), index.docs)
            hit.coverage = cov
        return [hit] + [p for p in passages if p.chunk_id != chunk_id][: max(0, top_k - 1)]

    def cite(self, doc_id: str, page: int | None = None) -> str:
        """The citation of a document (at a page), as the passages carry it."""
        from .citations import citation_from_meta

        d = self.require_index().docs.get(doc_id, {})
        meta = {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in d.items()}
        meta.update(doc=d.get("file", doc_id), doc_id=doc_id)
        return citation_from_meta(meta, page, d.get("pages", 0))

    # -- what a filter or a number lookup found (never silent) -----------------------------------
    def filter_notes(self, f: Filters | None) -> list[str]:
        """Notes on the filters over this index: documents lacking the field, unknown names with
        the closest names of the index (see search.filter_notes)."""
        from .search import filter_notes

        if not f or not f.active():
            return []
        return filter_notes(list(self.require_index().docs.values()), f)

    def number_result(self, query: str, f: Filters | None = None):
        """The documents a number in `query` names (None when it names no number), with notes."""
        from .search import lookup_number, parse_number_query

        nq = parse_number_query(query)
        if nq is None:
            return None
        index = self.require_index()
        keep = set(self._passing(index, f)) if f and f.active() else None
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
            again = self.search(f"vraag {targets[0].get('number')}", top_k=top_k, filters=f)
            passages = [p for p in again if p.doc_id in ids] or passages
        return passages, notes

    def figure_status(self, figures: list[Figure]) -> dict[int, str]:
        """Each figure's place in its timeline (latest / superseded / conflict), by id(figure)."""
        status = {id(e.figure): e.status for e in self.ledger()}
        return {id(f): status.get(id(f), "") for f in figures}

    # -- figures ------------------------------------------------------------------------------
    def all_figures(self) -> list[Figure]:
        """Every figure of the index."""
        return [e.figure for e in self.ledger()]

    # -- long-running readers -----------------------------------------------------------------
    def refresh(self) -> bool:
        """Pick up what another process (an ingest) wrote since this Assistant read the index.

        A long-running reader (`pq serve`) calls it before each request; `pq ask` gets the same
        by starting fresh. Costs one catalog query when nothing changed: every write of an index
        is a catalog transaction (the BM25 index and the ledger are marked in sync by one too),
        so a new catalog generation means there is something to see. A local Chroma client does
        not see vectors that another process added after it was opened: it is closed and opened
        again (~0.3 s, only after a change). The embedder stays loaded. Not thread-safe: the
        caller holds its lock. Returns whether anything was reloaded."""
        s = self.storage
        try:
            gen = s.catalog.generation if s.exists() else None
        except IndexError_:
            gen = None
        if gen == getattr(self, "_refresh_gen", None):
            return False
        first = not hasattr(self, "_refresh_gen")
        self._refresh_gen = gen
        if not first:
            s.vectors.close()
        s.forget_caches()
        return True


class _StoreView:
    """The ranker's read view of this index (ranking.IndexView), on the storage API."""

    def __init__(self, a: "Assistant", index: Snapshot) -> None:
        self.a, self.index, self.docs = a, index, index.docs
        self.vectors = a.storage.vectors

    def passing(self, f: Filters) -> list[str]:
        """Ids of the documents that pass the filters."""
        return self.a._passing(self.index, f)

    # A filtered dense search first asks for more neighbours and drops the other documents' chunks:
    # Chroma's `$in` over thousands of document ids costs far more (361 ms a search at 150k chunks,
    # benchmarks/bench_scale.py) than an unfiltered query for a few thousand neighbours. Only when
    # that finds too few (a narrow filter) does it ask Chroma with the filter.
    WIDE_MAX = 2000

    def dense(self, qvec, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        if doc_ids is None:
            return self.vectors.query(qvec, k)
        if not doc_ids:
            return []
        share = len(doc_ids) / max(1, len(self.docs))
        total = self.index.chunk_total()
        wide = min(total, int(k / share * 2) + k)
        if share > 0.3 or wide <= self.WIDE_MAX:
            keep = set(doc_ids)
            hits = [h for h in self.vectors.query(qvec, max(1, wide)) if h[0].split(":", 1)[0] in keep]
            if len(hits) >= k or wide >= total or share > 0.3:
                return hits[:k]
        return self.vectors.query(qvec, k, doc_ids)

    def lexical(self, text: str, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        mask = self.a.lexical.doc_mask(doc_ids) if doc_ids is not None else None
        return self.a.lexical.search(text, k, mask)

    def chunk_count(self) -> int:
        return self.index.chunk_total()

    def chunks(self, ids: list[str]) -> dict[str, dict]:
        return self.vectors.get(ids)

    def doc_chunk_ids(self, doc_id: str) -> list[str]:
        return self.a.storage.catalog.chunk_ids(doc_id)


def _memo(embed):
    """Wrap an embed function so each distinct text is embedded once, across calls."""
    seen: dict[str, np.ndarray] = {}

    def run(texts: list[str]):
        new = [t for t in dict.fromkeys(texts) if t not in seen]
        if new:
            seen.update(zip(new, embed(new)))
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([seen[t] for t in texts])

    return run




def _shape_from_meta(m: dict) -> dict:
    """The shape fields of a catalog row rebuilt from chunk metadata (pq reindex)."""
    from .parsing import PARSER_VERSION

    split = lambda v: [x for x in str(v or "").split("; ") if x]  # noqa: E731
    return {"type": m.get("type", ""), "parliament": m.get("parliament", ""), "session": m.get("session", ""),
            "answer_date": m.get("answer_date", ""), "askers": split(m.get("askers")), "numbers": split(m.get("numbers")),
            "meeting": m.get("meeting", ""), "parser": PARSER_VERSION if m.get("type") else 1}


def _parser_outdated(entry: dict) -> bool:  # entry: a catalog row as a dict
    """A document parsed by an older parser (an index built before the document types): the
    next ingest parses it again from its file (unchanged files included); nothing else changes."""
    from .parsing import PARSER_VERSION

    return int(entry.get("parser") or 1) < PARSER_VERSION
