"""The figures ledger on disk: figures.json (every figure with its timeline and status) and
figures.npy (the vectors of their descriptions, aligned with figures.json). The grouping itself
is `pq_assistant.ledger` (figures); this module only reads and writes the files."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from .layout import atomic_write, save_npy


def save(entries: Sequence, vectors, path: Path, vectors_path: Path) -> None:
    """Write the ledger, then its vectors (each file atomically)."""
    atomic_write(path, json.dumps([{**e.figure.to_dict(), "_group": e.group, "_status": e.status} for e in entries],
                                  ensure_ascii=False))
    save_npy(vectors_path, vectors)


def load(path: Path) -> list:
    """The ledger entries (ledger.LedgerEntry), [] when there is no ledger file."""
    from ..ledger import LedgerEntry
    from ..models import Figure

    if not path.exists():
        return []
    out = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        group, status = r.pop("_group"), r.pop("_status")
        out.append(LedgerEntry(figure=Figure(**r), group=group, status=status))
    return out


def load_vectors(path: Path):
    import numpy as np

    return np.load(path) if path.exists() else None
