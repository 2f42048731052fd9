"""Updating the figures ledger for one change (documents added, changed or removed), in time of
what the change touches: `update` regroups only the timelines the change can touch; the common
change (figures of quantities the ledger knows) takes `update_series`, which annotates again only
the series (timeline, scope, kind) it touches, and of each series only its newest reference dates
and the dates that changed (`series_part`, `old_buckets`). Every path is tested against a whole
rebuild (tests/test_storage.py). The tables are ledgerdb's; the grouping and the statuses are the
figures code's.
"""
from __future__ import annotations

import json
from typing import Callable, Sequence

from .ledgerdb import NEIGHBOUR_MIN, _COLS, _description, _ids, _keys, _row_data, _series, create, positions


def update(ldb, drop_docs: set[str], new_figures: Sequence, build: Callable[[list], tuple[list, object]],
           embed=None) -> int:
    """The ledger after the documents `drop_docs` changed (or went) and `new_figures` came in:
    only the timelines they can touch are grouped again by `build(figures) -> (entries,
    description vectors)` (the figures code's grouping); the rest is not read.

    The timelines that can change: those of the dropped figures (a timeline may split when one
    goes), those holding a figure of the same quantity key as a new one
    (`figures.grouping.grouping_keys`: they are grouped together first), and those holding a
    figure whose phrase is a near neighbour of a new figure's phrase in the same comparison
    block (by `embed`, against the stored phrase vectors), and those holding a figure with a new
    figure's restatement key (`figures.grouping.restatement_key`). A timeline that is none of these
    cannot be merged with a new figure nor lose one. Timelines keep their numbers where they
    go on; new ones get numbers after the highest. `new_figures` are the changed documents'
    figures in the catalog's order; the regrouped figures are met in that order (document,
    then position: a whole rebuild's), as the stored `seq` gives it for the old ones.
    Returns the number of entries of the ledger. Runs in one catalog transaction."""
    import numpy as np

    n = update_series(ldb, drop_docs, new_figures, embed)
    if n is not None:
        return n
    db = ldb.catalog.db
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
    # the timelines another source's restatement of a new value can join (figures.grouping._join_across)
    chosen |= {e.group for e in _restating(ldb, new_figures, _ids(drop_docs))}
    new_blocks = {keys_of(f)[1] for f in new_figures}
    if new_gkeys:
        chosen |= {r[0] for r in db.execute("SELECT DISTINCT grp FROM ledger WHERE gkey IN "
                                            "(SELECT value FROM json_each(?))", (json.dumps(list(new_gkeys)),))}
    if new_figures and embed is not None and (normed := ldb._normed_phrases()) is not None:
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
    old = [e for e in ldb.of_groups(chosen) if e.figure.doc_id not in drop_docs]
    seqs = {id(e.figure): ldb._seq.get(id(e.figure), 0) for e in old}
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
    with ldb.catalog.transaction() as tx:
        create(tx)
        old_pids = [r[0] for r in tx.execute("SELECT DISTINCT pid FROM ledger WHERE grp IN "
                                             "(SELECT value FROM json_each(?))", (_ids(chosen),))]
        tx.execute("DELETE FROM ledger WHERE grp IN (SELECT value FROM json_each(?))", (_ids(chosen),))
        tx.execute("DELETE FROM ledger WHERE doc_id IN (SELECT value FROM json_each(?))", (_ids(drop_docs),))
        tx.execute("DELETE FROM ledger_keys WHERE grp IN (SELECT value FROM json_each(?))", (_ids(chosen),))
        tx.execute("DELETE FROM ledger_current WHERE grp IN (SELECT value FROM json_each(?))", (_ids(chosen),))
        ldb._insert(tx, sub_entries, sub_vectors, seqs)
        n = settle(ldb, tx, old_pids)
    ldb.forget()
    return n


