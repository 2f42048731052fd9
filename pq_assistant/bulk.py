"""Bulk ingest: many new documents in large batches (for big indexes and the scale benchmark).

`Assistant.ingest` writes each document as one crash-safe unit: a Chroma upsert of its few chunks
and two manifest writes (with fsync) per document. That is right for a corpus folder, but the
manifest grows with the index, so a build of tens of thousands of documents slows down
quadratically (at 16,000 documents one manifest write takes ~0.4 s).

`bulk_ingest` runs the very same per-document code (`Assistant._ingest_one`: parse, chunk,
figures, embed, chunk metadata, record, manifest entry) against a store that defers the writes:
chunks go to Chroma `batch_chunks` at a time, the manifest is written twice a batch, document
records without one fsync each (one sync a batch), and the BM25 index and the figures ledger are
rebuilt once at the end.

It only adds documents the index does not hold yet (by path); changed or removed files are left to
`Assistant.ingest`. Crash safety is per batch: before a batch's chunks are written the manifest
names its documents as `pending_bulk` (without their entries); a later `bulk_ingest` drops what a
cut-off batch left behind before it goes on.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Callable, Iterable

from .errors import IndexError_, LoadError
from .models import LoadedDocument


class _DeferredStore:
    """The index store with the per-document writes of `_ingest_one` deferred to `flush`."""

    def __init__(self, store) -> None:
        self._store = store
        self.ids: list[str] = []
        self.vectors: list = []
        self.texts: list[str] = []
        self.metas: list[dict] = []
        self.docs: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self._store, name)

    def save_manifest(self) -> None:  # written by flush
        pass

    def delete_doc(self, doc_id: str) -> None:  # new documents have no chunks yet
        pass

    def add_chunks(self, ids, embeddings, documents, metadatas) -> None:
        self.ids += list(ids)
        self.vectors += list(embeddings)
        self.texts += list(documents)
        self.metas += list(metadatas)
        if ids:
            self.docs.append(metadatas[0]["doc_id"])

    def save_doc_record(self, doc_id: str, record: dict) -> None:
        """Temporary file + rename like the store, without one fsync a file (flush syncs once)."""
        path = self._store.doc_path(doc_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name("." + path.name + ".tmp")
        tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def flush(self, manifest: dict) -> None:
        """Write the batch: manifest naming it pending, the chunks, then the manifest with it."""
        if not self.docs:
            return
        held = {did: manifest["docs"].pop(did) for did in self.docs}
        manifest["pending_bulk"] = list(self.docs)
        self._store.save_manifest()
        self._store.add_chunks(self.ids, self.vectors, self.texts, self.metas)
        os.sync()  # the records reach the disk before the manifest that lists them
        manifest["docs"].update(held)
        manifest["pending_bulk"] = None
        self._store.save_manifest()
        self.ids, self.vectors, self.texts, self.metas, self.docs = [], [], [], [], []


def bulk_ingest(assistant, documents: Iterable[LoadedDocument], *, batch_chunks: int = 5000,
                progress: Callable[[int, int], None] | None = None):
    """Add `documents` (already loaded, e.g. by `loaders.load`, or made in memory) that the index
    of `assistant` does not hold yet, with its embedder; returns an IngestReport.
    `progress(docs_done, chunks_done)` is called after each batch."""
    from .assistant import IngestReport

    report = IngestReport()
    t0 = time.perf_counter()
    store = assistant.store
    with store.write_lock():
        manifest = store.manifest(reload=True)
        if manifest.get("pending"):
            raise IndexError_(f"index {assistant.index}: an ingest was cut off; run pq ingest first to repair it")
        emb = assistant.embedder
        _drop_cut_off_batch(store, manifest)
        manifest["model"], manifest["dim"] = emb.name, emb.dim
        known = {d["path"] for d in manifest["docs"].values()}
        deferred = _DeferredStore(store)
        assistant.store = deferred
        try:
            for loaded in documents:
                key = str(Path(loaded.path).resolve())
                if key in known:
                    report.unchanged.append(loaded.path)
                    continue
                doc_id = assistant._new_doc_id(Path(loaded.path), key, manifest)
                try:
                    n = assistant._ingest_one(loaded, doc_id, key, manifest)
                except LoadError as exc:
                    report.failed.append((exc.path, exc.reason))
                    continue
                known.add(key)
                report.ingested.append(loaded.path)
                report.chunks += n
                if len(deferred.ids) >= batch_chunks:
                    deferred.flush(manifest)
                    if progress:
                        progress(len(report.ingested), report.chunks)
            deferred.flush(manifest)
            if progress:
                progress(len(report.ingested), report.chunks)
        finally:
            assistant.store = store
        if report.ingested or not assistant._lexical_in_sync(manifest):
            assistant.rebuild_lexical()
        if hasattr(assistant, "rebuild_ledger") and (report.ingested or not assistant._ledger_in_sync(manifest)):
            assistant.rebuild_ledger()
        store.save_manifest()
    for cache in ("_ledger", "_ledger_vectors", "_figures_cache"):  # as Assistant.ingest does
        if hasattr(assistant, cache):
            setattr(assistant, cache, None)
    report.seconds = time.perf_counter() - t0
    return report


def _drop_cut_off_batch(store, manifest: dict) -> None:
    """A bulk run that died mid-batch left `pending_bulk`: drop those documents' chunks and records."""
    ids = manifest.get("pending_bulk") or []
    for did in ids:
        store.delete_doc(did)
        store.remove_doc_record(did)
        manifest["docs"].pop(did, None)
    if ids:
        manifest["pending_bulk"] = None
        manifest["lexical_stale"] = manifest["ledger_stale"] = True
        store.save_manifest()
