"""The figures ledger on disk: figures.json (every figure with its timeline and status) and
figures.npy (the vectors of their descriptions, aligned with figures.json). The grouping itself
is `pq_assistant.ledger` (figures); this module only reads and writes the files."""
from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path
from typing import Sequence

from .layout import atomic_write, save_npy


def _extra_fields(entry_cls) -> list[str]:
    """The entry's fields beside its figure (group, status, and whatever the ledger adds)."""
    return [f.name for f in fields(entry_cls) if f.name != "figure"]


def save(entries: Sequence, vectors, path: Path, vectors_path: Path) -> None:
    """Write the ledger, then its vectors (each file atomically). A row is the figure's fields
    plus the entry's other fields prefixed with "_" (the ledger module's own format)."""
    rows = []
    fig_fields: list[str] | None = None
    extra: list[str] | None = None
    for e in entries:
        if fig_fields is None:  # (dataclasses.asdict deep-copies: a third of an update's time at 15k figures)
            fig_fields, extra = [f.name for f in fields(type(e.figure))], _extra_fields(type(e))
        f = e.figure
        rows.append({**{k: getattr(f, k) for k in fig_fields}, **{"_" + k: getattr(e, k) for k in extra}})
    atomic_write(path, json.dumps(rows, ensure_ascii=False))
    save_npy(vectors_path, vectors)


def load(path: Path) -> list:
    """The ledger entries (ledger.LedgerEntry), [] when there is no ledger file."""
    from ..ledger import LedgerEntry
    from ..models import Figure

    if not path.exists():
        return []
    extra = _extra_fields(LedgerEntry)
    known = set(Figure.__dataclass_fields__)
    out = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        kw = {k: r.pop("_" + k) for k in extra if "_" + k in r}
        out.append(LedgerEntry(figure=Figure(**{k: v for k, v in r.items() if k in known}), **kw))
    return out


def load_vectors(path: Path):
    import numpy as np

    return np.load(path) if path.exists() else None


NEIGHBOUR_MIN = 0.95  # below the grouping's merge threshold (0.97): it compares one phrase a quantity key


def update(entries: Sequence, vectors, drop_docs: set[str], new_figures: Sequence, build,
           order=None, embed=None) -> tuple[list, object]:
    """The ledger after the documents `drop_docs` changed (or went) and `new_figures` came in:
    only the timelines they can touch are grouped again, by `build(figures) -> (entries,
    description vectors)` (the figures code's grouping), the rest is kept as it is.

    The timelines that can change: those of the dropped figures (a timeline may split when one
    goes), those holding a figure of the same quantity key as a new one (`figures.timelines.
    grouping_keys`: they are grouped together first), and those holding a figure whose phrase is a
    near neighbour of a new figure's phrase in the same comparison block (by `embed`, against the
    ledger's description vectors: the phrases the grouping compares). A timeline that is none of
    these cannot be merged with a new figure nor lose one, so the cost is the size of the touched
    timelines, not of the index. Timelines keep their numbers where they go on; new ones get
    numbers after the highest. `order(figure)` gives the figures' order in a whole rebuild (the
    catalog's), so the regrouped figures are met in the same order."""
    import numpy as np

    from ..figures.timelines import grouping_keys

    keep = [i for i, e in enumerate(entries) if e.figure.doc_id not in drop_docs]
    chosen_groups = {e.group for e in entries if e.figure.doc_id in drop_docs}
    keys: dict[tuple, tuple] = {}

    def keys_of(f) -> tuple:  # memo by what the keys are made of (far fewer than the figures)
        k = (f.quantity, f.unit)
        if k not in keys:
            keys[k] = grouping_keys(f)
        return keys[k]

    new_keys = {keys_of(f)[0] for f in new_figures}
    new_blocks = {keys_of(f)[1] for f in new_figures}
    for i in keep:
        if entries[i].group not in chosen_groups and keys_of(entries[i].figure)[0] in new_keys:
            chosen_groups.add(entries[i].group)
    if new_figures and embed is not None and vectors is not None and len(keep):
        mat = np.asarray(vectors, dtype=np.float32)[keep]
        q = np.asarray(embed([f.quantity or f.unit for f in new_figures]), dtype=np.float32)
        mat = mat / np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
        q = q / np.maximum(np.linalg.norm(q, axis=1, keepdims=True), 1e-12)
        best = np.max(mat @ q.T, axis=1)
        for r in np.nonzero(best >= NEIGHBOUR_MIN)[0]:
            e = entries[keep[int(r)]]
            if e.group not in chosen_groups and keys_of(e.figure)[1] in new_blocks:
                chosen_groups.add(e.group)
    elif new_figures:  # no embedder given: every timeline of the new figures' blocks
        for i in keep:
            if keys_of(entries[i].figure)[1] in new_blocks:
                chosen_groups.add(entries[i].group)
    chosen = {i for i in keep if entries[i].group in chosen_groups}
    rest = [i for i in keep if i not in chosen]
    sub = [entries[i].figure for i in sorted(chosen)] + list(new_figures)
    if order is not None:
        sub.sort(key=order)
    sub_entries, sub_vectors = build(sub) if sub else ([], None)
    # Timeline numbers: a regrouped timeline keeps the (lowest) number of the old one it holds
    # most of, when no other took it; the others get new numbers.
    old_group = {id(entries[i].figure): entries[i].group for i in chosen}
    votes: dict[int, dict[int, int]] = {}
    for e in sub_entries:
        g = old_group.get(id(e.figure))
        if g is not None:
            votes.setdefault(e.group, {}).setdefault(g, 0)
            votes[e.group][g] += 1
    used = {entries[i].group for i in rest}
    nxt = max((e.group for e in entries), default=-1) + 1
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
    out = [entries[i] for i in rest] + list(sub_entries)
    parts = []
    if rest and vectors is not None and len(vectors):
        parts.append(np.asarray(vectors)[rest])
    if sub_entries:
        parts.append(np.asarray(sub_vectors))
    dim = np.asarray(vectors).shape[1] if vectors is not None and np.asarray(vectors).ndim == 2 else None
    vecs = np.concatenate(parts) if parts else np.zeros((0, dim or 1), dtype=np.float32)
    return out, vecs
