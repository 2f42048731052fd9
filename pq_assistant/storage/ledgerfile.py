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
    for e in entries:
        rows.append({**e.figure.to_dict(), **{"_" + k: getattr(e, k) for k in _extra_fields(type(e))}})
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
