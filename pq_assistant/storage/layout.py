"""The index folder: its file names, its schema version, atomic writes and the writer's lock.

Layout of an index folder (schema 2):

    catalog.sqlite    documents (metadata columns + the parsed record as JSON), chunk ids, figures,
                      the figures ledger (timelines, phrase vectors: ledgerdb.py), index state
                      (model, dimension, pending work, stale flags); SQLite in WAL mode
    chroma/           chromadb PersistentClient (or a `chroma run` server with --chroma-url)
    lexical/          the BM25 index (lexical.py)
    vectors/          the chunks' vectors in segments (dense.py)
    lay.json, lay.npy the lay-language data (layfile.py)
    .lock             writers take an exclusive lock; readers never block

Schema 1 (before the catalog) kept `manifest.json` and `docs/<id>.json`; `migrate.py` turns such
an index into schema 2 when it is opened. An index of schema 2 from before the ledger moved into
the catalog kept it in `figures.json` + `figures.npy`: they are moved in (ledgerdb.py) when the
index is first opened, nothing grouped again.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..errors import IndexLocked

SCHEMA_VERSION = 2
CATALOG = "catalog.sqlite"
CHROMA = "chroma"
LEXICAL = "lexical"
VECTORS = "vectors"  # the chunks' vectors in segments (dense.py), beside Chroma
LEDGER = "figures.json"  # (of before: moved into the catalog when opened)
LEDGER_VECTORS = "figures.npy"
LOCK = ".lock"
LEGACY_MANIFEST = "manifest.json"  # schema 1
LEGACY_DOCS = "docs"  # schema 1


class Layout:
    """The paths of one index folder."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    catalog = property(lambda self: self.root / CATALOG)
    chroma = property(lambda self: self.root / CHROMA)
    lexical = property(lambda self: self.root / LEXICAL)
    vectors = property(lambda self: self.root / VECTORS)
    ledger = property(lambda self: self.root / LEDGER)
    ledger_vectors = property(lambda self: self.root / LEDGER_VECTORS)
    lock = property(lambda self: self.root / LOCK)
    legacy_manifest = property(lambda self: self.root / LEGACY_MANIFEST)
    legacy_docs = property(lambda self: self.root / LEGACY_DOCS)

    def exists(self) -> bool:
        """An index of this schema is here (a catalog)."""
        return self.catalog.exists()

    def is_legacy(self) -> bool:
        """A schema-1 index (manifest.json, no catalog) is here."""
        return not self.catalog.exists() and self.legacy_manifest.exists()

    def has_leftovers(self) -> bool:
        """Derived data without a catalog: a --rebuild cut off, or a catalog deleted."""
        return not self.exists() and not self.is_legacy() and any(
            (self.root / sub).exists() for sub in (CHROMA, LEXICAL, VECTORS, LEGACY_DOCS, LEDGER))

    def temp_leftovers(self) -> list[Path]:
        """Files and folders an interrupted atomic write (or migration) leaves behind."""
        found = [p for p in self.root.glob(".*.tmp") if p.is_file()]
        if self.exists():  # a migration cut off after the catalog was committed
            found += [p for p in (self.legacy_manifest, self.legacy_docs) if p.exists()]
        found += [p for p in (self.root / (LEXICAL + ".tmp"), self.root / (LEXICAL + ".old"),  # (before segments)
                              self.root / (LEDGER_VECTORS + ".tmp.npy")) if p.exists()]
        return sorted(found)

    @contextmanager
    def write_lock(self, wait: bool = True, on_wait=None) -> Iterator[None]:
        """Exclusive writer lock (fcntl); `on_wait` is called once if another writer holds it."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.lock, "a") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    raise IndexLocked(f"index {self.root} is vergrendeld door een ander pq-proces dat erin schrijft "
                                      f"(slotbestand {self.lock}); probeer opnieuw als het klaar is, of laat --no-wait "
                                      f"weg om erop te wachten") from None
                if on_wait:
                    on_wait()
                fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_write(path: Path, data: str, *, sync: bool = True) -> None:
    """Write `data` to `path` via a temporary file and rename (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix="." + path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(data)
            fh.flush()
            if sync:
                os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_npy(path: Path, array) -> None:
    """np.save via a temporary file and rename."""
    import numpy as np

    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, np.asarray(array, dtype=np.float32))
    os.replace(tmp, path)
