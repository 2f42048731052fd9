"""The figures ledger in the catalog (the same SQLite file, so a ledger change is one transaction
with the rest): one row a figure with its timeline and status, one row a distinct description
phrase with its vector, one row a (quantity key, family, timeline).

Tables:
    ledger          fid, the figure's document and chunk, its timeline (grp) and status, its
                    phrase (pid), the keys the grouping blocks by (gkey, block), the figure
                    with its `replaced_by` / `confirms` as JSON (data), and its position among
                    its document's figures in the catalog (seq: a rebuild meets them in that order),
                    its series in the timeline (scope, kind: what its status is relative to),
                    its reference date, the date it sorts at (sortd) and whether a newer figure
                    replaced it (past: its bucket is an older date than the current value's)
                    and the key by which another source's restatement of its value can join it
                    to that figure's timeline (rkey: `figures.grouping.restatement_key`, or '')
    ledger_phrases  pid -> a description phrase (`ledger.description`) and its vector (float32)
    ledger_keys     (quantity key, family, timeline) with the timeline's first fid: what
                    `named_groups` matches a question against, without reading any figure
    ledger_current  (timeline, series) -> the pointer (`replaced_by`) of its replaced figures:
                    they all point at the series' current figure, so it is stored once and a
                    new current value rewrites one row, not every older figure's (their rows
                    say `"_replaced_by": "series"`)

A reader asks only for what a question needs (the figures of some chunks, documents or
timelines); the same fid always gives the same `LedgerEntry` object within a catalog generation,
so `id(entry.figure)` identifies a figure across those reads as it did in one list. The grouping
itself is the figures code's (`figures.ledger.build`); this module keeps its result and updates
it for the timelines a change touches (`update`, in ledgerupdate.py): the cost follows the
change, not the index.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable, Sequence

from ..errors import IndexError_

SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (fid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, chunk_id TEXT NOT NULL,
    grp INTEGER NOT NULL, status TEXT NOT NULL, pid INTEGER NOT NULL, gkey TEXT NOT NULL, block TEXT NOT NULL,
    data TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0, series TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '', sortd TEXT NOT NULL DEFAULT '', past INTEGER NOT NULL DEFAULT 0,
    rkey TEXT NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS ledger_chunk ON ledger(chunk_id);
CREATE INDEX IF NOT EXISTS ledger_doc ON ledger(doc_id);
CREATE INDEX IF NOT EXISTS ledger_grp ON ledger(grp);
CREATE INDEX IF NOT EXISTS ledger_gkey ON ledger(gkey, doc_id, seq);
CREATE INDEX IF NOT EXISTS ledger_sdate ON ledger(grp, series, date, sortd, past);
CREATE INDEX IF NOT EXISTS ledger_pid ON ledger(pid, block, grp);
CREATE INDEX IF NOT EXISTS ledger_block ON ledger(block, grp);
CREATE INDEX IF NOT EXISTS ledger_rkey ON ledger(rkey);
CREATE TABLE IF NOT EXISTS ledger_phrases (pid INTEGER PRIMARY KEY, phrase TEXT NOT NULL UNIQUE, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ledger_keys (qkey TEXT NOT NULL, family TEXT NOT NULL, grp INTEGER NOT NULL,
    first INTEGER NOT NULL, PRIMARY KEY (qkey, family, grp)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ledger_keys_grp ON ledger_keys(grp);
CREATE TABLE IF NOT EXISTS ledger_current (grp INTEGER NOT NULL, series TEXT NOT NULL, ptr TEXT NOT NULL,
    PRIMARY KEY (grp, series)) WITHOUT ROWID;
"""

# A new figure's phrase this close to a stored phrase (cosine) may join that phrase's timelines:
# below the grouping's merge threshold (0.97), as it compares one phrase a quantity key.
NEIGHBOUR_MIN = 0.95


# What a replaced figure's row holds for its `replaced_by`: its series' pointer (ledger_current).
SERIES = "series"
# The columns `LedgerDB._rows` reads.
_COLS = "fid, grp, status, data, seq, series"