def update_series(ldb, drop_docs: set[str], new_figures: Sequence, embed) -> int | None:
    """The common change, in time of the series it touches: when every quantity key of the
    dropped and new figures is in the ledger before and after the change, with the same
    first figure (what the grouping compares a key by: its quantity phrase and unit, in the
    catalog's order), no timeline is merged or split, so each new figure joins its key's
    timeline and only the series (timeline, scope, kind) that gain or lose a figure are
    annotated again (`figures.ledger.annotate_series`: a status is relative to its series
    only); only their rows change. None when the change is not of that kind (`update` then
    regroups the timelines it can touch), also when a changed document states one distinctive
    value under two phrases (`figures.grouping.joins_restatements`: it joins their timelines) or
    restates a count of another source under another phrase (`joins_across`)."""
    import numpy as np

    from ..figures.ledger import annotate_older_date
    from ..models import Figure

    if embed is None or not ldb.exists():
        return None
    from ..figures.grouping import joins_across, joins_restatements

    by_doc: dict[str, list] = {}
    for f in list(new_figures) + [e.figure for e in ldb.of_docs(drop_docs)]:
        by_doc.setdefault(f.doc_id, []).append(f)
    if any(joins_restatements(figs) for figs in by_doc.values()):
        return None  # a document that names one quantity twice joins two timelines (or splits them)
    db = ldb.catalog.db
    drops = _ids(drop_docs)
    changed = [f for figs in by_doc.values() for f in figs]
    if joins_across(changed, [e.figure for e in _restating(ldb, changed, drops)]):
        return None  # a value restated in another source under another phrase joins (or splits) timelines
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
    buckets = {key: old_buckets(db, *key, dates) for key, dates in touched.items()}
    # the new phrases' vectors (the rest are stored)
    phrases = list(dict.fromkeys(_description(f) for f in new_figures))
    have = {r[0] for r in db.execute("SELECT phrase FROM ledger_phrases WHERE phrase IN (SELECT value FROM "
                                     "json_each(?))", (json.dumps(phrases, ensure_ascii=False),))}
    missing = [ph for ph in phrases if ph not in have]
    vec = dict(zip(missing, np.asarray(embed(missing), dtype=np.float32))) if missing else {}
    names = list(Figure.__dataclass_fields__)
    with ldb.catalog.transaction() as tx:
        tx.executemany("INSERT OR IGNORE INTO ledger_phrases(phrase, vec) VALUES (?, ?)",
                       [(ph, v.tobytes()) for ph, v in vec.items()])
        old_pids = [r[0] for r in tx.execute("SELECT DISTINCT pid FROM ledger WHERE doc_id IN (SELECT value FROM "
                                             "json_each(?))", (drops,))]
        tx.execute("DELETE FROM ledger WHERE doc_id IN (SELECT value FROM json_each(?))", (drops,))
        # the new figures, as rows of their timelines (their status follows below)
        placed = [e for gkey, figs in new_by_key.items() for e in
                  (_Placed(f, group_of[gkey]) for f in figs)]
        ldb._insert(tx, placed, None, new_pos)
        ldb.forget()
        for (grp, series), dates in sorted(touched.items()):
            old = buckets[(grp, series)]
            if old is None:  # the series' newest dates, and the dates that changed (see series_part)
                members, again, complete = series_part(ldb, grp, series, dates)
                parts = [(members, again)]
                now = next((e.replaced_by for e in again if e.replaced_by is not None), None)
                if now is not None:
                    tx.execute("INSERT OR REPLACE INTO ledger_current(grp, series, ptr) VALUES (?, ?, ?)",
                               (grp, series, json.dumps(now, ensure_ascii=False)))
                elif complete:  # no figure of the series is replaced any more
                    tx.execute("DELETE FROM ledger_current WHERE grp = ? AND series = ?", (grp, series))
            else:  # only the older reference dates that changed, each by itself (see old_buckets)
                parts = []
                for d in sorted(dates):
                    if d:
                        members = _in_order(ldb, ldb._rows(f"SELECT {_COLS} FROM ledger WHERE grp = ? AND series = ? "
                                                           "AND date = ?", (grp, series, d)))
                        parts.append((members, annotate_older_date([e.figure for e in members], grp, old)))
            fids = ldb._fid
            for members, again in parts:
                # (a replaced figure's pointer is its series' one, in ledger_current: not in its row)
                tx.executemany("UPDATE ledger SET status = ?, data = ?, past = ? WHERE fid = ?",
                               [(n.status, _row_data(n, names), int(n.replaced_by is not None), fids[id(n.figure)])
                                for n, o in zip(sorted(again, key=lambda e: fids[id(e.figure)]),
                                                sorted(members, key=lambda e: fids[id(e.figure)]))
                                if (n.status, n.replaced_by is None, n.confirms) !=
                                (o.status, o.replaced_by is None, o.confirms)])
        n = settle(ldb, tx, old_pids)
    ldb.forget()
    return n


