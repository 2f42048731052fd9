"""The catalog: what the index holds, in one SQLite file (stdlib sqlite3, WAL mode).

Tables:
    meta       key -> JSON value: schema, model, dim, created, updated, lexical_stale, ledger_stale
    documents  one row per fully written document: its metadata columns (what filters, listings
               and citations need) and its parsed record as JSON (opaque: fields this code does not
               know are kept as they are)
    chunks     chunk id -> document, in document order, with the chunk's text and metadata (what a
               search shows, read here rather than from Chroma; NULL for documents another client
               put on a shared server and in catalogs of before: those are read from Chroma)
    A document's vectors are rows `vec_row`.. of the vector segment `vec_seg` (storage/dense.py).
    figures    a document's figures (JSON each), in document order
    ledger, ledger_phrases, ledger_keys, ledger_current   the figures ledger (timelines; ledgerdb.py)
    pending    documents whose write has begun and not finished (see writer.py)
    lay_asked  sub-question chunk -> its answer chunks (the lay data's asked-before map, lay.py)

Readers never block writers (WAL); each write is one transaction, so a reader sees a document
entirely or not at all.
"""
from __future__ import annotations

import json
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import IndexError_
from .layout import SCHEMA_VERSION

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, file TEXT NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL DEFAULT '', title TEXT NOT NULL DEFAULT '', number TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '', asker TEXT NOT NULL DEFAULT '', minister TEXT NOT NULL DEFAULT '',
    pages INTEGER NOT NULL DEFAULT 0, chunks INTEGER NOT NULL DEFAULT 0, figures INTEGER NOT NULL DEFAULT 0,
    is_pq INTEGER NOT NULL DEFAULT 1, ingested TEXT NOT NULL DEFAULT '', remote INTEGER NOT NULL DEFAULT 0,
    extra TEXT NOT NULL DEFAULT '{}', vec_seg TEXT NOT NULL DEFAULT '', vec_row INTEGER NOT NULL DEFAULT -1,
    record TEXT);
CREATE INDEX IF NOT EXISTS documents_path ON documents(path);
CREATE INDEX IF NOT EXISTS documents_number ON documents(number);
CREATE INDEX IF NOT EXISTS documents_date ON documents(date);
CREATE INDEX IF NOT EXISTS documents_listing ON documents(doc_id, file, path, sha256, kind, title, number, date, asker,
    minister, pages, chunks, figures, is_pq, ingested, remote, extra, vec_seg, vec_row);
CREATE TABLE IF NOT EXISTS chunks (chunk_id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, seq INTEGER NOT NULL,
    text TEXT, meta TEXT);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id, seq);