def create(db) -> None:
    """The ledger's tables (in a catalog of before them too): the tables, the columns an
    earlier build lacked (its rows then need a rebuild: marked stale; so is a ledger of before
    ledger_current, whose rows hold their own pointers and no rkey), the indexes."""
    stmts = [st for st in SCHEMA.strip().split(";") if st.strip()]
    for stmt in stmts:
        if "CREATE TABLE" in stmt:
            db.execute(stmt)
    cols = {r[1] for r in db.execute("PRAGMA table_info(ledger)")}
    added = False
    for col in ("seq INTEGER NOT NULL DEFAULT 0", "series TEXT NOT NULL DEFAULT ''", "date TEXT NOT NULL DEFAULT ''",
                "sortd TEXT NOT NULL DEFAULT ''", "past INTEGER NOT NULL DEFAULT 0", "rkey TEXT NOT NULL DEFAULT ''"):
        if col.split()[0] not in cols:
            db.execute(f"ALTER TABLE ledger ADD COLUMN {col}")
            added = True
    if added and db.execute("SELECT EXISTS (SELECT 1 FROM ledger)").fetchone()[0]:
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('ledger_stale', 'true')")
    db.execute("DROP INDEX IF EXISTS ledger_series")  # (now ledger_sdate, with the sort date)
    have = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
    for stmt in stmts:
        if "CREATE INDEX" in stmt:
            name = stmt.split("EXISTS", 1)[1].split()[0]
            if name in have and _norm(have[name]) != _norm(stmt):
                # an index of an earlier build under the same name (its columns changed since):
                # CREATE INDEX IF NOT EXISTS would keep it, and the queries it was made for scan
                db.execute(f"DROP INDEX {name}")
            db.execute(stmt)


def _norm(sql: str) -> str:
    return " ".join(sql.replace("IF NOT EXISTS ", "").split())


def _ids(values: Iterable) -> str:
    return json.dumps(list(values))


def _keys(f) -> tuple[str, str, str, str]:
    """(gkey, block, quantity key, family) of a figure, as stored (JSON text: comparable in SQL)."""
    from ..figures.ledger import key_of
    from ..figures.grouping import grouping_keys

    (fam_key, block) = grouping_keys(f)
    fam, markers, unit = block
    return (json.dumps(list(fam_key), ensure_ascii=False), json.dumps([fam, sorted(markers), unit], ensure_ascii=False),
            *key_of(f))


def _description(f) -> str:
    return f.quantity or f.unit


def _series(f) -> str:
    from ..figures.timelines import series_key

    return json.dumps(list(series_key(f)), ensure_ascii=False)


def _sortd(f) -> str:
    from ..figures.timelines import _sort_date

    return _sort_date(f) if f.date else ""


def _row_data(e, names: list[str]) -> str:
    f = e.figure
    d = {k: getattr(f, k) for k in names}
    d["_replaced_by"], d["_confirms"] = SERIES if e.replaced_by is not None else None, e.confirms
    return json.dumps(d, ensure_ascii=False)


