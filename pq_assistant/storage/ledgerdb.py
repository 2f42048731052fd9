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
    ledger_phrases  pid -> a description phrase (`ledger.description`) and its vector (float32)
    ledger_keys     (quantity key, family, timeline) with the timeline's first fid: what
                    `named_groups` matches a question against, without reading any figure

A reader asks only for what a question needs (the figures of some chunks, documents or
timelines); the same fid always gives the same `LedgerEntry` object within a catalog generation,
so `id(entry.figure)` identifies a figure across those reads as it did in one list. The grouping
itself is the figures code's (`figures.ledger.build`); this module keeps its result and updates
it for the timelines a change touches (`update`): the cost follows the change, not the index.
"""
from __future__ import annotations

import json
from typing import Callable, Iterable, Sequence

from ..errors import IndexError_

SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger (fid INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, chunk_id TEXT NOT NULL,
    grp INTEGER NOT NULL, status TEXT NOT NULL, pid INTEGER NOT NULL, gkey TEXT NOT NULL, block TEXT NOT NULL,
    data TEXT NOT NULL, seq INTEGER NOT NULL DEFAULT 0, series TEXT NOT NULL DEFAULT '',
    date TEXT NOT NULL DEFAULT '', sortd TEXT NOT NULL DEFAULT '', past INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS ledger_chunk ON ledger(chunk_id);
CREATE INDEX IF NOT EXISTS ledger_doc ON ledger(doc_id);
CREATE INDEX IF NOT EXISTS ledger_grp ON ledger(grp);
CREATE INDEX IF NOT EXISTS ledger_gkey ON ledger(gkey, doc_id, seq);
CREATE INDEX IF NOT EXISTS ledger_series ON ledger(grp, series, date);
CREATE INDEX IF NOT EXISTS ledger_pid ON ledger(pid, block, grp);
CREATE INDEX IF NOT EXISTS ledger_block ON ledger(block, grp);
CREATE TABLE IF NOT EXISTS ledger_phrases (pid INTEGER PRIMARY KEY, phrase TEXT NOT NULL UNIQUE, vec BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS ledger_keys (qkey TEXT NOT NULL, family TEXT NOT NULL, grp INTEGER NOT NULL,
    first INTEGER NOT NULL, PRIMARY KEY (qkey, family, grp)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ledger_keys_grp ON ledger_keys(grp);
"""

# A new figure's phrase this close to a stored phrase (cosine) may join that phrase's timelines:
# below the grouping's merge threshold (0.97), as it compares one phrase a quantity key.
NEIGHBOUR_MIN = 0.95


