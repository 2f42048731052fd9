"""The vector store: chunks, their vectors and metadata, in Chroma. The only module that imports
chromadb (a local PersistentClient in the index folder, or an HttpClient of a `chroma run` server);
everything else talks to the `Vectors` protocol."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator, Protocol

COLLECTION = "pq_chunks"
_ADD_BATCH = 2000  # well under Chroma's max batch size
_PAGE = 5000


class Vectors(Protocol):
    """What the index needs of a vector store."""

    name: str

    def add(self, ids: list[str], vectors, texts: list[str], metadatas: list[dict]) -> None: ...
    def delete_doc(self, doc_id: str) -> None: ...
    def delete_ids(self, ids: list[str]) -> None: ...
    def query(self, vector, k: int, doc_ids: list[str] | None = None) -> list[tuple[str, float]]: ...
    def get(self, ids: list[str]) -> dict[str, dict]: ...
    def where(self, where: dict, *, embeddings: bool = False) -> list[tuple[str, str, dict, Any]]: ...
    def scan(self, *, texts: bool = True) -> Iterator[tuple[str, str | None, dict]]: ...
    def count(self) -> int: ...
    def dimension(self) -> int | None: ...
    def drop(self) -> bool: ...


def _settings():
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def forget_client(path: Path, stop: bool = True) -> None:
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


class ChromaVectors:
    """A Chroma collection (cosine), opened on first use."""

    def __init__(self, folder: Path, url: str | None = None, collection: str | None = None) -> None:
        self.folder = Path(folder)
        self.url = url or None
        # On a shared server every client of the team uses the same collection (`collection` keeps
        # several corpora apart); locally the folder already keeps indexes apart.
        self.name = (collection or COLLECTION) if self.url else COLLECTION
        self._client = None
        self._col = None
        # Set by every call that changes the collection: the writer then counts a new vectors
        # generation in the catalog, by which long-running readers know to reopen their client.
        self.written = False

    @property
    def where_label(self) -> str:
        return self.url or str(self.folder)

    def _collection(self):
        if self._col is None:
            import chromadb

            if self.url:
                from urllib.parse import urlparse

                u = urlparse(self.url if "://" in self.url else "http://" + self.url)
                self._client = chromadb.HttpClient(host=u.hostname or "localhost", port=u.port or 8000,
                                                   ssl=u.scheme == "https", settings=_settings())
            else:
                # A client of its own, opened now: the current state on disk, whatever another
                # pq process (an ingest) wrote since this process first opened the index.
                forget_client(self.folder, stop=False)
                self._client = chromadb.PersistentClient(path=str(self.folder), settings=_settings())
            self._col = self._client.get_or_create_collection(name=self.name, metadata={"hnsw:space": "cosine"})
        return self._col

    def exists(self) -> bool:
        """Whether there is anything to open without creating it (a local folder; a server: yes)."""
        return bool(self.url) or self.folder.exists()

    def add(self, ids, vectors, texts, metadatas) -> None:
        self.written = True
        col = self._collection()
        for i in range(0, len(ids), _ADD_BATCH):
            sl = slice(i, i + _ADD_BATCH)
            col.upsert(ids=list(ids[sl]), embeddings=[list(map(float, v)) for v in vectors[sl]],
                       documents=list(texts[sl]), metadatas=list(metadatas[sl]))

    def delete_doc(self, doc_id: str) -> None:
        self.written = True
        self._collection().delete(where={"doc_id": doc_id})

    def delete_ids(self, ids: list[str]) -> None:
        if ids:
            self.written = True
            self._collection().delete(ids=list(ids))

    def query(self, vector, k: int, doc_ids: list[str] | None = None) -> list[tuple[str, float]]:
        """Nearest chunks by cosine: (chunk id, similarity), only of `doc_ids` when given."""
        if doc_ids is not None and not doc_ids:
            return []
        col = self._collection()
        where: dict[str, Any] | None = None
        if doc_ids is not None:
            where = {"doc_id": {"$in": list(doc_ids)}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
        res = col.query(query_embeddings=[list(map(float, vector))], n_results=k, where=where, include=["distances"])
        return [(cid, 1.0 - float(d)) for cid, d in zip(res["ids"][0], res["distances"][0])]

    def get(self, ids: list[str]) -> dict[str, dict]:
        """Chunk id -> {"text", "metadata"} for the ids that exist."""
        if not ids:
            return {}
        res = self._collection().get(ids=list(ids), include=["documents", "metadatas"])
        return {cid: {"text": doc, "metadata": meta} for cid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"])}

    def where(self, where: dict, *, embeddings: bool = False) -> list[tuple[str, str, dict, Any]]:
        """(id, text, metadata, embedding or None) of the chunks whose metadata match `where`."""
        include = ["documents", "metadatas"] + (["embeddings"] if embeddings else [])
        res = self._collection().get(where=where, include=include)
        embs = res["embeddings"] if embeddings else [None] * len(res["ids"])
        return list(zip(res["ids"], res["documents"], res["metadatas"], embs))

    def scan(self, *, texts: bool = True, embeddings: bool = False) -> Iterator[tuple]:
        """Every chunk (id, text or None, metadata[, embedding]), in pages."""
        col = self._collection()
        include = (["documents"] if texts else []) + ["metadatas"] + (["embeddings"] if embeddings else [])
        offset = 0
        while True:
            res = col.get(include=include, limit=_PAGE, offset=offset)
            if not res["ids"]:
                break
            docs = res["documents"] if texts else [None] * len(res["ids"])
            if embeddings:
                yield from zip(res["ids"], docs, res["metadatas"], res["embeddings"])
            else:
                yield from zip(res["ids"], docs, res["metadatas"])
            offset += len(res["ids"])

    def count(self) -> int:
        return self._collection().count()

    def dimension(self) -> int | None:
        got = self._collection().get(limit=1, include=["embeddings"])["embeddings"]
        return len(got[0]) if got is not None and len(got) else None

    def drop(self) -> bool:
        """Delete the collection (a --rebuild); False when that failed (the caller removes the folder)."""
        self.written = True
        try:
            col = self._collection()
            self._client.delete_collection(col.name)
        except Exception:  # noqa: BLE001 - a broken folder: the caller deletes it
            self._col = None
            return False
        self._col = None
        return True

    def close(self) -> None:
        """Forget the cached client of a local folder that is being deleted."""
        self._col = self._client = None
        if not self.url:
            forget_client(self.folder)


def open_vectors(folder: Path, url: str | None = None, collection: str | None = None) -> ChromaVectors:
    return ChromaVectors(folder, url=url, collection=collection)