class LedgerDB:
    """The ledger of one catalog: reads and writes. What is read is kept until `forget`
    (Storage.forget_caches: after a write, or when a long-running reader's refresh sees a new
    catalog generation), so one answer reads one state and a figure is one object throughout."""

    def __init__(self, catalog) -> None:
        self.catalog = catalog
        self._entries: dict[int, object] = {}
        self._seq: dict[int, int] = {}  # id(figure) -> its position among its document's figures
        self._fid: dict[int, int] = {}  # id(figure) -> its row
        self._by_chunk: dict[str, list] = {}
        self._phrases = None
        self._normed = None
        self._has: bool | None = None
        self._ptr: dict[tuple[int, str], dict] = {}  # (timeline, series) -> its replaced figures' pointer

    # -- reading ------------------------------------------------------------------------------
    def forget(self) -> None:
        self._entries, self._seq, self._fid, self._by_chunk = {}, {}, {}, {}
        self._phrases = self._normed = self._has = None
        self._ptr = {}

    def exists(self) -> bool:
        """The tables are there (a catalog of before the ledger moved into it has none yet)."""
        if self._has is None:
            self._has = self.catalog.db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").fetchone() is not None
        return self._has

    def _pointer(self, grp: int, series: str) -> dict | None:
        key = (grp, series)
        if key not in self._ptr:
            row = self.catalog.db.execute("SELECT ptr FROM ledger_current WHERE grp = ? AND series = ?", key).fetchone()
            self._ptr[key] = json.loads(row[0]) if row is not None else None
        return self._ptr[key]

    def _rows(self, sql: str, args: Sequence = ()) -> list:
        """The entries of `SELECT {_COLS} ...`, one object a fid."""
        from ..figures.ledger import LedgerEntry
        from ..models import Figure

        if not self.exists():
            return []
        out = []
        known = Figure.__dataclass_fields__
        for fid, grp, status, data, seq, series in self.catalog.db.execute(sql, args):
            e = self._entries.get(fid)
            if e is None:
                try:
                    d = json.loads(data)
                    replaced_by, confirms = d.pop("_replaced_by", None), d.pop("_confirms", None)
                    if replaced_by == SERIES and (replaced_by := self._pointer(grp, series)) is None:
                        raise ValueError("no pointer for its series")
                    e = LedgerEntry(figure=Figure(**{k: v for k, v in d.items() if k in known}), group=grp,
                                    status=status, replaced_by=replaced_by, confirms=confirms)
                except (ValueError, TypeError, AttributeError) as exc:
                    raise IndexError_(f"{self.catalog.path}: beschadigd cijferregister (cijfer {fid}: "
                                      f"{type(exc).__name__}); herstel met  pq doctor --fix --index "
                                      f"{self.catalog.path.parent}") from exc
                self._entries[fid] = e
                self._seq[id(e.figure)] = seq
                self._fid[id(e.figure)] = fid
            out.append(e)
        return out

    def count(self) -> int:
        if not self.exists():
            return 0
        return int(self.catalog.db.execute("SELECT COUNT(*) FROM ledger").fetchone()[0])

    def all(self) -> list:
        """Every entry, in ledger order (`pq figures --all`, checks)."""
        return self._rows(f"SELECT {_COLS} FROM ledger ORDER BY fid")

    def of_chunks(self, chunk_ids: Iterable[str]) -> dict[str, list]:
        """chunk id -> its entries (in ledger order); chunks without figures map to []."""
        ids = list(dict.fromkeys(chunk_ids))
        need = [c for c in ids if c not in self._by_chunk]
        if need:
            got: dict[str, list] = {c: [] for c in need}
            for e in self._rows(f"SELECT {_COLS} FROM ledger WHERE chunk_id IN "
                                "(SELECT value FROM json_each(?)) ORDER BY fid", (_ids(need),)):
                got[e.figure.chunk_id].append(e)
            self._by_chunk.update(got)
        return {c: self._by_chunk[c] for c in ids}

    def of_docs(self, doc_ids: Iterable[str]) -> list:
        return self._rows(f"SELECT {_COLS} FROM ledger WHERE doc_id IN (SELECT value FROM json_each(?)) "
                          "ORDER BY fid", (_ids(set(doc_ids)),))

    def of_groups(self, groups: Iterable[int]) -> list:
        return self._rows(f"SELECT {_COLS} FROM ledger WHERE grp IN (SELECT value FROM json_each(?)) "
                          "ORDER BY fid", (_ids(set(groups)),))

    def keys(self) -> list[tuple[str, str, int]]:
        """(quantity key, family, timeline) of every timeline wording, in ledger order."""
        if not self.exists():
            return []
        return self.catalog.db.execute("SELECT qkey, family, grp FROM ledger_keys ORDER BY first").fetchall()

    def phrases(self):
        """(pids, phrases, vectors): every description phrase with its vector (float32 rows), or
        None for an empty ledger. Read once a generation: the semantic look-up scores them all."""
        import numpy as np

        if self._phrases is None:
            if not self.exists():
                return None
            rows = self.catalog.db.execute("SELECT pid, phrase, vec FROM ledger_phrases ORDER BY pid").fetchall()
            if not rows:
                return None
            pids = np.array([r[0] for r in rows], dtype=np.int64)
            mat = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32).reshape(len(rows), -1)
            self._phrases = (pids, [r[1] for r in rows], mat)
        return self._phrases

    def largest(self, top: int) -> list[tuple[str, int]]:
        """(most frequent description, figures) of the `top` timelines with the most figures (more
        than one), largest first (at equal size the lower timeline number)."""
        if not self.exists():
            return []
        db = self.catalog.db
        sizes = db.execute("SELECT grp, COUNT(*) AS n FROM ledger GROUP BY grp HAVING n > 1 ORDER BY n DESC, grp "
                           "LIMIT ?", (top * 2,)).fetchall()
        names: dict[int, str] = {}
        for grp, phrase, _n, _first in db.execute(
                "SELECT l.grp, p.phrase, COUNT(*) AS n, MIN(l.fid) AS first FROM ledger l JOIN ledger_phrases p "
                "ON p.pid = l.pid WHERE l.grp IN (SELECT value FROM json_each(?)) AND p.phrase != '' "
                "GROUP BY l.grp, l.pid ORDER BY l.grp, n DESC, first", (_ids(g for g, _ in sizes),)):
            names.setdefault(grp, phrase)
        return [(names[g], n) for g, n in sizes if g in names][:top]

    def groups_of_phrases(self, pids: Iterable[int]) -> list[int]:
        """The timelines whose figures have one of these phrases, in timeline order."""
        if not self.exists():
            return []
        return [r[0] for r in self.catalog.db.execute(
            "SELECT DISTINCT grp FROM ledger WHERE pid IN (SELECT value FROM json_each(?)) ORDER BY grp",
            (_ids(int(p) for p in pids),))]

    def _normed_phrases(self):
        import numpy as np

        got = self.phrases()
        if got is None:
            return None
        if self._normed is None:
            mat = got[2]
            self._normed = mat / np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
        return got[0], self._normed

    # -- writing (the caller holds the lock and the transaction) ------------------------------
    def _insert(self, db, entries: Sequence, vectors, seqs: dict[int, int]) -> None:
        """Add entries (new fids, in order) with their phrases (a phrase's vector: the first
        given), their timeline keys and their figures' positions (`seqs`: id(figure) -> seq)."""
        import numpy as np

        from ..figures.grouping import restatement_key
        from ..models import Figure

        names = list(Figure.__dataclass_fields__)  # (flat values: no dataclasses.asdict deep copy)
        vecs = np.asarray(vectors, dtype=np.float32) if vectors is not None and len(entries) else None
        phrase_vec: dict[str, bytes] = {}
        if vecs is not None:  # (None: the phrases are stored already)
            for i, e in enumerate(entries):
                ph = _description(e.figure)
                if ph not in phrase_vec:
                    phrase_vec[ph] = vecs[i].tobytes()
            db.executemany("INSERT OR IGNORE INTO ledger_phrases(phrase, vec) VALUES (?, ?)", list(phrase_vec.items()))
        phrases = list(dict.fromkeys(_description(e.figure) for e in entries))
        pid = dict((ph, p) for p, ph in db.execute(
            "SELECT pid, phrase FROM ledger_phrases WHERE phrase IN (SELECT value FROM json_each(?))",
            (json.dumps(phrases, ensure_ascii=False),)))
        first = int(db.execute("SELECT COALESCE(MAX(fid), 0) FROM ledger").fetchone()[0]) + 1
        rows, keys, pointers = [], {}, {}
        memo: dict[tuple, tuple] = {}
        for n, e in enumerate(entries):
            f = e.figure
            mk = (f.quantity, f.unit)
            if mk not in memo:
                memo[mk] = _keys(f)
            gkey, block, qkey, fam = memo[mk]
            series = _series(f)
            rows.append((first + n, f.doc_id, f.chunk_id, e.group, e.status, pid.get(_description(f), -1), gkey, block,
                         _row_data(e, names), seqs.get(id(f), 0), series, f.date or "", _sortd(f),
                         int(e.replaced_by is not None), restatement_key(f) or ""))
            if e.replaced_by is not None:
                pointers[(e.group, series)] = e.replaced_by
            keys.setdefault((qkey, fam, e.group), first + n)
        db.executemany("INSERT INTO ledger(fid, doc_id, chunk_id, grp, status, pid, gkey, block, data, seq, series, "
                       "date, sortd, past, rkey) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT OR IGNORE INTO ledger_keys(qkey, family, grp, first) VALUES (?, ?, ?, ?)",
                       [(q, fam, g, fid) for (q, fam, g), fid in keys.items()])
        db.executemany("INSERT OR REPLACE INTO ledger_current(grp, series, ptr) VALUES (?, ?, ?)",
                       [(g, s, json.dumps(ptr, ensure_ascii=False)) for (g, s), ptr in pointers.items()])

    def replace_all(self, db, entries: Sequence, vectors, seqs: dict[int, int] | None = None) -> None:
        """The whole ledger anew (a rebuild); `seqs`: id(figure) -> its position among its
        document's figures (default: their order in `entries` per document)."""
        create(db)
        for table in ("ledger", "ledger_phrases", "ledger_keys", "ledger_current"):
            db.execute(f"DELETE FROM {table}")
        if seqs is None:
            seqs = positions([e.figure for e in entries])
        self._insert(db, entries, vectors, seqs)
        self.forget()

    def clear(self, db) -> None:
        if self.exists():
            for table in ("ledger", "ledger_phrases", "ledger_keys", "ledger_current"):
                db.execute(f"DELETE FROM {table}")
        self.forget()

    def update(self, drop_docs: set[str], new_figures: Sequence, build: Callable[[list], tuple[list, object]],
               embed=None) -> int:
        """The ledger after the documents `drop_docs` changed (or went) and `new_figures` came in,
        updated for what they touch (ledgerupdate.update). Returns the number of entries."""
        from . import ledgerupdate

        return ledgerupdate.update(self, drop_docs, new_figures, build, embed)

    def problems(self) -> list[str]:
        """What is wrong inside the ledger's tables (empty when nothing): unreadable figures,
        figures whose phrase has no vector, timelines without keys."""
        if not self.exists():
            return []
        db = self.catalog.db
        out = []
        n = db.execute("SELECT COUNT(*) FROM ledger WHERE json_valid(data) = 0").fetchone()[0]
        if n:
            out.append(f"{n} onleesbare cijfers")
        n = db.execute("SELECT COUNT(*) FROM ledger WHERE pid NOT IN (SELECT pid FROM ledger_phrases)").fetchone()[0]
        if n:
            out.append(f"{n} cijfers zonder beschrijvingsvector")
        n = db.execute("SELECT COUNT(DISTINCT grp) FROM ledger WHERE grp NOT IN (SELECT grp FROM ledger_keys)").fetchone()[0]
        if n:
            out.append(f"{n} tijdlijnen zonder sleutel")
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_current'").fetchone():
            n = db.execute("SELECT COUNT(*) FROM ledger l WHERE past = 1 AND NOT EXISTS (SELECT 1 FROM ledger_current c "
                           "WHERE c.grp = l.grp AND c.series = l.series)").fetchone()[0]
            if n:
                out.append(f"{n} vervangen cijfers zonder hun nieuwere cijfer")
        return out


def _figure_key(d: dict) -> tuple:
    """What tells a document's figures apart (a figure as a dict: Figure.to_dict or __dict__)."""
    return (d.get("chunk_id"), d.get("start"), d.get("end"), d.get("value"), d.get("quantity"), d.get("sentence"))


def positions(figures: Sequence) -> dict[int, int]:
    """id(figure) -> its position among the figures of its document in `figures` (given in the
    catalog's order, document by document)."""
    count: dict[str, int] = {}
    out = {}
    for f in figures:
        out[id(f)] = count.get(f.doc_id, 0)
        count[f.doc_id] = out[id(f)] + 1
    return out