def create(db) -> None:
    """The ledger's tables (in a catalog of before them too): the tables, the columns a
    development build of them lacked (its rows then need a rebuild: marked stale), the indexes."""
    stmts = [st for st in SCHEMA.strip().split(";") if st.strip()]
    for stmt in stmts:
        if "CREATE TABLE" in stmt:
            db.execute(stmt)
    cols = {r[1] for r in db.execute("PRAGMA table_info(ledger)")}
    added = False
    for col in ("seq INTEGER NOT NULL DEFAULT 0", "series TEXT NOT NULL DEFAULT ''", "date TEXT NOT NULL DEFAULT ''",
                "sortd TEXT NOT NULL DEFAULT ''", "past INTEGER NOT NULL DEFAULT 0"):
        if col.split()[0] not in cols:
            db.execute(f"ALTER TABLE ledger ADD COLUMN {col}")
            added = True
    if added and db.execute("SELECT EXISTS (SELECT 1 FROM ledger)").fetchone()[0]:
        db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('ledger_stale', 'true')")
    for stmt in stmts:
        if "CREATE INDEX" in stmt:
            db.execute(stmt)


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
    d["_replaced_by"], d["_confirms"] = e.replaced_by, e.confirms
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

    # -- reading ------------------------------------------------------------------------------
    def forget(self) -> None:
        self._entries, self._seq, self._fid, self._by_chunk = {}, {}, {}, {}
        self._phrases = self._normed = self._has = None

    def exists(self) -> bool:
        """The tables are there (a catalog of before the ledger moved into it has none yet)."""
        if self._has is None:
            self._has = self.catalog.db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger'").fetchone() is not None
        return self._has

    def _rows(self, sql: str, args: Sequence = ()) -> list:
        """The entries of `SELECT fid, grp, status, data, seq ...`, one object a fid."""
        from ..figures.ledger import LedgerEntry
        from ..models import Figure

        if not self.exists():
            return []
        out = []
        known = Figure.__dataclass_fields__
        for fid, grp, status, data, seq in self.catalog.db.execute(sql, args):
            e = self._entries.get(fid)
            if e is None:
                try:
                    d = json.loads(data)
                    replaced_by, confirms = d.pop("_replaced_by", None), d.pop("_confirms", None)
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
        return self._rows("SELECT fid, grp, status, data, seq FROM ledger ORDER BY fid")

    def of_chunks(self, chunk_ids: Iterable[str]) -> dict[str, list]:
        """chunk id -> its entries (in ledger order); chunks without figures map to []."""
        ids = list(dict.fromkeys(chunk_ids))
        need = [c for c in ids if c not in self._by_chunk]
        if need:
            got: dict[str, list] = {c: [] for c in need}
            for e in self._rows("SELECT fid, grp, status, data, seq FROM ledger WHERE chunk_id IN "
                                "(SELECT value FROM json_each(?)) ORDER BY fid", (_ids(need),)):
                got[e.figure.chunk_id].append(e)
            self._by_chunk.update(got)
        return {c: self._by_chunk[c] for c in ids}

    def of_docs(self, doc_ids: Iterable[str]) -> list:
        return self._rows("SELECT fid, grp, status, data, seq FROM ledger WHERE doc_id IN (SELECT value FROM json_each(?)) "
                          "ORDER BY fid", (_ids(set(doc_ids)),))

    def of_groups(self, groups: Iterable[int]) -> list:
        return self._rows("SELECT fid, grp, status, data, seq FROM ledger WHERE grp IN (SELECT value FROM json_each(?)) "
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
        rows, keys = [], {}
        memo: dict[tuple, tuple] = {}
        for n, e in enumerate(entries):
            f = e.figure
            mk = (f.quantity, f.unit)
            if mk not in memo:
                memo[mk] = _keys(f)
            gkey, block, qkey, fam = memo[mk]
            rows.append((first + n, f.doc_id, f.chunk_id, e.group, e.status, pid.get(_description(f), -1), gkey, block,
                         _row_data(e, names), seqs.get(id(f), 0), _series(f), f.date or "", _sortd(f),
                         int(e.replaced_by is not None)))
            keys.setdefault((qkey, fam, e.group), first + n)
        db.executemany("INSERT INTO ledger(fid, doc_id, chunk_id, grp, status, pid, gkey, block, data, seq, series, "
                       "date, sortd, past) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT OR IGNORE INTO ledger_keys(qkey, family, grp, first) VALUES (?, ?, ?, ?)",
                       [(q, fam, g, fid) for (q, fam, g), fid in keys.items()])

    def replace_all(self, db, entries: Sequence, vectors, seqs: dict[int, int] | None = None) -> None:
        """The whole ledger anew (a rebuild); `seqs`: id(figure) -> its position among its
        document's figures (default: their order in `entries` per document)."""
        create(db)
        for table in ("ledger", "ledger_phrases", "ledger_keys"):
            db.execute(f"DELETE FROM {table}")
        if seqs is None:
            seqs = positions([e.figure for e in entries])
        self._insert(db, entries, vectors, seqs)
        self.forget()

    def clear(self, db) -> None:
        if self.exists():
            for table in ("ledger", "ledger_phrases", "ledger_keys"):
                db.execute(f"DELETE FROM {table}")
        self.forget()

    def update(self, drop_docs: set[str], new_figures: Sequence, build: Callable[[list], tuple[list, object]],
               embed=None) -> int:
        """The ledger after the documents `drop_docs` changed (or went) and `new_figures` came in:
        only the timelines they can touch are grouped again by `build(figures) -> (entries,
        description vectors)` (the figures code's grouping); the rest is not read.

        The timelines that can change: those of the dropped figures (a timeline may split when one
        goes), those holding a figure of the same quantity key as a new one
        (`figures.grouping.grouping_keys`: they are grouped together first), and those holding a
        figure whose phrase is a near neighbour of a new figure's phrase in the same comparison
        block (by `embed`, against the stored phrase vectors). A timeline that is none of these
        cannot be merged with a new figure nor lose one. Timelines keep their numbers where they
        go on; new ones get numbers after the highest. `new_figures` are the changed documents'
        figures in the catalog's order; the regrouped figures are met in that order (document,
        then position: a whole rebuild's), as the stored `seq` gives it for the old ones.
        Returns the number of entries of the ledger. Runs in one catalog transaction."""
        import numpy as np

        n = self._update_series(drop_docs, new_figures, embed)
        if n is not None:
            return n
        db = self.catalog.db
        chosen: set[int] = set()
        if drop_docs:
            chosen |= {r[0] for r in db.execute("SELECT DISTINCT grp FROM ledger WHERE doc_id IN "
                                                "(SELECT value FROM json_each(?))", (_ids(drop_docs),))}
        memo: dict[tuple, tuple] = {}

        def keys_of(f):
            k = (f.quantity, f.unit)
            if k not in memo:
                memo[k] = _keys(f)
            return memo[k]

        new_gkeys = {keys_of(f)[0] for f in new_figures}
        new_blocks = {keys_of(f)[1] for f in new_figures}
        if new_gkeys:
            chosen |= {r[0] for r in db.execute("SELECT DISTINCT grp FROM ledger WHERE gkey IN "
                                                "(SELECT value FROM json_each(?))", (json.dumps(list(new_gkeys)),))}
        if new_figures and embed is not None and (normed := self._normed_phrases()) is not None:
            pids, mat = normed
            q = np.asarray(embed([_description(f) for f in new_figures]), dtype=np.float32)
            q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
            near = pids[np.max(mat @ q.T, axis=1) >= NEIGHBOUR_MIN]
            if len(near):
                chosen |= {r[0] for r in db.execute(
                    "SELECT DISTINCT grp FROM ledger WHERE pid IN (SELECT value FROM json_each(?)) AND block IN "
                    "(SELECT value FROM json_each(?))", (_ids(int(p) for p in near), json.dumps(list(new_blocks))))}
        elif new_figures:  # no embedder given: every timeline of the new figures' blocks
            chosen |= {r[0] for r in db.execute("SELECT DISTINCT grp FROM ledger WHERE block IN "
                                                "(SELECT value FROM json_each(?))", (json.dumps(list(new_blocks)),))}
        old = [e for e in self.of_groups(chosen) if e.figure.doc_id not in drop_docs]
        seqs = {id(e.figure): self._seq.get(id(e.figure), 0) for e in old}
        seqs.update(positions(new_figures))
        sub = [e.figure for e in old] + list(new_figures)
        sub.sort(key=lambda f: (f.doc_id, seqs[id(f)]))
        sub_entries, sub_vectors = build(sub) if sub else ([], None)
        # Timeline numbers: a regrouped timeline keeps the (lowest) number of the old one it holds
        # most of, when no other took it; the others get new numbers.
        old_group = {id(e.figure): e.group for e in old}
        votes: dict[int, dict[int, int]] = {}
        for e in sub_entries:
            g = old_group.get(id(e.figure))
            if g is not None:
                votes.setdefault(e.group, {}).setdefault(g, 0)
                votes[e.group][g] += 1
        nxt = int(db.execute("SELECT COALESCE(MAX(grp), -1) FROM ledger").fetchone()[0]) + 1
        used: set[int] = set()
        renum: dict[int, int] = {}
        for local in sorted({e.group for e in sub_entries}):
            for g, _n in sorted(votes.get(local, {}).items(), key=lambda kv: (-kv[1], kv[0])):
                if g not in used:
                    renum[local] = g
                    break
            else:
                renum[local], nxt = nxt, nxt + 1
            used.add(renum[local])
        for e in sub_entries:
            e.group = renum[e.group]
        with self.catalog.transaction() as tx:
            create(tx)
            old_pids = [r[0] for r in tx.execute("SELECT DISTINCT pid FROM ledger WHERE grp IN "
                                                 "(SELECT value FROM json_each(?))", (_ids(chosen),))]
            tx.execute("DELETE FROM ledger WHERE grp IN (SELECT value FROM json_each(?))", (_ids(chosen),))
            tx.execute("DELETE FROM ledger WHERE doc_id IN (SELECT value FROM json_each(?))", (_ids(drop_docs),))
            tx.execute("DELETE FROM ledger_keys WHERE grp IN (SELECT value FROM json_each(?))", (_ids(chosen),))
            self._insert(tx, sub_entries, sub_vectors, seqs)
            n = self._settle(tx, old_pids)
        self.forget()
        return n

    def _update_series(self, drop_docs: set[str], new_figures: Sequence, embed) -> int | None:
        """The common change, in time of the series it touches: when every quantity key of the
        dropped and new figures is in the ledger before and after the change, with the same
        first figure (what the grouping compares a key by: its quantity phrase and unit, in the
        catalog's order), no timeline is merged or split, so each new figure joins its key's
        timeline and only the series (timeline, scope, kind) that gain or lose a figure are
        annotated again (`figures.ledger.annotate_series`: a status is relative to its series
        only); only their rows change. None when the change is not of that kind (`update` then
        regroups the timelines it can touch), also when a changed document states one distinctive
        value under two phrases (`figures.grouping.joins_restatements`: it joins their timelines)."""
        import numpy as np

        from ..figures.ledger import annotate_older_date, annotate_series
        from ..models import Figure

        if embed is None or not self.exists():
            return None
        from ..figures.grouping import joins_restatements

        by_doc: dict[str, list] = {}
        for f in list(new_figures) + [e.figure for e in self.of_docs(drop_docs)]:
            by_doc.setdefault(f.doc_id, []).append(f)
        if any(joins_restatements(figs) for figs in by_doc.values()):
            return None  # a document that names one quantity twice joins two timelines (or splits them)
        db = self.catalog.db
        drops = _ids(drop_docs)
        new_pos = positions(new_figures)
        new_by_key: dict[str, list] = {}
        memo: dict[tuple, tuple] = {}
        for f in new_figures:
            k = (f.quantity, f.unit)
            if k not in memo:
                memo[k] = _keys(f)
            new_by_key.setdefault(memo[k][0], []).append(f)
        dropped = db.execute("SELECT DISTINCT gkey, grp, series, date FROM ledger WHERE doc_id IN (SELECT value FROM "
                             "json_each(?))", (drops,)).fetchall()
        keys = set(new_by_key) | {g for g, _grp, _s, _d in dropped}
        group_of: dict[str, int] = {}
        for gkey in keys:
            old_first = db.execute("SELECT grp, data FROM ledger WHERE gkey = ? ORDER BY doc_id, seq LIMIT 1",
                                   (gkey,)).fetchone()
            if old_first is None:
                return None  # a new key: it may join or bridge timelines
            kept = db.execute("SELECT doc_id, seq, data FROM ledger WHERE gkey = ? AND doc_id NOT IN (SELECT value "
                              "FROM json_each(?)) ORDER BY doc_id, seq LIMIT 1", (gkey, drops)).fetchone()
            firsts = [(kept[0], kept[1], json.loads(kept[2])) for _ in [0] if kept is not None]
            firsts += [(f.doc_id, new_pos[id(f)], {"quantity": f.quantity, "unit": f.unit}) for f in new_by_key.get(gkey, [])]
            if not firsts:
                return None  # the key goes: a timeline may split
            now = min(firsts, key=lambda t: (t[0], t[1]))[2]
            was = json.loads(old_first[1])
            if (now.get("quantity"), now.get("unit")) != (was.get("quantity"), was.get("unit")):
                return None  # the key's first figure changes: its merges may too
            group_of[gkey] = old_first[0]
        touched: dict[tuple[int, str], set[str]] = {}  # (timeline, series) -> the reference dates that change
        for _g, grp, series, date in dropped:
            touched.setdefault((grp, series), set()).add(date)
        for gkey, figs in new_by_key.items():
            for f in figs:
                touched.setdefault((group_of[gkey], _series(f)), set()).add(f.date or "")
        buckets = {key: self._old_buckets(db, *key, dates) for key, dates in touched.items()}
        # the new phrases' vectors (the rest are stored)
        phrases = list(dict.fromkeys(_description(f) for f in new_figures))
        have = {r[0] for r in db.execute("SELECT phrase FROM ledger_phrases WHERE phrase IN (SELECT value FROM "
                                         "json_each(?))", (json.dumps(phrases, ensure_ascii=False),))}
        missing = [ph for ph in phrases if ph not in have]
        vec = dict(zip(missing, np.asarray(embed(missing), dtype=np.float32))) if missing else {}
        names = list(Figure.__dataclass_fields__)
        with self.catalog.transaction() as tx:
            tx.executemany("INSERT OR IGNORE INTO ledger_phrases(phrase, vec) VALUES (?, ?)",
                           [(ph, v.tobytes()) for ph, v in vec.items()])
            old_pids = [r[0] for r in tx.execute("SELECT DISTINCT pid FROM ledger WHERE doc_id IN (SELECT value FROM "
                                                 "json_each(?))", (drops,))]
            tx.execute("DELETE FROM ledger WHERE doc_id IN (SELECT value FROM json_each(?))", (drops,))
            # the new figures, as rows of their timelines (their status follows below)
            placed = [e for gkey, figs in new_by_key.items() for e in
                      (_Placed(f, group_of[gkey]) for f in figs)]
            self._insert(tx, placed, None, new_pos)
            self.forget()
            for (grp, series), dates in sorted(touched.items()):
                old = buckets[(grp, series)]
                if old is None:  # the whole series again
                    parts = [(self._rows("SELECT fid, grp, status, data, seq FROM ledger WHERE grp = ? AND series = ?",
                                         (grp, series)), None)]
                else:  # only the older reference dates that changed, each by itself (see _old_buckets)
                    parts = [(self._rows("SELECT fid, grp, status, data, seq FROM ledger WHERE grp = ? AND series = ? "
                                         "AND date = ?", (grp, series, d)), old) for d in sorted(dates) if d]
                for members, pointer in parts:
                    fids = self._fid
                    members.sort(key=lambda e: (e.figure.doc_id, self._seq.get(id(e.figure), 0)))  # the catalog's order
                    figs = [e.figure for e in members]
                    again = annotate_series(figs, grp) if pointer is None else annotate_older_date(figs, grp, pointer)
                    tx.executemany("UPDATE ledger SET status = ?, data = ?, past = ? WHERE fid = ?",
                                   [(n.status, _row_data(n, names), int(n.replaced_by is not None), fids[id(n.figure)])
                                    for n, o in zip(sorted(again, key=lambda e: fids[id(e.figure)]),
                                                    sorted(members, key=lambda e: fids[id(e.figure)]))
                                    if (n.status, n.replaced_by, n.confirms) != (o.status, o.replaced_by, o.confirms)])
            n = self._settle(tx, old_pids)
        self.forget()
        return n

    def _settle(self, tx, old_pids: list[int]) -> int:
        """The end of an update's transaction: the phrases of `old_pids` no figure uses any more
        go, the ledger is in sync and counted. Returns the count."""
        tx.execute("DELETE FROM ledger_phrases WHERE pid IN (SELECT value FROM json_each(?)) AND NOT EXISTS "
                   "(SELECT 1 FROM ledger WHERE ledger.pid = ledger_phrases.pid)", (_ids(old_pids),))
        n = int(tx.execute("SELECT COUNT(*) FROM ledger").fetchone()[0])
        self.catalog._set("ledger_stale", False)
        self.catalog._set("ledger_figures", n)
        return n

    @staticmethod
    def _old_buckets(db, grp: int, series: str, dates: set[str]):
        """The pointer (`replaced_by`) of a series' older figures when a change at `dates` can
        only touch those dates' own figures, else None (the series is annotated whole).

        A series' statuses (figures.timelines._annotate_series) are set by its newest reference
        dates — the current value's run, whose figures have no `replaced_by` — and the date just
        older than the run that stops it; every older date's figures are conflict or superseded
        by one and the same figure, and which depends on that date's own figures alone. So a
        change at reference dates strictly older than that stopping date (also as they sort: a
        year sorts at most at its end) changes nothing but those dates' statuses. Undated
        figures change nothing."""
        from ..figures.lexicon import _pad

        dated = {d for d in dates if d}
        if not dated:
            return {}  # only undated figures: nothing to annotate again
        stop = db.execute("SELECT date, MIN(sortd) AS s FROM ledger WHERE grp = ? AND series = ? AND past = 1 "
                          "GROUP BY date ORDER BY s DESC LIMIT 1", (grp, series)).fetchone()
        if stop is None:
            return None
        current = {r[0] for r in db.execute("SELECT DISTINCT date FROM ledger WHERE grp = ? AND series = ? AND past = 0 "
                                            "AND date != ''", (grp, series))}
        if any(d == stop[0] or d in current or _pad(d, end=True) >= stop[1] for d in dated):
            return None
        row = db.execute("SELECT data FROM ledger WHERE grp = ? AND series = ? AND past = 1 LIMIT 1", (grp, series)).fetchone()
        return json.loads(row[0]).get("_replaced_by") or None

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
        return out


class _Placed:
    """A new figure in its timeline before its series is annotated (what `_insert` writes)."""

    def __init__(self, figure, group: int) -> None:
        self.figure, self.group, self.status = figure, group, "undated"
        self.replaced_by = self.confirms = None


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
