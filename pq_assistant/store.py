"""The index on disk: Chroma (chunks, vectors, metadata), a manifest, parsed documents, the lock.

Layout of an index folder:

    manifest.json     schema, model, dimension, one entry per fully ingested document
    chroma/           chromadb PersistentClient (or a `chroma run` server with --chroma-url)
    docs/<id>.json    the parsed document, its chunks' ids and its figures (for show/figures)
    lexical/          the BM25 index (see lexical.py)
    .lock             writers take an exclusive lock; readers never block

Crash safety: a document is written as one unit. Its id is recorded as `pending` in the manifest
before its chunks go into Chroma, and marked done (with its content hash) only after; a run that
finds a pending document drops its chunks first. Derived files are written to a temporary file and
renamed, so a reader sees the old state or the new one, never half of one.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .errors import IndexError_, IndexLocked, ModelMismatch

SCHEMA_VERSION = 1
COLLECTION = "pq_chunks"
_ADD_BATCH = 2000  # well under Chroma's max batch size


def atomic_write(path: Path, data: str) -> None:
    """Write `data` to `path` via a temporary file and rename (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _chroma_settings():
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def forget_chroma_client(path: Path, stop: bool = True) -> None:
    """Drop chromadb's cached client of a folder (best effort: private API).

    chromadb keeps one client per folder for the whole process, and that client does not see
    what another process wrote since it was opened (reads of vectors then fail with "Error
    finding id"); nor can it write to the folder once it was deleted and made anew. `stop`
    closes the dropped client (only when nothing else uses it: after the folder was deleted).
    """
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        system = SharedSystemClient._identifier_to_system.pop(str(path), None)
        SharedSystemClient._identifier_to_refcount.pop(str(path), None)
        if system is not None and stop:
            system.stop()
    except Exception:  # noqa: BLE001 - another chromadb version: nothing cached to drop
        pass


class IndexStore:
    """One index folder (and optionally a Chroma server holding its vectors)."""

    def __init__(self, root: str | Path, chroma_url: str | None = None) -> None:
        self.root = Path(root)
        self.chroma_url = chroma_url or os.environ.get("PQ_CHROMA_URL") or None
        self._client = None
        self._collection = None
        self._manifest: dict | None = None

    # -- manifest ---------------------------------------------------------------------------
    @property
    def manifest_path(self) -> Path:
        return self.root / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.exists()

    def manifest(self, reload: bool = False) -> dict:
        if self._manifest is None or reload:
            if self.manifest_path.exists():
                try:
                    self._manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
                except json.JSONDecodeError as exc:
                    raise IndexError_(f"{self.manifest_path}: unreadable manifest ({exc.msg}); "
                                      f"rebuild with: pq ingest --rebuild <files> --index {self.root}") from exc
                schema = self._manifest.get("schema") if isinstance(self._manifest, dict) else None
                if schema != SCHEMA_VERSION or not isinstance(self._manifest.get("docs"), dict):
                    self._manifest = None
                    what = f"index schema {schema!r} is unknown" if schema not in (None, SCHEMA_VERSION) else "not a pq manifest"
                    raise IndexError_(f"{self.manifest_path}: {what} (this pq reads schema {SCHEMA_VERSION}); "
                                      f"rebuild with: pq ingest --rebuild <files> --index {self.root}")
            else:
                self._manifest = {"schema": SCHEMA_VERSION, "model": None, "dim": None, "docs": {},
                                  "pending": None, "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
        return self._manifest

    def save_manifest(self) -> None:
        m = self.manifest()
        m["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        atomic_write(self.manifest_path, json.dumps(m, ensure_ascii=False, indent=1))

    def check_model(self, model: str, dim: int | None = None) -> None:
        """Refuse to mix models: the index keeps the model (and dimension) that built it."""
        m = self.manifest()
        if m.get("model") and m["model"] != model:
            raise ModelMismatch(
                f"index {self.root} was built with model {m['model']!r}, not {model!r}; "
                f"query without --model, or rebuild: pq ingest --rebuild <files> --index {self.root} --model {model}")
        if dim and m.get("dim") and m["dim"] != dim:
            raise ModelMismatch(f"index {self.root} holds {m['dim']}-d vectors, the model gives {dim}-d; "
                                f"rebuild: pq ingest --rebuild <files> --index {self.root}")

    # -- lock ---------------------------------------------------------------------------------
    @contextmanager
    def write_lock(self, wait: bool = True, on_wait=None) -> Iterator[None]:
        """Exclusive writer lock (fcntl); `on_wait` is called once if another writer holds it."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        lock = self.root / ".lock"
        with open(lock, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    raise IndexLocked(f"index {self.root} is locked by another pq process writing it (lock file {lock}); "
                                      f"try again when it is done, or leave out --no-wait to wait for it") from None
                if on_wait:
                    on_wait()
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    # -- chroma -------------------------------------------------------------------------------
    def collection(self):
        if self._collection is None:
            import chromadb

            if self.chroma_url:
                from urllib.parse import urlparse

                u = urlparse(self.chroma_url if "://" in self.chroma_url else "http://" + self.chroma_url)
                self._client = chromadb.HttpClient(host=u.hostname or "localhost", port=u.port or 8000,
                                                   ssl=u.scheme == "https", settings=_chroma_settings())
            else:
                # A client of its own, opened now: the current state on disk, whatever another
                # pq process (an ingest) wrote since this process first opened the index.
                forget_chroma_client(self.root / "chroma", stop=False)
                self._client = chromadb.PersistentClient(path=str(self.root / "chroma"), settings=_chroma_settings())
            # On a shared server every client of the team uses the same collection (PQ_COLLECTION
            # to keep several corpora apart); locally the folder already keeps indexes apart.
            name = os.environ.get("PQ_COLLECTION", COLLECTION) if self.chroma_url else COLLECTION
            self._collection = self._client.get_or_create_collection(name=name, metadata={"hnsw:space": "cosine"})
        return self._collection

    def add_chunks(self, ids: list[str], embeddings, documents: list[str], metadatas: list[dict]) -> None:
        col = self.collection()
        for i in range(0, len(ids), _ADD_BATCH):
            sl = slice(i, i + _ADD_BATCH)
            col.upsert(ids=ids[sl], embeddings=[list(map(float, v)) for v in embeddings[sl]],
                       documents=documents[sl], metadatas=metadatas[sl])

    def delete_doc(self, doc_id: str) -> None:
        self.collection().delete(where={"doc_id": doc_id})

    def query(self, vector, k: int, doc_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """Nearest chunks by cosine: (chunk id, similarity)."""
        col = self.collection()
        if doc_ids is not None and not doc_ids:
            return []
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            where = {"doc_id": {"$in": list(doc_ids)}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
        res = col.query(query_embeddings=[list(map(float, vector))], n_results=k, where=where, include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]

    def get_chunks(self, ids: list[str]) -> dict[str, dict]:
        """Chunk id -> {"text", "metadata"} for the ids that exist."""
        if not ids:
            return {}
        res = self.collection().get(ids=list(ids), include=["documents", "metadatas"])
        return {cid: {"text": doc, "metadata": meta} for cid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"])}

    def all_chunks(self, batch: int = 5000) -> Iterator[tuple[str, str, dict]]:
        """Every chunk (id, text, metadata), in pages (for rebuilding the lexical index)."""
        col = self.collection()
        offset = 0
        while True:
            res = col.get(include=["documents", "metadatas"], limit=batch, offset=offset)
            if not res["ids"]:
                break
            yield from zip(res["ids"], res["documents"], res["metadatas"])
            offset += len(res["ids"])

    def count(self) -> int:
        return self.collection().count()

    # -- parsed documents ---------------------------------------------------------------------
    def doc_path(self, doc_id: str) -> Path:
        return self.root / "docs" / f"{doc_id}.json"

    def save_doc_record(self, doc_id: str, record: dict) -> None:
        atomic_write(self.doc_path(doc_id), json.dumps(record, ensure_ascii=False))

    def load_doc_record(self, doc_id: str) -> dict | None:
        p = self.doc_path(doc_id)
        if not p.exists():
            return None
        try:
            rec = json.loads(p.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError, OSError) as exc:
            raise IndexError_(f"{p}: beschadigd documentrecord ({type(exc).__name__}); herstel met  "
                              f"pq doctor --fix --index {self.root}") from None
        if not isinstance(rec, dict):
            raise IndexError_(f"{p}: beschadigd documentrecord (geen object); herstel met  "
                              f"pq doctor --fix --index {self.root}")
        return rec

    def remove_doc_record(self, doc_id: str) -> None:
        self.doc_path(doc_id).unlink(missing_ok=True)