def settle(ldb, tx, old_pids: list[int]) -> int:
    """The end of an update's transaction: the phrases of `old_pids` no figure uses any more
    go, the ledger is in sync and counted. Returns the count."""
    tx.execute("DELETE FROM ledger_phrases WHERE pid IN (SELECT value FROM json_each(?)) AND NOT EXISTS "
               "(SELECT 1 FROM ledger WHERE ledger.pid = ledger_phrases.pid)", (_ids(old_pids),))
    n = int(tx.execute("SELECT COUNT(*) FROM ledger").fetchone()[0])
    ldb.catalog._set("ledger_stale", False)
    ldb.catalog._set("ledger_figures", n)
    return n


def old_buckets(db, grp: int, series: str, dates: set[str]):
    """The pointer (`replaced_by`) of a series' older figures when a change at `dates` can
    only touch those dates' own figures, else None (then `series_part` marks the series' newest
    dates again, with the changed ones).

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
    row = db.execute("SELECT ptr FROM ledger_current WHERE grp = ? AND series = ?", (grp, series)).fetchone()
    return json.loads(row[0]) if row is not None else None


def _restating(ldb, figures: Sequence, drops: str) -> list:
    """The ledger's entries, outside the documents `drops` (JSON list), whose restatement key
    (`figures.grouping.restatement_key`, the rkey column) is one of `figures`': the only ones
    the rule that joins restated values across sources can join them with."""
    from ..figures.grouping import restatement_key

    keys = {k for k in map(restatement_key, figures) if k is not None}
    if not keys:
        return []
    return ldb._rows(f"SELECT {_COLS} FROM ledger WHERE rkey IN (SELECT value FROM json_each(?)) AND doc_id NOT IN "
                     "(SELECT value FROM json_each(?))", (json.dumps(sorted(keys), ensure_ascii=False), drops))


def _in_order(ldb, members: list) -> list:
    """Entries in the catalog's order (document, then position): the order a rebuild meets them."""
    members.sort(key=lambda e: (e.figure.doc_id, ldb._seq.get(id(e.figure), 0)))
    return members


def series_part(ldb, grp: int, series: str, dates: set[str]) -> tuple[list, list, bool]:
    """(stored entries, the same figures annotated again, whether that is the whole series) of
    the part of a series a change at reference `dates` can move: its newest dates, down to and
    including the first date whose figures are replaced (the current value's run and the date
    that stops it), the dates whose figures are not replaced (the current ones before the
    change: they may be replaced now) and the changed dates themselves.

    Why that is enough (figures.timelines._annotate_series): the newest dates decide the current
    value and its pointer; every older date's figures are conflict or superseded by that one
    pointer, and which depends on that date's own figures alone, so an older date the change
    did not touch keeps its status, and its pointer is the series' one (ledger_current). The
    newest dates are read two at a time, then four times as many, until the part holds a replaced
    date or the whole series (dates that sort alike come together: a year sorts at its end)."""
    from ..figures.ledger import annotate_series

    db = ldb.catalog.db
    order = db.execute("SELECT date, MIN(sortd) AS s FROM ledger WHERE grp = ? AND series = ? AND date != '' "
                       "GROUP BY date ORDER BY s DESC", (grp, series)).fetchall()
    extra = {r[0] for r in db.execute("SELECT DISTINCT date FROM ledger WHERE grp = ? AND series = ? AND past = 0 "
                                      "AND date != ''", (grp, series))} | {d for d in dates if d}
    k = 2
    while True:
        prefix = {d for d, s in order if k >= len(order) or s >= order[k - 1][1]}
        complete = len(prefix) == len(order)
        members = _in_order(ldb, ldb._rows(f"SELECT {_COLS} FROM ledger WHERE grp = ? AND series = ? AND date IN "
                                           "(SELECT value FROM json_each(?))",
                                           (grp, series, json.dumps(sorted(prefix | extra), ensure_ascii=False))))
        again = annotate_series([e.figure for e in members], grp)
        if complete or any(e.replaced_by is not None and e.figure.date in prefix for e in again):
            return members, again, complete
        k *= 4


class _Placed:
    """A new figure in its timeline before its series is annotated (what `_insert` writes)."""

    def __init__(self, figure, group: int) -> None:
        self.figure, self.group, self.status = figure, group, "undated"
        self.replaced_by = self.confirms = None

