"""The crash-safety protocol, in one place. Every change of an index goes through a `Writer`
(taken with `Storage.write()`, which holds the index's exclusive lock).

Writing documents (one, or a batch):
    1. the catalog marks them pending and the BM25 index and ledger stale   (one transaction)
    2. the vector store drops their old chunks and takes the new ones; their vectors are written
       (synced) as a new vector segment (dense.py), which nothing points at yet
    3. the catalog stores their rows (pointing at that segment), records, chunks and figures
       and clears the pending marks                                         (one transaction)
Removing one: mark pending, drop its vectors, drop its rows (one transaction).

A process killed anywhere leaves either the old state or pending marks; `recover()` (the first
thing every writer does) drops the vectors and rows of pending documents and returns the files
of those that were ingested before, for the caller to ingest again: nothing ingested is lost.
The BM25 index and the ledger are derived data: updated for the change alone when they were in
sync before it (the ledger for the timelines the changed figures touch), else rebuilt (each
written atomically) whenever they are stale or do not match the catalog's counts. A vector
segment no document points at (a write cut off, documents changed since) is deleted.

`_reached(step)` marks each step; the crash tests SIGKILL the process there.
"""
from __future__ import annotations

import json
import re
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from . import layfile
from .catalog import Catalog, DocumentRow, DocumentWrite, create_vector_tables


# An ingest that changes the figures of at most this many documents (or this share of the index)
# updates the ledger for the timelines they touch; a larger one rebuilds it whole.
INCREMENTAL_LEDGER_DOCS = 50
INCREMENTAL_LEDGER_SHARE = 0.05


# Chroma behind the catalog. On a local index of at least DEFER_MIN_CHUNKS chunks a writer leaves
# Chroma alone: a document's vectors go to its vector segment (which every search reads for the
# documents Chroma does not hold yet) and the catalog notes the document as behind, and the chunk
# ids Chroma must drop. Opening Chroma costs ~1.5 s at 250k chunks (import, HNSW index load) where
# the rest of a one-document ingest costs ~0.5 s. The writer that finds SYNC_CHUNKS chunks
# behind (and every writer of a smaller index, and every rebuild that reads Chroma) writes them
# to Chroma first (sync_vectors). A Chroma server is always written at once (other clients
# read it).
DEFER_MIN_CHUNKS = 50000
SYNC_CHUNKS = 2000


def _reached(step: str) -> None:
    """A named point of the write protocol (no-op; tests replace it to kill the process here)."""


@dataclass
class PreparedDocument:
    """A document ready to be written: what the catalog keeps and what the vector store keeps."""

    write: DocumentWrite
    vectors: object  # (n_chunks, dim) array
    texts: list[str]
    metadatas: list[dict]

    @property
    def doc_id(self) -> str:
        return self.write.row.doc_id


# The lay-language data is rebuilt when the chunk count moved by more than this share (or this
# many chunks), and after every change while the index is small (under LAY_REBUILD_SMALL chunks).
# Its rebuild reads every chunk with its vector: 1.9 s at 464 chunks, 2.4 s at 2,000, 19 s at
# 17,000 (2 cores), so only a small index pays it on every change.
LAY_REBUILD_SHARE = 0.02
LAY_REBUILD_MIN = 50
LAY_REBUILD_SMALL = 1000


