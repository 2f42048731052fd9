"""Bulk ingest: many new documents in large batches (for big indexes and the scale benchmark).

`Assistant.ingest` writes each document as one crash-safe unit: a Chroma upsert of its few chunks
and two manifest writes per document. That is right for a corpus folder, but the manifest write
grows with the index, so a build of tens of thousands of documents slows down quadratically.
`bulk_ingest` parses the same way (parse, chunk, figures, embed) but writes `batch_chunks` chunks
at a time: one Chroma upsert, one manifest write per batch, the BM25 index rebuilt once at the end.

It only adds documents that the index does not hold yet (by path); changed or removed files are
left to `Assistant.ingest`. Crash safety is per batch: the batch's document ids are recorded as
`pending_bulk` in the manifest before their chunks are written, and a later `bulk_ingest` drops
what a cut-off batch left behind before it goes on.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Callable, Iterable

from .errors import LoadError
from .models import LoadedDocument


def bulk_ingest(assistant, documents: Iterable[LoadedDocument], *, batch_chunks: int = 5000,
                progress: Callable[[int, int], None] | None = None):
    """Add `documents` (already loaded, e.g. by `loaders.load` or made in memory) to the index of
    `assistant` with its embedder; returns an IngestReport. `progress(docs_done, chunks_done)` is
    called after each batch."""
    from .assistant import IngestReport, _figures_for, _link_figures
    from .chunking import chunk_document
    from .parsing import doc_id_for, parse

    report = IngestReport()
    t0 = time.perf_counter()
    store = assistant.store
    with store.write_lock():
        manifest = store.manifest(reload=True)
        emb = assistant.embedder
        _drop_cut_off_batch(store, manifest)
        manifest["model"], manifest["dim"] = emb.name, emb.dim
        known = {d["path"] for d in manifest["docs"].values()}
        taken: set[str] = set()  # ids given to documents of this run
        batch: list[tuple[LoadedDocument, object, list, list, str, str]] = []
        n_chunks = 0

        def flush() -> None:
            nonlocal batch, n_chunks
            if not batch:
                return
            chunks = [c for b in batch for c in b[2]]
            vectors = emb.embed_passages([c.embed_text for c in chunks])
            manifest["pending_bulk"] = [b[4] for b in batch]
            manifest["lexical_stale"] = True
            store.save_manifest()
            store.add_chunks([c.chunk_id for c in chunks], vectors, [c.text for c in chunks],
                             [{**c.metadata, "path": b[5], "ctx": c.embed_text[: len(c.embed_text) - len(c.text)]}
                              for b in batch for c in b[2]])
            now = time.strftime("%Y-%m-%dT%H:%M:%S")
            for loaded, doc, doc_chunks, figures, doc_id, key in batch:
                record = doc.to_dict()
                record["chunk_ids"] = [c.chunk_id for c in doc_chunks]
                record["figures"] = [f.to_dict() for f in figures]
                _write_record(store.doc_path(doc_id), record)
                manifest["docs"][doc_id] = {
                    "doc_id": doc_id, "file": doc.file, "path": key, "sha256": loaded.sha256, "kind": loaded.kind,
                    "title": doc.title, "number": doc.number, "date": doc.date, "asker": doc.asker,
                    "minister": doc.minister, "pages": doc.pages, "chunks": len(doc_chunks),
                    "figures": len(figures), "is_pq": doc.is_pq, "ingested": now,
                }
                report.ingested.append(loaded.path)
            report.chunks += len(chunks)
            os.sync()  # the records reach the disk before the manifest that lists them
            manifest["pending_bulk"] = None
            store.save_manifest()
            batch, n_chunks = [], 0
            if progress:
                progress(len(report.ingested), report.chunks)

        for loaded in documents:
            key = str(Path(loaded.path).resolve())
            if key in known:
                report.unchanged.append(loaded.path)
                continue
            doc_id = doc_id_for(loaded.path)
            if doc_id in manifest["docs"] or doc_id in taken:  # the same rule as Assistant.ingest
                doc_id = f"{doc_id}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"
            try:
                doc = parse(loaded, doc_id=doc_id)
                doc.path = key
                chunks = chunk_document(doc)
                if not chunks:
                    raise LoadError(loaded.path, "no text to index after parsing")
            except LoadError as exc:
                report.failed.append((exc.path, exc.reason))
                continue
            figures = _figures_for(doc)
            _link_figures(figures, chunks)
            known.add(key)
            taken.add(doc_id)
            batch.append((loaded, doc, chunks, figures, doc_id, key))
            n_chunks += len(chunks)
            if n_chunks >= batch_chunks:
                flush()
        flush()
        if report.ingested or manifest.get("lexical_stale"):
            assistant.rebuild_lexical()
        store.save_manifest()
    assistant._figures_cache = None
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
        manifest["lexical_stale"] = True
        store.save_manifest()


def _write_record(path: Path, record: dict) -> None:
    """Like store.save_doc_record (temporary file + rename) without one fsync a file: the batch
    syncs once before its manifest write."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)
