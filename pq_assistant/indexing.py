"""Filling an index: files (or documents already loaded) -> `pipeline.prepare` -> the storage
writer, and the rebuilds of what is derived from the catalog (BM25, the figures ledger, a
catalog from a shared Chroma server). The facade (`Assistant`) calls these; the crash-safety
protocol itself is `storage.writer`'s.

An `Indexer` holds the index's `Storage` and a function that gives the embedder (the facade
loads the model on first use, and forgets it after a --rebuild)."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .errors import LoadError
from .models import LoadedDocument

Progress = Callable[[str, int, int], None]  # (what, done, total)

# `pq ingest` writes the documents it has embedded this many chunks at a time (one Chroma upsert,
# one vector segment and two catalog transactions a batch; each costs ~30 ms whatever its size).
# A batch is written whole or not at all, like one document; a Ctrl-C or a failing file writes
# what the batch holds first. A SIGKILL costs at most this many chunks' embedding, done again by
# the next run (benchmarks/RESULTS.md, bench_ingest).
INGEST_BATCH_CHUNKS = 128


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


class Indexer:
    """Ingest, batch builds and rebuilds of one index (see the module docstring)."""

    def __init__(self, storage, embedder: Callable[[], object], forget_embedder: Callable[[], None]) -> None:
        self.storage = storage
        self._embedder = embedder
        self._forget_embedder = forget_embedder

    def ledger_build(self):
        """The ledger's build function for the writer: figures -> (entries, description vectors)."""
        from . import ledger

        # One memo for both uses: the grouping and the look-up embed the same phrases ("query: "
        # on both sides, as e5 wants for symmetric similarity).
        embed = _memo(self._embedder().embed_queries)

        def build(figures):
            entries = ledger.build(figures, embed=embed)
            return entries, embed([ledger.description(e) for e in entries])

        build.embed = embed  # the phrases' embedding: the incremental update's neighbour search
        build.version = ledger.LEDGER_VERSION  # the rules it groups by (stored with the ledger)
        return build

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, prune: bool = False, rebuild: bool = False,
               progress: Progress | None = None, on_error: Callable[[str, str], None] | None = None,
               wait: bool = True, on_wait: Callable[[], None] | None = None) -> IngestReport:
        """Add or update the documents under `paths` (Assistant.ingest)."""
        from .loaders import iter_files, load
        from .pipeline import prepare_all

        report = IngestReport()
        t0 = time.perf_counter()

        def failed(path: str, reason: str) -> None:
            report.failed.append((path, reason))
            if on_error:
                on_error(path, reason)

        with self.storage.write(wait=wait, on_wait=on_wait) as w:
            if rebuild:
                w.wipe()
                self._forget_embedder()
            emb = self._embedder()
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
            # read again whatever its other documents say (a report's question cut off while its
            # first question stands complete)
            redone = {str(Path(r).resolve()) for r in redo}
            by_path = w.catalog.by_path()
            assigned: set[str] = set()

            class Taken:  # ids of the catalog and those given out in this run (not written yet)
                @staticmethod
                def has(x: str) -> bool:
                    return x in assigned or w.catalog.has(x)

            def analyse(path: Path):
                """Load, parse, chunk and find the figures of one file (in the worker thread, while
                the main thread embeds and writes the one before): a PreparedDocument without its
                vectors, or why it failed, or "unchanged"/"upgraded" with the file's row."""
                loaded = load(path)
                key = str(path.resolve())
                known = by_path.get(key)
                row = w_rows.get(known) if known else None
                state = ""
                # unchanged only when every document read from the file is there (a report's
                # question cut off, or dropped by `pq doctor --fix`, brings the file back whole)
                stored = len(ids_by_path.get(key, []))
                whole = row is not None and stored >= int((row.extra or {}).get("file_docs") or 1)
                if row is not None and row.sha256 == loaded.sha256 and key not in redone and whole:
                    if not parser_outdated(row.to_dict()):
                        return "unchanged", None, None
                    state = "upgraded"
                later = _Later(emb)
                return state, prepare_all(loaded, doc_ids[path], key, later), later.calls

            # Ids first, in file order (as one file after another would get them).
            doc_ids: dict[Path, str] = {}
            for path in files:
                key = str(path.resolve())
                if path in doc_ids:
                    continue
                doc_ids[path] = by_path.get(key) or new_doc_id(path, key, Taken)
                assigned.add(doc_ids[path])
            w_rows = {did: w.catalog.document(did) for did in set(doc_ids.values()) if w.catalog.has(did)}
            # the documents each file gave before (a report of several questions: several)
            ids_by_path = {k: w.catalog.ids_of_path(k) for k in {str(p.resolve()) for p in doc_ids}}
            seen: set[str] = set()
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=1) as pool, w.batch(max_chunks=INGEST_BATCH_CHUNKS):
                todo = [p for p in files if not (str(p.resolve()) in seen or seen.add(str(p.resolve())))]
                ahead = pool.submit(analyse, todo[0]) if todo else None
                for i, path in enumerate(todo):
                    if progress:
                        progress(path.name, i, len(todo))
                    fut, ahead = ahead, (pool.submit(analyse, todo[i + 1]) if i + 1 < len(todo) else None)
                    try:
                        state, docs, calls = fut.result()
                    except LoadError as exc:
                        failed(exc.path, exc.reason)
                        continue
                    if state == "unchanged":
                        report.unchanged.append(str(path))
                        continue
                    if state == "upgraded":
                        report.upgraded.append(str(path))
                    key = str(path.resolve())
                    # a file read again only for a newer parser: its unchanged chunks keep their vectors
                    kept = w.stored_vectors(ids_by_path.get(key, [])) if state == "upgraded" else {}
                    for doc, texts in zip(docs, calls):
                        doc.vectors = _embed_new(emb, texts, kept)
                        w.put(doc)
                        report.chunks += len(doc.texts)
                    # a report that now holds fewer questions: the documents of those it lost go
                    new_ids = {d.doc_id for d in docs}
                    for old in ids_by_path.get(key, []):
                        if old not in new_ids:
                            w.remove(old)
                    ids_by_path[key] = sorted(new_ids)
                    by_path[key] = docs[0].doc_id
                    report.ingested.append(str(path))
            if progress:
                progress("", len(todo), len(todo))
            if prune:
                for path, dids in sorted(w.catalog.ids_by_path().items(), key=lambda kv: kv[1]):
                    if path and not os.path.exists(path):  # (a document from a server may have none)
                        for did in dids:
                            w.remove(did)
                        report.removed.append(path)
            w.refresh(self.ledger_build, _ledger_version())
        report.seconds = time.perf_counter() - t0
        return report

    def ingest_loaded(self, documents: Iterable[LoadedDocument], *, batch_chunks: int = 5000,
                      progress: Callable[[int, int], None] | None = None) -> IngestReport:
        """Add documents already loaded that the index does not hold yet (Assistant.ingest_loaded)."""
        from .pipeline import prepare_all

        report = IngestReport()
        t0 = time.perf_counter()
        with self.storage.write() as w:
            emb = self._embedder()
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
                    doc_id = new_doc_id(Path(loaded.path), key, taken)
                    try:
                        docs = prepare_all(loaded, doc_id, key, emb)
                    except LoadError as exc:
                        report.failed.append((exc.path, exc.reason))
                        continue
                    for doc in docs:
                        w.put(doc)
                        taken.add(doc.doc_id)
                        report.chunks += len(doc.texts)
                        pending_chunks += len(doc.texts)
                    known.add(key)
                    report.ingested.append(loaded.path)
                    if progress and pending_chunks >= batch_chunks:
                        progress(len(report.ingested), report.chunks)
                        pending_chunks = 0
            if progress:
                progress(len(report.ingested), report.chunks)
            w.refresh(self.ledger_build, _ledger_version())
        report.seconds = time.perf_counter() - t0
        return report

    # -- rebuilds -----------------------------------------------------------------------------
    def rebuild_ledger(self) -> int:
        with self.storage.write() as w:
            return w.rebuild_ledger(self.ledger_build())

    def rebuild_lexical(self) -> int:
        with self.storage.write() as w:
            return w.rebuild_lexical()

    def reindex(self) -> dict:
        """Rebuild what lives beside the client from the chunks in Chroma (Assistant.reindex)."""
        with self.storage.write() as w:
            w.recover()
            out = w.reindex(extra=shape_from_meta)
            n = w.rebuild_lexical()
            if w.catalog.counts()[0]:
                w.rebuild_ledger(self.ledger_build())
            docs = w.catalog.counts()[0]
        return {"documents": docs, **out, "lexical_chunks": n}