CREATE TABLE IF NOT EXISTS figures (doc_id TEXT NOT NULL, seq INTEGER NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (doc_id, seq));
CREATE TABLE IF NOT EXISTS pending (doc_id TEXT PRIMARY KEY, since TEXT NOT NULL);
"""
_LAY_ASKED = "CREATE TABLE IF NOT EXISTS lay_asked (question TEXT PRIMARY KEY, answers TEXT NOT NULL) WITHOUT ROWID"
_SCHEMA += _LAY_ASKED + ";\n"
# Chroma behind the catalog (writer.py, DEFER_MIN_CHUNKS): the documents whose current chunks are
# in their vector segment but not yet in Chroma, and the chunk ids Chroma still holds that must go.
_VECTORS_BEHIND = """CREATE TABLE IF NOT EXISTS vectors_behind (doc_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS vectors_stale (chunk_id TEXT PRIMARY KEY) WITHOUT ROWID;
"""
_SCHEMA += _VECTORS_BEHIND


def create_vector_tables(db) -> None:
    """The tables of Chroma behind the catalog, in a catalog made before them (every writer runs
    it once; writer.py)."""
    for stmt in _VECTORS_BEHIND.split(";"):
        if stmt.strip():
            db.execute(stmt)

_DOC_COLUMNS = ("doc_id", "file", "path", "sha256", "kind", "title", "number", "date", "asker", "minister",
                "pages", "chunks", "figures", "is_pq", "ingested", "remote", "extra", "vec_seg", "vec_row")


@dataclass
class DocumentRow:
    """A document of the index: what listings, filters and citations need (the parsed record
    itself is `Catalog.record`)."""

    doc_id: str
    file: str
    path: str
    sha256: str = ""
    kind: str = ""
    title: str = ""
    number: str = ""
    date: str = ""
    asker: str = ""
    minister: str = ""
    pages: int = 0
    chunks: int = 0
    figures: int = 0
    is_pq: bool = True
    ingested: str = ""
    remote: bool = False  # put on a shared server by another client (pq reindex): no record here
    extra: dict = field(default_factory=dict)  # further metadata (the document's shape): kept as given
    vec_seg: str = ""  # the vector segment that holds its chunks' vectors ("": none, ask Chroma)
    vec_row: int = -1  # … from this row on, one a chunk in chunk order

    def to_dict(self) -> dict:
        """The row as one flat dict: the columns, then the extra fields (which never override one)."""
        d = asdict(self)
        extra = d.pop("extra")
        return {**extra, **d}


@dataclass
class DocumentWrite:
    """Everything the catalog keeps of one document: its row, its record, its chunks, its figures."""

    row: DocumentRow
    record: dict | None
    chunk_ids: list[str]
    figures: list[dict] = field(default_factory=list)
    texts: list[str] | None = None  # the chunks' texts and metadata, aligned with chunk_ids (None: not kept)
    metadatas: list[dict] | None = None


@dataclass
class IndexState:
    schema: int
    model: str | None
    dim: int | None
    created: str
    updated: str
    lexical_stale: bool
    ledger_stale: bool


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S")


class Catalog:
    """The catalog of one index (see the module docstring). Opening it for reading never creates
    the file; `create=True` (writers) does."""

    def __init__(self, path: Path, *, create: bool = False) -> None:
        self.path = Path(path)
        self.before_commit = None  # (a writer's hook, run in each transaction before it commits)
        if not create and not self.path.exists():
            raise IndexError_(f"geen catalogus in {self.path}")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # check_same_thread=False: a server (pq serve) uses one Assistant from its request threads,
            # one at a time under its own lock
            self.db = sqlite3.connect(str(self.path), isolation_level=None, timeout=30, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            # NORMAL in WAL mode: a killed process loses nothing committed; only a power cut may
            # lose the last transactions (never corrupts the file).
            self.db.execute("PRAGMA synchronous=NORMAL")
            version = self._meta("schema")
            if version is None:
                if not create:
                    raise sqlite3.DatabaseError("no schema")
                with self.transaction():
                    for stmt in _SCHEMA.strip().split(";"):
                        if stmt.strip():
                            self.db.execute(stmt)
                    from .ledgerdb import create as create_ledger

                    create_ledger(self.db)
                    self._set("schema", SCHEMA_VERSION)
                    self._set("created", _now())
                    self._set("updated", _now())
            elif version == SCHEMA_VERSION and "extra" not in {r[1] for r in self.db.execute("PRAGMA table_info(documents)")}:
                # a catalog of this schema from before the shape fields (development builds only)
                with self.transaction():
                    self.db.execute("ALTER TABLE documents ADD COLUMN extra TEXT NOT NULL DEFAULT '{}'")
            elif version != SCHEMA_VERSION:
                raise IndexError_(f"{self.path}: indexschema {version!r} is onbekend (deze pq leest schema "
                                  f"{SCHEMA_VERSION}); bouw opnieuw met: pq ingest --rebuild <bestanden> --index {self.path.parent}")
            if version == SCHEMA_VERSION and "vec_seg" not in {r[1] for r in self.db.execute("PRAGMA table_info(documents)")}:
                # a catalog from before the vector segments and the chunk texts (its documents
                # have neither: they are read from Chroma) and the listing index
                with self.transaction():
                    self.db.execute("ALTER TABLE documents ADD COLUMN vec_seg TEXT NOT NULL DEFAULT ''")
                    self.db.execute("ALTER TABLE documents ADD COLUMN vec_row INTEGER NOT NULL DEFAULT -1")
                    self.db.execute("ALTER TABLE chunks ADD COLUMN text TEXT")
                    self.db.execute("ALTER TABLE chunks ADD COLUMN meta TEXT")
                    self.db.execute("DROP INDEX IF EXISTS documents_listing")
                    for stmt in _SCHEMA.strip().split(";"):
                        if "documents_listing" in stmt:
                            self.db.execute(stmt)
        except sqlite3.DatabaseError as exc:
            raise IndexError_(f"{self.path}: onleesbare catalogus ({exc}); bouw opnieuw met: pq ingest --rebuild <bestanden> "
                              f"--index {self.path.parent}") from exc

    def close(self) -> None:
        self.db.close()

    # -- meta -------------------------------------------------------------------------------
    def _meta(self, key: str):
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return None
            raise
        return json.loads(row[0]) if row else None

    def _set(self, key: str, value) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def state(self) -> IndexState:
        rows = dict(self.db.execute("SELECT key, value FROM meta").fetchall())
        get = lambda k, d=None: json.loads(rows[k]) if k in rows else d  # noqa: E731
        return IndexState(schema=get("schema"), model=get("model"), dim=get("dim"), created=get("created", ""),
                          updated=get("updated", ""), lexical_stale=bool(get("lexical_stale", False)),
                          ledger_stale=bool(get("ledger_stale", False)))

    @property
    def vectors_generation(self) -> int | None:
        """Goes up with every transaction after which Chroma's collection changed (None for a
        catalog whose writers did not count it): a reader reopens its Chroma client only then."""
        got = self._meta("vectors_generation")
        return None if got is None else int(got)

    @property
    def generation(self) -> int:
        """Goes up with every write transaction (of any process): what readers cache by."""
        return int(self._meta("generation") or 0)

    @property
    def model(self) -> str | None:
        return self._meta("model")

    @property
    def dim(self) -> int | None:
        return self._meta("dim")

    def set_model(self, model: str, dim: int) -> None:
        with self.transaction():
            self._set("model", model)
            self._set("dim", dim)

    def set_stale(self, *, lexical: bool | None = None, ledger: bool | None = None) -> None:
        with self.transaction():
            if lexical is not None:
                self._set("lexical_stale", lexical)
            if ledger is not None:
                self._set("ledger_stale", ledger)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: a second writer waits, readers go on)."""
        if self.db.in_transaction:  # nested: part of the outer one
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            if self.before_commit is not None:
                self.before_commit()
            self._set("updated", _now())
            self.db.execute("INSERT INTO meta(key, value) VALUES ('generation', '1') ON CONFLICT(key) DO UPDATE "
                            "SET value = CAST(value AS INTEGER) + 1")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- documents --------------------------------------------------------------------------
    @staticmethod
    def _row(r) -> DocumentRow:
        d = dict(zip(_DOC_COLUMNS, r))
        d["is_pq"], d["remote"] = bool(d["is_pq"]), bool(d["remote"])
        d["extra"] = json.loads(d["extra"] or "{}")
        return DocumentRow(**d)

    def documents(self) -> dict[str, DocumentRow]:
        """Every document, by id (in id order)."""
        cur = self.db.execute(f"SELECT {', '.join(_DOC_COLUMNS)} FROM documents ORDER BY doc_id")
        return {r[0]: self._row(r) for r in cur}

    def document_dicts(self) -> dict[str, dict]:
        """Every document as `DocumentRow.to_dict()` gives it, by id (in id order), without making
        the rows (a reader's snapshot: 26k documents in a fraction of the time)."""
        cols = [c for c in _DOC_COLUMNS if c != "extra"]
        rows = self.db.execute(f"SELECT {', '.join(cols)}, extra FROM documents ORDER BY doc_id").fetchall()
        extras = json.loads("[" + ",".join(r[-1] or "{}" for r in rows) + "]")  # one parse, not one a row
        out = {}
        for r, d in zip(rows, extras):
            d.update(zip(cols, r))
            d["is_pq"], d["remote"] = bool(d["is_pq"]), bool(d["remote"])
            out[r[0]] = d
        return out

    def document(self, doc_id: str) -> DocumentRow | None:
        r = self.db.execute(f"SELECT {', '.join(_DOC_COLUMNS)} FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return self._row(r) if r else None

    def has_documents(self) -> bool:
        return self.db.execute("SELECT EXISTS (SELECT 1 FROM documents)").fetchone()[0] == 1

    def has(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone() is not None

    def doc_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT doc_id FROM documents ORDER BY doc_id")]

    def by_path(self) -> dict[str, str]:
        """File path -> doc id (a file of several questions: its first, the lowest id)."""
        return dict(self.db.execute("SELECT path, doc_id FROM documents INDEXED BY documents_listing "
                                    "ORDER BY doc_id DESC"))

    def ids_of_path(self, path: str) -> list[str]:
        """The ids of every document read from one file (a report of several questions has
        several), in id order."""
        return [r[0] for r in self.db.execute("SELECT doc_id FROM documents WHERE path = ? ORDER BY doc_id", (path,))]

    def ids_by_path(self) -> dict[str, list[str]]:
        """File path -> the ids of every document read from it (a report of several questions has
        several), in id order."""
        out: dict[str, list[str]] = {}
        for path, did in self.db.execute("SELECT path, doc_id FROM documents INDEXED BY documents_listing"):
            out.setdefault(path, []).append(did)
        return out

    def sha256_of(self, doc_id: str) -> str | None:
        r = self.db.execute("SELECT sha256 FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        return r[0] if r else None

    def counts(self) -> tuple[int, int, int]:
        """(documents, chunks, figures) as the document rows count them."""
        r = self.db.execute("SELECT COUNT(*), COALESCE(SUM(chunks), 0), COALESCE(SUM(figures), 0) FROM documents "
                            "INDEXED BY documents_listing").fetchone()
        return int(r[0]), int(r[1]), int(r[2])

    def record(self, doc_id: str) -> dict | None:
        """The parsed document as it was stored (None for a remote document or a lost record).
        An IndexError_ that names pq doctor when the stored record is damaged."""
        r = self.db.execute("SELECT record FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if not r or r[0] is None:
            return None
        try:
            rec = json.loads(r[0])
        except ValueError as exc:
            rec, why = None, type(exc).__name__
        else:
            why = "geen object"
        if not isinstance(rec, dict):
            raise IndexError_(f"{self.path}: document {doc_id}: beschadigd documentrecord ({why}); herstel met  "
                              f"pq doctor --fix --index {self.path.parent}")
        return rec

    def by_number(self, number: str, year: str = "") -> list[str]:
        """Ids of the documents with this question number (and a date in `year`, when given)."""
        sql, args = "SELECT doc_id FROM documents WHERE number = ?", [number.strip()]
        if year:
            sql += " AND date LIKE ?"
            args.append(year + "%")
        return [r[0] for r in self.db.execute(sql + " ORDER BY doc_id", args)]

    def dates(self) -> dict[str, str]:
        """doc id -> question date, for the dated documents."""
        return dict(self.db.execute("SELECT doc_id, date FROM documents WHERE date != ''"))

    # -- chunks and figures -----------------------------------------------------------------
    def chunk_ids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ? ORDER BY seq", (doc_id,))]

    def chunk_docs(self) -> dict[str, str]:
        """Every chunk id the catalog lists -> its document."""
        return dict(self.db.execute("SELECT chunk_id, doc_id FROM chunks"))

    # -- the lay data's asked-before map (lay.py) ----------------------------------------------
    def set_asked(self, asked: dict[str, list[str]]) -> None:
        """Sub-question chunk -> the answer chunks that answer it, anew (derived: lay.build). Here
        rather than in lay.json: a question looks up its candidates only (the whole map is
        megabytes at a large index, and every cold `pq ask` parsed it)."""
        with self.transaction() as db:
            db.execute(_LAY_ASKED)
            db.execute("DELETE FROM lay_asked")
            db.executemany("INSERT INTO lay_asked(question, answers) VALUES (?, ?)",
                           [(q, json.dumps(a)) for q, a in sorted(asked.items())])

    def asked_of(self, chunk_ids: Iterable[str]) -> dict[str, list[str]]:
        """The answer chunks of those of `chunk_ids` that are sub-questions with answers."""
        try:
            rows = self.db.execute("SELECT question, answers FROM lay_asked WHERE question IN (SELECT value FROM "
                                   "json_each(?))", (json.dumps(list(chunk_ids)),)).fetchall()
        except sqlite3.OperationalError:  # a catalog of before the table: its map is in lay.json
            return {}
        return {q: json.loads(a) for q, a in rows}

    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM chunks").fetchone()[0])

    def vector_segments(self) -> dict[str, int]:
        """Vector segment -> how many chunks of the documents point at it."""
        return dict(self.db.execute("SELECT vec_seg, SUM(chunks) FROM documents INDEXED BY documents_listing "
                                "WHERE vec_seg != '' GROUP BY vec_seg"))

    def vector_rows(self, segments: list[str]) -> list[tuple[str, str, int, int]]:
        """(doc id, segment, first row, chunks) of the documents in these segments, in id order."""
        return self.db.execute("SELECT doc_id, vec_seg, vec_row, chunks FROM documents WHERE vec_seg IN "
                               "(SELECT value FROM json_each(?)) ORDER BY doc_id", (json.dumps(segments),)).fetchall()

    def move_vectors(self, moves: list[tuple[str, str, int]]) -> None:
        """Point documents at other rows: (doc id, segment, first row), in one transaction."""
        with self.transaction() as db:
            db.executemany("UPDATE documents SET vec_seg = ?, vec_row = ? WHERE doc_id = ?",
                           [(seg, row, did) for did, seg, row in moves])

    def chunk_rows(self, ids: list[str]) -> dict[str, dict]:
        """Chunk id -> {"text", "metadata"} for the ids whose text the catalog keeps."""
        rows = self.db.execute("SELECT chunk_id, text, meta FROM chunks WHERE chunk_id IN (SELECT value FROM json_each(?)) "
                               "AND text IS NOT NULL", (json.dumps(list(ids)),))
        return {cid: {"text": text, "metadata": json.loads(meta or "{}")} for cid, text, meta in rows}

    def figures(self, doc_id: str | None = None) -> list[dict]:
        """The figures (as Figure.to_dict gives them) of one document, or of all, in document order."""
        if doc_id is None:
            cur = self.db.execute("SELECT data FROM figures ORDER BY doc_id, seq")
        else:
            cur = self.db.execute("SELECT data FROM figures WHERE doc_id = ? ORDER BY seq", (doc_id,))
        return [json.loads(r[0]) for r in cur]

    def orphan_rows(self) -> dict[str, int]:
        """doc id -> number of chunk/figure rows of documents the catalog does not list."""
        out: dict[str, int] = {}
        for table in ("chunks", "figures"):
            for did, n in self.db.execute(f"SELECT doc_id, COUNT(*) FROM {table} WHERE doc_id NOT IN "
                                          f"(SELECT doc_id FROM documents) GROUP BY doc_id"):
                out[did] = out.get(did, 0) + n
        return out

    # -- pending work -----------------------------------------------------------------------
    def pending(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT doc_id FROM pending ORDER BY doc_id")]

    def begin(self, doc_ids: Iterable[str]) -> None:
        """Mark documents as being written; the BM25 index and the ledger are stale from here."""
        with self.transaction() as db:
            db.executemany("INSERT OR REPLACE INTO pending(doc_id, since) VALUES (?, ?)", [(d, _now()) for d in doc_ids])
            self._set("lexical_stale", True)
            self._set("ledger_stale", True)

    # -- Chroma behind the catalog ------------------------------------------------------------
    def _behind_rows(self, sql: str) -> list[tuple]:
        """Rows of a query on the tables of Chroma behind the catalog ([] in a catalog made before
        them that no writer has opened since)."""
        try:
            return self.db.execute(sql).fetchall()
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return []
            raise

    def vectors_behind(self) -> tuple[set[str], set[str]]:
        """(documents whose chunks Chroma does not hold yet, chunk ids Chroma holds that must go)."""
        return ({r[0] for r in self._behind_rows("SELECT doc_id FROM vectors_behind")},
                {r[0] for r in self._behind_rows("SELECT chunk_id FROM vectors_stale")})

    def vectors_behind_count(self) -> int:
        """How many chunk ids Chroma has yet to take (of the documents behind) or drop."""
        got = self._behind_rows("SELECT (SELECT COUNT(*) FROM chunks WHERE doc_id IN (SELECT doc_id FROM vectors_behind)) "
                                "+ (SELECT COUNT(*) FROM vectors_stale)")
        return int(got[0][0]) if got else 0

    def vectors_synced(self, doc_ids: Iterable[str], chunk_ids: Iterable[str]) -> None:
        """Chroma now holds these documents' chunks and none of these chunk ids (one transaction)."""
        with self.transaction() as db:
            db.executemany("DELETE FROM vectors_behind WHERE doc_id = ?", [(d,) for d in doc_ids])
            db.executemany("DELETE FROM vectors_stale WHERE chunk_id = ?", [(c,) for c in chunk_ids])

    def finish(self, writes: Iterable[DocumentWrite], *, behind: bool = False, stale: Iterable[str] = ()) -> None:
        """Store documents (replacing what was there of them) and clear their pending marks, in one
        transaction. `behind`: their chunks are not in Chroma yet, and `stale` (their old chunk ids)
        must go from it."""
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO vectors_stale(chunk_id) VALUES (?)", [(c,) for c in stale])
            for w in writes:
                db.execute(("INSERT OR IGNORE INTO vectors_behind(doc_id) VALUES (?)" if behind else
                            "DELETE FROM vectors_behind WHERE doc_id = ?"), (w.row.doc_id,))
                self._drop(db, w.row.doc_id)
                d = asdict(w.row)
                d["is_pq"], d["remote"] = int(d["is_pq"]), int(d["remote"])
                d["extra"] = json.dumps(d["extra"], ensure_ascii=False)
                record = json.dumps(w.record, ensure_ascii=False) if w.record is not None else None
                db.execute(f"INSERT INTO documents({', '.join(_DOC_COLUMNS)}, record) VALUES "
                           f"({', '.join('?' * len(_DOC_COLUMNS))}, ?)", [d[c] for c in _DOC_COLUMNS] + [record])
                texts = w.texts or [None] * len(w.chunk_ids)
                metas = [json.dumps(m, ensure_ascii=False) for m in w.metadatas] if w.metadatas else [None] * len(texts)
                db.executemany("INSERT OR REPLACE INTO chunks(chunk_id, doc_id, seq, text, meta) VALUES (?, ?, ?, ?, ?)",
                               [(cid, w.row.doc_id, i, t, m) for i, (cid, t, m) in enumerate(zip(w.chunk_ids, texts, metas))])
                db.executemany("INSERT INTO figures(doc_id, seq, data) VALUES (?, ?, ?)",
                               [(w.row.doc_id, i, json.dumps(f, ensure_ascii=False)) for i, f in enumerate(w.figures)])
                db.execute("DELETE FROM pending WHERE doc_id = ?", (w.row.doc_id,))

    def drop(self, doc_ids: Iterable[str], *, stale: Iterable[str] = ()) -> None:
        """Forget documents (rows, chunks, figures, pending marks) in one transaction; `stale`:
        their chunk ids, left in Chroma for a later write to delete."""
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO vectors_stale(chunk_id) VALUES (?)", [(c,) for c in stale])
            for did in doc_ids:
                self._drop(db, did)
                db.execute("DELETE FROM pending WHERE doc_id = ?", (did,))
                db.execute("DELETE FROM vectors_behind WHERE doc_id = ?", (did,))
            self._set("lexical_stale", True)
            self._set("ledger_stale", True)

    @staticmethod
    def _drop(db, doc_id: str) -> None:
        for table in ("documents", "chunks", "figures"):
            db.execute(f"DELETE FROM {table} WHERE doc_id = ?", (doc_id,))

    def wipe(self) -> None:
        """Forget everything (--rebuild); the file stays (other connections may hold it open)."""
        with self.transaction() as db:
            create_vector_tables(db)
            for table in ("documents", "chunks", "figures", "pending", "vectors_behind", "vectors_stale"):
                db.execute(f"DELETE FROM {table}")
            from .ledgerdb import create as create_ledger

            create_ledger(db)
            for table in ("ledger", "ledger_phrases", "ledger_keys"):
                db.execute(f"DELETE FROM {table}")
            db.execute("DELETE FROM meta WHERE key = 'ledger_figures'")
            db.execute("DELETE FROM meta WHERE key IN ('model', 'dim', 'lexical_stale', 'ledger_stale')")
            self._set("wiping", True)  # cleared when the vectors and derived files are gone too

    @property
    def wiping(self) -> bool:
        """A --rebuild emptied the catalog and was cut off before the rest was dropped."""
        return bool(self._meta("wiping"))

    def wiped(self) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM meta WHERE key = 'wiping'")