class Writer:
    """Changes to one index, under its lock (see the module docstring)."""

    def __init__(self, storage) -> None:
        self.storage = storage
        self.layout = storage.layout
        self.vectors = storage.vectors
        self.lexical = storage.lexical
        if self.layout.has_leftovers() and not storage.chroma_url:
            # Derived data but no catalog: a --rebuild cut off, or the catalog deleted. Nothing in
            # them is known to be complete, so the index starts from nothing.
            self._clear_everything(drop_vectors=True)
        self.catalog: Catalog = storage._open_for_writing()
        self.catalog.before_commit = self._count_vectors_change
        if self.catalog.wiping:
            self.wipe()
        from . import ledgerdb

        with self.catalog.transaction() as db:  # (a catalog of before the ledger's or these tables)
            ledgerdb.create(db)
            create_vector_tables(db)
        if self.layout.ledger.exists():  # a ledger of before, in figures.json: into the catalog
            storage._migrate_ledger_file(locked=True)
        from .migrate import remove_leftovers

        remove_leftovers(self.layout)
        self._drop_dead_segments()
        self._batch: list[PreparedDocument] | None = None
        self._batch_chunks = 0
        self._batch_limit = 0
        self._flushing = False
        self.changed = False
        # The BM25 index is updated by the change alone when it was in sync before this writer
        # began (else it is rebuilt): the chunk ids to drop from it, the chunks to add.
        self._lexical_ok = self.lexical_in_sync()
        self._lex_remove: set[str] = set()
        self._lex_add: dict[str, str] = {}
        # The ledger is a function of the figures of all documents: when this writer's changes
        # leave those the same (a document changed elsewhere than in its figures), it stays.
        self._ledger_ok = self.ledger_in_sync()
        self._ledger_docs: set[str] = set()  # documents whose figures this writer changed
        self._defer = not storage.chroma_url and self.catalog.chunk_count() >= DEFER_MIN_CHUNKS
        if not self._defer:
            self.sync_vectors()  # (what a larger index left behind; before any write of this one)

    def _count_vectors_change(self) -> None:
        """In each catalog transaction after the writer changed Chroma: one more vectors
        generation (Storage.refresh reopens a reader's Chroma client only then)."""
        if self.vectors.written:
            self.vectors.written = False
            self.catalog._set("vectors_generation", (self.catalog.vectors_generation or 0) + 1)

    def close(self) -> None:
        try:
            if self._batch:
                self.flush()
            if self.vectors.written:  # (a change of Chroma that no catalog transaction followed)
                with self.catalog.transaction():
                    pass
        finally:
            self.catalog.before_commit = None

    # -- vector segments --------------------------------------------------------------------
    def _drop_dead_segments(self) -> None:
        """Delete the vector segments no document points at (a write cut off, documents since
        changed or removed)."""
        segs = self.storage.segments
        dead = segs.names() - set(self.catalog.vector_segments())
        if dead:
            segs.delete(dead)

    def compact_segments(self) -> None:
        """Merge the small vector segments into one when many have gathered, and rewrite every
        segment when a large share of their rows is dead (cost: the rows merged)."""
        from .dense import MAX_DEAD, MAX_SEGMENTS, SMALL_SEGMENT

        segs = self.storage.segments
        live = self.catalog.vector_segments()
        if not live:
            return
        sizes = {n: segs.rows(n) for n in live}
        total = sum(sizes.values())
        if total and 1 - sum(live.values()) / total > MAX_DEAD:
            merge = sorted(live)
        else:
            merge = sorted(n for n in live if sizes[n] < SMALL_SEGMENT)
            if len(merge) <= MAX_SEGMENTS:
                return
        rows = self.catalog.vector_rows(merge)
        ids, parts, moves, at = [], [], [], 0
        for did, seg, row, n in rows:
            mat, seg_ids = segs.segment(seg)
            parts.append(mat[row:row + n])
            ids += seg_ids[row:row + n]
            moves.append((did, "", at))
            at += n
        import numpy as np

        name = segs.write(ids, np.concatenate(parts) if parts else np.zeros((0, 1), dtype=np.float32))
        self.catalog.move_vectors([(did, name, r) for did, _, r in moves])
        segs.delete(merge)

    def rewrite_vectors(self, doc_ids: list[str]) -> str:
        """Write the vectors of these documents anew from the vector store (pq doctor --fix: their
        segment is gone or damaged); documents whose chunks are not all there are left to Chroma."""
        self.sync_vectors()
        ids, vecs, moves = [], [], []
        for did in doc_ids:
            want = self.catalog.chunk_ids(did)
            got = {cid: emb for cid, _t, _m, emb in self.vectors.where({"doc_id": did}, embeddings=True)}
            if not want or any(c not in got for c in want):
                moves.append((did, "", -1))
                continue
            moves.append((did, None, len(ids)))
            ids += want
            vecs += [got[c] for c in want]
        name = self.storage.segments.write(ids, vecs) if ids else ""
        self.catalog.move_vectors([(did, name if seg is None else seg, row) for did, seg, row in moves])
        self._drop_dead_segments()
        return f"vectoren van {len(doc_ids)} document{'en' if len(doc_ids) > 1 else ''} opnieuw geschreven"

    # -- model ------------------------------------------------------------------------------
    def set_model(self, name: str, dim: int) -> None:
        if (self.catalog.model, self.catalog.dim) != (name, dim):
            self.catalog.set_model(name, dim)

    # -- start over -------------------------------------------------------------------------
    def wipe(self) -> None:
        """--rebuild: drop everything of this index (also its collection on a server).

        The catalog is emptied first and says so (`wiping`): a wipe cut off half-way is finished
        by the next writer, and no catalog ever lists documents whose chunks are gone."""
        had = self.catalog.counts()[0] > 0 or self.catalog.wiping or self.layout.chroma.exists()
        self.catalog.wipe()
        self._clear_everything(drop_vectors=had)
        self.catalog.wiped()

    def _clear_everything(self, drop_vectors: bool) -> None:
        dropped = self.vectors.drop() if drop_vectors and self.vectors.exists() else False
        for sub in ("lexical", "lexical.tmp", "lexical.old", "docs", "vectors"):
            shutil.rmtree(self.layout.root / sub, ignore_errors=True)
        for f in (self.layout.ledger, self.layout.ledger_vectors, self.layout.legacy_manifest,
                  layfile.path_of(self.layout.root), layfile.adapter_path(self.layout.root)):
            f.unlink(missing_ok=True)
        if not self.layout.exists():
            for suffix in ("-wal", "-shm"):  # of a deleted catalog: never replay them into a new one
                Path(str(self.layout.catalog) + suffix).unlink(missing_ok=True)
        # The chroma folder stays when its collection could be dropped: chromadb keeps one client
        # per folder for the whole process, and that client cannot write to a folder made anew.
        if not dropped and not self.storage.chroma_url:
            self.vectors.close()
            shutil.rmtree(self.layout.chroma, ignore_errors=True)
            self.vectors.written = True
        self.storage.forget_caches()

    # -- pending work -----------------------------------------------------------------------
    def recover(self) -> list[str]:
        """Undo what a cut-off write left (see the module docstring); returns the paths of the
        documents to ingest again (those that were in the index before and whose files exist)."""
        ids = self.catalog.pending()
        if not ids:
            return []
        redo = []
        for did in ids:
            self.vectors.delete_doc(did)
            row = self.catalog.document(did)
            if row is not None and row.path and Path(row.path).is_file():
                redo.append(row.path)
        self.catalog.drop(ids)
        return redo

    # -- documents --------------------------------------------------------------------------
    def put(self, doc: PreparedDocument) -> None:
        """Write one document (in a batch: when the batch is full)."""
        if self._batch is None:
            self._write([doc])
            return
        self._batch.append(doc)
        self._batch_chunks += len(doc.texts)
        if self._batch_chunks >= self._batch_limit:
            self.flush()

    @contextmanager
    def batch(self, max_chunks: int = 5000) -> Iterator[None]:
        """Within it, `put` collects documents and writes them `max_chunks` chunks at a time: one
        vector upsert and two catalog transactions a batch (bulk builds of large indexes)."""
        self._batch, self._batch_chunks, self._batch_limit = [], 0, max_chunks
        try:
            yield
            self.flush()
        except BaseException:
            # Cut off by the caller (a Ctrl-C, a failing embedder): what the batch holds is written
            # first, as it would have been one document at a time. Not after a failed write of the
            # batch itself: its documents are pending, and the next writer's recover() redoes them.
            if not self._flushing:
                self.flush()
            raise
        finally:
            self._batch, self._flushing = None, False

    def flush(self) -> None:
        docs, self._batch_chunks = self._batch or [], 0
        if self._batch is not None:
            self._batch = []
        if docs:
            self._flushing = True  # (stays set when the write fails: see batch())
            self._write(docs)
            self._flushing = False

    def _write(self, docs: list[PreparedDocument]) -> None:
        ids = [d.doc_id for d in docs]
        old = [did for did in ids if self.catalog.has(did)]
        old_chunks = {did: self.catalog.chunk_ids(did) for did in old}
        for did in old:
            self._forget_lexical(old_chunks[did])
        before = {did: self.catalog.figures(did) for did in old}
        self._ledger_docs.update(d.doc_id for d in docs if d.write.figures != before.get(d.doc_id, []))
        self.catalog.begin(ids)
        _reached("pending-saved")
        cids = [cid for d in docs for cid in d.write.chunk_ids]
        # All the old chunks, by id (Chroma's delete by metadata scans the collection: 0.5 s at
        # 250k chunks), then the new ones added: the same operations on Chroma as before, where
        # an upsert over the ids that stay was tried (the crash tests' HNSW check failed once in
        # that trial, and passed 3 times of 3 after; not kept). `recover` deletes by metadata:
        # after a cut-off write the catalog may not list every chunk of a document.
        stale = [c for did in old for c in old_chunks[did]]
        vecs = [v for d in docs for v in d.vectors]
        if not self._defer:
            self.vectors.delete_ids(stale)
            self.vectors.add(cids, vecs, [t for d in docs for t in d.texts], [m for d in docs for m in d.metadatas])
            stale = []
        seg, row = self.storage.segments.write(cids, vecs), 0
        _reached("chunks-added")
        for d in docs:
            d.write.row.vec_seg, d.write.row.vec_row = seg, row
            d.write.texts, d.write.metadatas = d.texts, d.metadatas
            row += len(d.write.chunk_ids)
        self.catalog.finish([d.write for d in docs], behind=self._defer, stale=stale)
        _reached("document-saved")
        for d in docs:
            for cid, text, meta in zip(d.write.chunk_ids, d.texts, d.metadatas):
                self._lex_add[cid] = (meta.get("ctx") or "") + (text or "")
        self.changed = True

    def _forget_lexical(self, chunk_ids: list[str]) -> None:
        for cid in chunk_ids:
            self._lex_remove.add(cid)
            self._lex_add.pop(cid, None)

    def remove(self, doc_id: str) -> None:
        """Drop a document: its vectors, then its rows."""
        self._forget_lexical(self.catalog.chunk_ids(doc_id))
        if self.catalog.figures(doc_id):
            self._ledger_docs.add(doc_id)
        chunk_ids = self.catalog.chunk_ids(doc_id)
        self.catalog.begin([doc_id])
        if self._defer:
            self.catalog.drop([doc_id], stale=chunk_ids)
        else:
            self.vectors.delete_ids(chunk_ids)
            self.catalog.drop([doc_id])
        self.changed = True

    def sync_vectors(self) -> int:
        """Write to Chroma what the catalog notes it lacks: drop the stale chunk ids, put the chunks
        of the documents behind (vectors from their segments, texts and metadata from the
        catalog), then clear the notes. Done again whole when cut off (deletes and upserts).
        Returns how many chunks were put."""
        behind, stale = self.catalog.vectors_behind()
        if not behind and not stale:
            return 0
        import numpy as np

        _reached("before-vector-sync")
        n_behind = self.catalog.vectors_behind_count() - len(stale)
        self.storage._notice(f"Chroma bijwerken: {n_behind} chunks van {len(behind)} document{'' if len(behind) == 1 else 'en'} erbij, "
                             f"{len(stale)} chunks eruit (de index schreef ze eerst alleen in vectors/)")
        self.vectors.delete_ids(sorted(stale))
        rows = self.catalog.documents()
        ids, vecs, done = [], [], set()
        for did in sorted(behind):
            row, want = rows.get(did), self.catalog.chunk_ids(did)
            if row is None or not want:
                done.add(did)
                continue
            try:
                mat, seg_ids = self.storage.segments.segment(row.vec_seg)
            except (OSError, ValueError):
                seg_ids = []
            if seg_ids[row.vec_row:row.vec_row + len(want)] != want:
                continue  # its segment is damaged: it stays behind, and pq doctor names the segment
            ids += want
            vecs += list(np.asarray(mat[row.vec_row:row.vec_row + len(want)]))
            done.add(did)
        for i in range(0, len(ids), 5000):
            part = ids[i:i + 5000]
            got = self.catalog.chunk_rows(part)
            self.vectors.add(part, vecs[i:i + 5000], [got[c]["text"] for c in part], [got[c]["metadata"] for c in part])
        self.catalog.vectors_synced(done, stale)
        return len(ids)

    def stored_vectors(self, doc_ids: list[str]) -> dict[str, object]:
        """The text each chunk of these documents was embedded as -> its stored vector (from the
        documents' vector segments). A document read again by a newer parser keeps the vectors of
        its unchanged chunks instead of embedding them again. Empty for a damaged segment."""
        import numpy as np

        out: dict[str, object] = {}
        for did in doc_ids:
            row, want = self.catalog.document(did), self.catalog.chunk_ids(did)
            if row is None or not want or not row.vec_seg:
                continue
            try:
                mat, seg_ids = self.storage.segments.segment(row.vec_seg)
            except (OSError, ValueError):
                continue
            if seg_ids[row.vec_row:row.vec_row + len(want)] != want:
                continue
            got = self.catalog.chunk_rows(want)
            for i, cid in enumerate(want):
                c = got.get(cid)
                if c is not None:
                    out[((c["metadata"] or {}).get("ctx") or "") + c["text"]] = np.asarray(mat[row.vec_row + i])
        return out

    def behind_chunks(self) -> int:
        """How many chunk ids Chroma has to take or drop (sync_vectors)."""
        return self.catalog.vectors_behind_count()

    def drop_chunks(self, ids: list[str]) -> None:
        """Delete stray chunks from the vector store (pq doctor --fix: orphans, extras)."""
        self.vectors.delete_ids(ids)
        self.catalog.set_stale(lexical=True)

    # -- derived data -----------------------------------------------------------------------
    def lexical_in_sync(self) -> bool:
        if self.catalog.state().lexical_stale:
            return False
        try:
            return not self.lexical.is_legacy and self.lexical.count == self.catalog.chunk_count()
        except (OSError, ValueError, KeyError):  # an unreadable segments.json: rebuild it
            return False

    def ledger_in_sync(self, version: int = 0) -> bool:
        """The ledger holds every figure of the catalog, grouped by the rules of `version` (the
        figures code's LEDGER_VERSION; 0: any). A ledger of older rules is rebuilt by the next
        ingest: its timelines would stay as the old rules grouped them until then."""
        if self.catalog.state().ledger_stale:  # a run cut off between a document and the ledger rebuild
            return False
        if not self._ledger_rules_are(version):
            return False
        want = self.catalog.counts()[2]
        return self.catalog._meta("ledger_figures") == want and (not want or self.storage.figures_ledger.count() == want)

    def _ledger_rules_are(self, version: int) -> bool:
        """The saved ledger was grouped by the rules of `version` (0: any; a ledger saved before
        versions were stored is of version 1)."""
        return not version or int(self.catalog._meta("ledger_version") or 1) == version

    def rebuild_lexical(self) -> int:
        """Rebuild the BM25 index from the chunks in the vector store."""
        _reached("before-lexical")
        return self._rebuild_lexical()

    def _rebuild_lexical(self) -> int:
        self.sync_vectors()  # (it reads the chunks from Chroma)
        ids, texts = [], []
        for cid, text, meta in self.vectors.scan():
            ids.append(cid)
            texts.append((meta.get("ctx") or "") + (text or ""))
        self.lexical.build(ids, texts)
        self.catalog.set_stale(lexical=False)
        return len(ids)

    def rebuild_ledger(self, build: Callable[[list], tuple[list, object]]) -> int:
        """Save the figures ledger that `build(figures)` makes of every figure of the index (the
        grouping into timelines is the figures code's: storage only keeps the result) — the
        entries and their description vectors, in one catalog transaction."""
        from ..models import Figure

        _reached("before-ledger")
        from .ledgerdb import positions

        figs = [Figure(**f) for f in self.catalog.figures()]  # (in the catalog's order: document, position)
        seqs = positions(figs)
        entries, vectors = build(figs)
        with self.catalog.transaction() as db:
            self.storage.figures_ledger.replace_all(db, entries, vectors, seqs)
            self.catalog._set("ledger_stale", False)
            self.catalog._set("ledger_figures", len(entries))
            self.catalog._set("ledger_version", int(getattr(build, "version", 1)))
        return len(entries)

    def update_ledger(self, doc_ids: set[str], build: Callable[[list], tuple[list, object]]) -> int:
        """Bring the ledger (in sync before these documents changed) up to date for the figures of
        `doc_ids` only: their old entries go, their figures now in the catalog come in, and only
        the timelines they can touch are read and grouped again (ledgerdb.LedgerDB.update)."""
        from ..models import Figure

        _reached("before-ledger")
        new = [Figure(**f) for did in sorted(doc_ids) for f in self.catalog.figures(did)]
        return self.storage.figures_ledger.update(set(doc_ids), new, build, embed=getattr(build, "embed", None))

    def refresh(self, ledger_build: Callable[[], Callable[[list], tuple[list, object]]], ledger_version: int = 0) -> None:
        """Bring the BM25 index and the ledger up to date with the catalog. `ledger_build()`
        gives the ledger's build function (see rebuild_ledger; only called when it is needed);
        a ledger grouped by rules older than `ledger_version` is rebuilt whole."""
        if self._defer and self.behind_chunks() >= SYNC_CHUNKS:
            self.sync_vectors()
        if self.changed and self._lexical_ok and not self.catalog.pending():
            _reached("before-lexical")
            # Only the change: its chunks in a new segment, the replaced ones marked deleted.
            self.lexical.update(self._lex_remove, list(self._lex_add), list(self._lex_add.values()))
            if self.lexical.count == self.catalog.chunk_count():
                self.catalog.set_stale(lexical=False)
            else:  # should not happen; if it does, the index is rebuilt rather than left wrong
                self._rebuild_lexical()
        elif self.changed or not self.lexical_in_sync():
            self.rebuild_lexical()
        self._lex_remove, self._lex_add = set(), {}
        self._lexical_ok = True
        incremental = self.changed and self._ledger_ok and not self.catalog.pending() \
            and self._ledger_rules_are(ledger_version)
        if incremental and not self._ledger_docs:
            self.catalog.set_stale(ledger=False)  # the same figures: the same ledger
        elif incremental and len(self._ledger_docs) <= max(INCREMENTAL_LEDGER_DOCS,
                                                           INCREMENTAL_LEDGER_SHARE * self.catalog.counts()[0]):
            self.update_ledger(self._ledger_docs, ledger_build())
        elif self.changed or not self.ledger_in_sync(ledger_version):
            self.rebuild_ledger(ledger_build())
        self._ledger_ok, self._ledger_docs = True, set()
        if self.changed:
            self.compact_segments()
            self._drop_dead_segments()
        if self.lay_outdated(self.changed):
            self.rebuild_lay()
        elif layfile.holds_asked(self.layout.root):
            self.move_lay_asked()

    def lay_outdated(self, changed: bool = False) -> bool:
        """Is the lay-language data (lay.py) missing, or built from a corpus that has since changed
        by more than LAY_REBUILD_SHARE of its chunks? It is a statistic of the whole corpus (word
        translations, a query adapter, the sub-question map): one more document barely moves it,
        and rebuilding it reads every chunk, so a small change to a large index keeps it."""
        built = layfile.chunk_count(self.layout.root, upgrade=True)
        now = self.catalog.chunk_count()
        if built is None:
            return now > 0
        if now < LAY_REBUILD_SMALL:
            return changed or built != now
        return abs(now - built) > max(LAY_REBUILD_MIN, LAY_REBUILD_SHARE * now)

    def rebuild_lay(self) -> None:
        """The lay-language data (lay.py: learned from the index's questions and answers)."""
        from .. import lay

        self.sync_vectors()  # (it reads the chunks and their vectors from Chroma)
        data, adapter = lay.build(self.vectors.scan(embeddings=True))
        self.catalog.set_asked(data.pop("asked", {}))  # (looked up a question's candidates at a time)
        layfile.save(self.layout.root, data, adapter)

    def move_lay_asked(self) -> None:
        """A lay.json of before, which holds the asked-before map: the map into the catalog."""
        data = layfile.load(self.layout.root)
        if data is not None and "asked" in data:
            self.catalog.set_asked(data.pop("asked") or {})
            layfile.rewrite(self.layout.root, data)

    # -- a shared server --------------------------------------------------------------------
    def reindex(self, extra: Callable[[dict], dict] | None = None) -> dict:
        """Bring the catalog in line with the vector store (a shared Chroma server): documents
        another client put there are added (without a parsed record: their chunks carry what
        listings, filters, citations and the ledger need; `extra(metadata)` gives a row's further
        fields), documents gone from it are dropped."""
        self.sync_vectors()  # (a local index: what the catalog holds beyond Chroma first)
        found: dict[str, dict] = {}
        for cid, _text, meta in self.vectors.scan(texts=False):
            did = meta.get("doc_id") or cid.split(":", 1)[0]
            d = found.setdefault(did, {"meta": meta, "chunks": []})
            d["chunks"].append((cid, meta))
        known = set(self.catalog.doc_ids())
        writes = []
        model = None
        for did, d in found.items():
            if did in known:
                continue
            m = d["meta"]
            chunks = sorted(d["chunks"], key=lambda cm: _chunk_order(cm[0]))
            figures = [f for _cid, meta in chunks for f in json.loads(meta.get("figures") or "[]")]
            row = DocumentRow(doc_id=did, file=m.get("doc", did), path=m.get("path", ""), sha256=m.get("sha256", ""),
                              kind=m.get("kind", ""), title=m.get("title", ""), number=m.get("number", ""),
                              date=m.get("date", ""), asker=m.get("asker", ""), minister=m.get("minister", ""),
                              pages=int(m.get("pages") or 0), chunks=len(chunks), figures=len(figures),
                              is_pq=bool(m.get("is_pq", True)), ingested="", remote=True,
                              extra=extra(m) if extra else {})
            writes.append(DocumentWrite(row=row, record=None, chunk_ids=[c for c, _ in chunks], figures=figures))
            model = model or m.get("model")
        removed = sorted(known - set(found))
        if writes:
            self.catalog.finish(writes)
        if removed:
            self.catalog.drop(removed)
        if model and not self.catalog.model:
            with self.catalog.transaction():
                self.catalog._set("model", model)
        self.changed = bool(writes or removed)
        return {"added": [w.row.doc_id for w in writes], "removed": removed}


def _chunk_order(cid: str) -> tuple:
    """Chunk ids in document order: <doc>:<section>:<n>, sections as chunking makes them."""
    _doc, section, n = (cid.rsplit(":", 2) + ["", ""])[:3]
    rank = {"question": 0, "text": 0, "answer": 1, "annex": 2}.get(section, 3)
    return (rank, int(n) if re.fullmatch(r"\d+", n) else 0, cid)
