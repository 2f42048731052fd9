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

import re
from pathlib import Path
from typing import Callable, Iterable

from .errors import IndexError_, UsageError
from .figures.ledger import figure_dict  # noqa: F401 - the JSON form of a figure; importable from here as before
from .indexing import IngestReport, Progress  # noqa: F401 - importable from here as before
from .models import Figure, LoadedDocument, Passage, PQDocument
from .search import Filters
from .searcher import Answer, Searcher, passing
from .storage import Snapshot, Storage

DEFAULT_INDEX = "index"


class Assistant:
    """Ingest PQ documents into an index and answer questions over it: a facade over
    `indexing.Indexer` (filling the index), `searcher.Searcher` (search and answers) and
    `storage.Storage` (everything on disk)."""

    def __init__(self, index: str | Path | None = None, model: str | None = None,
                 chroma_url: str | None = None, *, collection: str | None = None, thesaurus: bool = True,
                 on_notice: Callable[[str], None] | None = None, exact_search: bool = False) -> None:
        """`exact_search`: rank every chunk exactly over the index's vector segments rather than
        through Chroma's HNSW index (a process that answers one question: no index to load)."""
        from .indexing import Indexer

        self.index = Path(index) if index else Path(DEFAULT_INDEX)
        self.model = model
        self.storage = Storage(self.index, chroma_url=chroma_url, collection=collection, on_notice=on_notice,
                               exact_search=exact_search)
        self._embedder = None
        self.indexer = Indexer(self.storage, lambda: self.embedder, self._forget_embedder)
        self.searcher = Searcher(self.storage, lambda: self.embedder, self.require_index, thesaurus=thesaurus)

    @property
    def lexical(self):
        return self.storage.lexical

    @property
    def thesaurus(self) -> bool:
        return self.searcher.thesaurus

    @thesaurus.setter
    def thesaurus(self, value: bool) -> None:
        self.searcher.thesaurus = value

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

    def _forget_embedder(self) -> None:
        self._embedder = None

    def _ledger_build(self):
        return self.indexer.ledger_build()

    # -- filling the index (indexing.Indexer) ---------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, prune: bool = False, rebuild: bool = False,
               progress: Progress | None = None, on_error: Callable[[str, str], None] | None = None,
               wait: bool = True, on_wait: Callable[[], None] | None = None) -> IngestReport:
        """Add or update the documents under `paths`; see IngestReport. Bad files are reported
        (and passed to `on_error`) while the others go on; nothing already ingested is lost."""
        return self.indexer.ingest(paths, prune=prune, rebuild=rebuild, progress=progress, on_error=on_error,
                                   wait=wait, on_wait=on_wait)

    def ingest_loaded(self, documents: Iterable[LoadedDocument], *, batch_chunks: int = 5000,
                      progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Add documents already loaded (or made in memory) that the index does not hold yet (by
        path), written `batch_chunks` chunks at a time (large builds: one vector upsert and two
        catalog transactions a batch). Changed and removed files are left to `ingest`.
        `progress(docs_done, chunks_done)` is called after each batch."""
        return self.indexer.ingest_loaded(documents, batch_chunks=batch_chunks, progress=progress)

    def rebuild_ledger(self) -> int:
        """Group every figure of the index into timelines and save the ledger."""
        return self.indexer.rebuild_ledger()

    def rebuild_lexical(self) -> int:
        """Rebuild the BM25 index from the chunks in the vector store."""
        return self.indexer.rebuild_lexical()

    def reindex(self) -> dict:
        """Rebuild what lives beside the client from the chunks in Chroma: the catalog entries of
        documents that another client put on a shared server, the BM25 index and the ledger."""
        return self.indexer.reindex()

    # -- doctor -------------------------------------------------------------------------------
    def check(self):
        """What disagrees between the parts of the index (storage.check.Problem list)."""
        from .storage.check import check_index

        return check_index(self.storage)

    def repair(self, *, wait: bool = True, on_wait=None) -> list[str]:
        """Repair what `check` finds and can be repaired safely; returns what was done."""
        from .storage.check import fix_index

        return fix_index(self.storage, reingest=lambda paths: self.ingest(paths, wait=wait, on_wait=on_wait),
                         ledger_build=self.indexer.ledger_build, wait=wait, on_wait=on_wait)

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
            keep = set(passing(index, filters))
            docs = [d for d in docs if d["doc_id"] in keep]
        return sorted(docs, key=lambda d: (d.get("date") or "", d["file"]), reverse=True)

    _passing = staticmethod(passing)

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
        raise UsageError(f"{ref!r} past bij meerdere documenten: {', '.join(sorted(hits))}; geef er het id van (zie: pq docs)")

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
        return self.storage.chunks(ids)

    def section_vectors(self, section: str) -> list[tuple[dict, object]]:
        """(metadata, stored embedding) of every chunk of one section ("question", "answer", ...)."""
        return self.storage.section_vectors(section)

    def stats(self) -> dict:
        return self.storage.stats()

    # -- search and answers (searcher.Searcher) ---------------------------------------------------
    def search(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> list[Passage]:
        """The best passages for `query`: hybrid dense + BM25, filtered, number lookup first."""
        return self.search_many([query], top_k=top_k, filters=[filters or Filters()])[0]

    def search_many(self, queries: list[str], *, top_k: int = 5,
                    filters: list[Filters] | None = None) -> list[list[Passage]]:
        """Like `search` for many queries at once (the model embeds them in one batch)."""
        return self.searcher.search_many(queries, top_k=top_k, filters=filters)[0]

    def ask(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> Answer:
        """Passages plus the figures found in them (newest reference date first)."""
        return self.ask_many([query], top_k=top_k, filters=[filters or Filters()])[0]

    def ask_many(self, queries: list[str], *, top_k: int = 5, filters: list[Filters] | None = None) -> list[Answer]:
        """`ask` for many queries; the model embeds them in one batch (`pq ask --batch`)."""
        return self.searcher.ask_many(queries, top_k=top_k, filters=filters)

    def passage(self, cid: str, text: str, meta: dict, score: float, docs: dict) -> Passage:
        """A Passage for a stored chunk, with its citation and its figures."""
        return self.searcher.passage(cid, text, meta, score, docs)

    def cite(self, doc_id: str, page: int | None = None) -> str:
        """The citation of a document (at a page), as the passages carry it."""
        return self.searcher.cite(doc_id, page)

    def filter_notes(self, f: Filters | None) -> list[str]:
        """Notes on the filters over this index: documents lacking the field, unknown names with
        the closest names of the index (see search.filter_notes)."""
        return self.searcher.filter_notes(f)

    def number_result(self, query: str, f: Filters | None = None):
        """The documents a number in `query` names (None when it names no number), with notes."""
        return self.searcher.number_result(query, f)

    def checked(self, query: str, f: Filters, passages: list[Passage], top_k: int) -> tuple[list[Passage], list[str]]:
        """The passages of a search with the notes of what the filters and a number lookup found."""
        return self.searcher.checked(query, f, passages, top_k)

    # -- figures ------------------------------------------------------------------------------
    def ledger(self):
        """Every entry of the figures ledger (list of ledger.LedgerEntry; for a question, use
        `figures(query)` or `figures_ledger`, which read only what it needs)."""
        return self.storage.ledger()

    @property
    def figures_ledger(self):
        """The figures ledger as the storage reads it (storage.ledgerdb.LedgerDB): the figures of
        some chunks, documents or timelines, the phrase vectors, the timelines' keys."""
        return self.storage.figures_ledger

    def figures(self, query: str | None = None, *, since: str = "", until: str = "", minister: str = "",
                top_k: int = 10):
        """Timelines of figures: for `query` the quantities it asks about (found through the best
        passages), else the whole ledger. Entries are ordered by timeline, then reference date."""
        return self.searcher.figures(query, since=since, until=until, minister=minister, top_k=top_k)

    def figure_status(self, figures: list[Figure]) -> dict[int, str]:
        """Each figure's place in its timeline (latest / superseded / conflict), by id(figure)."""
        return self.searcher.figure_status(figures)

    def all_figures(self) -> list[Figure]:
        """Every figure of the index."""
        return [e.figure for e in self.ledger()]

    # -- long-running readers -----------------------------------------------------------------
    def refresh(self) -> bool:
        """Pick up what another process (an ingest) wrote since this Assistant read the index.

        A long-running reader (`pq serve`) calls it before each request; `pq ask` gets the same
        by starting fresh. Costs one catalog query when nothing changed (see Storage.refresh).
        The embedder stays loaded. Not thread-safe: the caller holds its lock. Returns whether
        anything was reloaded."""
        return self.storage.refresh()