def _ledger_version() -> int:
    from .figures.ledger import LEDGER_VERSION

    return LEDGER_VERSION


class _Later:
    """An embedder that only notes what it is asked to embed (zeros for now): the document is
    prepared in the worker thread, its vectors are made in the main thread."""

    def __init__(self, real) -> None:
        self.name, self.dim, self.calls = real.name, real.dim, []

    def embed_passages(self, texts: list[str]):
        self.calls.append(list(texts))  # one call a document (a report of several questions: several)
        return np.zeros((len(texts), self.dim), dtype=np.float32)


def _embed_new(emb, texts: list[str], kept: dict):
    """The vectors of `texts`: those in `kept` (text -> stored vector, same model) as they are,
    the others embedded now."""
    if not kept:
        return emb.embed_passages(texts)
    todo = [i for i, t in enumerate(texts) if t not in kept]
    fresh = emb.embed_passages([texts[i] for i in todo]) if todo else []
    out = np.zeros((len(texts), emb.dim), dtype=np.float32)
    for i, t in enumerate(texts):
        if t in kept:
            out[i] = kept[t]
    for j, i in enumerate(todo):
        out[i] = fresh[j]
    return out


def new_doc_id(path: Path, key: str, taken) -> str:
    """The file's id, or (when another file has it) the id with a hash of the path."""
    from .parsing import doc_id_for

    base = doc_id_for(path)
    has = taken.has if hasattr(taken, "has") else taken.__contains__
    if not has(base):
        return base
    return f"{base}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"


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


def shape_from_meta(m: dict) -> dict:
    """The shape fields of a catalog row rebuilt from chunk metadata (pq reindex)."""
    from .parsing import PARSER_VERSION

    split = lambda v: [x for x in str(v or "").split("; ") if x]  # noqa: E731
    return {"type": m.get("type", ""), "parliament": m.get("parliament", ""), "session": m.get("session", ""),
            "answer_date": m.get("answer_date", ""), "askers": split(m.get("askers")), "numbers": split(m.get("numbers")),
            "meeting": m.get("meeting", ""), "parser": PARSER_VERSION if m.get("type") else 1}


def parser_outdated(entry: dict) -> bool:  # entry: a catalog row as a dict
    """A document parsed by an older parser (an index built before the document types): the
    next ingest parses it again from its file (unchanged files included); nothing else changes."""
    from .parsing import PARSER_VERSION

    return int(entry.get("parser") or 1) < PARSER_VERSION
