"""The chunks' vectors as the index's own files, for exact dense search without Chroma.

Each write of the writer (one document, or a batch) adds one segment to `vectors/`: `<name>.npy`
(float32, unit length, one row a chunk, its documents' chunks one after the other) and
`<name>.ids.json` (the rows' chunk ids). The segment is written (and synced) before the catalog
transaction that makes its documents point at it (`vec_seg`, `vec_row`); a segment no document
points at (a write cut off, a document changed or removed since) is deleted by the next writer,
and when many segments or many dead rows gather the live rows are merged into one.

Readers memory-map the segments: the rows of a set of documents are a few slices (a filtered
search ranks them exactly: a matrix product over a few thousand rows), and a search over the
whole index is one product a segment, which costs less than loading Chroma's HNSW index in a
process that answers one question (`pq ask`). Chroma stays the vector store of record (a shared
server, `pq doctor`, `pq reindex`); documents without a segment (put on a server by another
client, or ingested before the segments) are searched through Chroma.
"""
from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import numpy as np

SMALL_SEGMENT = 20000  # rows: segments smaller than this are merged when there are more than
MAX_SEGMENTS = 32  # … this many of them (one ingest of a few documents adds one small segment)
MAX_DEAD = 0.3  # a larger share of rows that no document points at: every segment is rewritten


class DenseSegments:
    """The segment files of one index (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._open: dict[str, tuple[np.ndarray, list[str]]] = {}

    # -- writing ------------------------------------------------------------------------------
    def write(self, ids: list[str], vectors) -> str:
        """A new segment of these rows (synced); returns its name."""
        self.folder.mkdir(parents=True, exist_ok=True)
        name = uuid.uuid4().hex[:16]
        arr = np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)
        arr = arr / np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)
        for path, write in ((self.folder / f"{name}.ids.json", lambda fh: fh.write(json.dumps(ids).encode())),
                            (self.folder / f"{name}.npy", lambda fh: np.save(fh, arr))):
            tmp = path.with_name("." + path.name + ".tmp")
            with open(tmp, "wb") as fh:
                write(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        return name

    def names(self) -> set[str]:
        if not self.folder.exists():
            return set()
        return {p.name[: -len(".npy")] for p in self.folder.glob("*.npy") if not p.name.startswith(".")}

    def delete(self, names) -> None:
        for n in names:
            self._open.pop(n, None)
            for suffix in (".npy", ".ids.json"):
                (self.folder / f"{n}{suffix}").unlink(missing_ok=True)
        for tmp in self.folder.glob(".*.tmp") if self.folder.exists() else []:
            tmp.unlink(missing_ok=True)

    def rows(self, name: str) -> int:
        """How many rows a segment holds (0 when it is missing or damaged): its header only."""
        try:
            got = self._open.get(name)
            if got is not None:
                return len(got[1])
            mat = np.load(self.folder / f"{name}.npy", mmap_mode="r")
            return int(mat.shape[0]) if (self.folder / f"{name}.ids.json").exists() else 0
        except (OSError, ValueError):
            return 0

    # -- reading ------------------------------------------------------------------------------
    def segment(self, name: str) -> tuple[np.ndarray, list[str]]:
        """(memory-mapped matrix, chunk ids) of a segment. OSError/ValueError when it is damaged."""
        got = self._open.get(name)
        if got is None:
            mat = np.load(self.folder / f"{name}.npy", mmap_mode="r")
            ids = json.loads((self.folder / f"{name}.ids.json").read_text(encoding="utf-8"))
            if mat.ndim != 2 or mat.shape[0] != len(ids):
                raise ValueError(f"segment {name}: {mat.shape} rows for {len(ids)} ids")
            got = self._open[name] = (mat, ids)
        return got

    def forget(self) -> None:
        self._open.clear()

    def search(self, qvec, k: int, rows: dict[str, np.ndarray]) -> list[tuple[str, float]] | None:
        """The `k` rows nearest to `qvec` (cosine) among `rows` (segment -> sorted row numbers);
        None when a segment cannot be read (the caller asks Chroma)."""
        q = np.asarray(qvec, dtype=np.float32).ravel()
        q = q / (float(np.linalg.norm(q)) or 1.0)
        sims_parts, id_parts = [], []
        try:
            for name, idx in rows.items():
                if not len(idx):
                    continue
                mat, ids = self.segment(name)
                if mat.shape[1] != q.shape[0] or idx[-1] >= len(ids):
                    return None
                if len(idx) == len(ids):
                    sims_parts.append(mat @ q)
                elif len(idx) > 0.3 * len(ids):  # most of the segment: one product, then the rows
                    sims_parts.append((mat @ q)[idx])
                else:
                    sims_parts.append(mat[idx] @ q)
                id_parts.append((ids, idx))
        except (OSError, ValueError):
            return None
        if not sims_parts:
            return []
        sims = np.concatenate(sims_parts)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k] if len(sims) > k else np.arange(len(sims))
        top = top[np.argsort(-sims[top], kind="stable")]
        starts = np.cumsum([0] + [len(idx) for _ids, idx in id_parts])
        out = []
        for i in top:
            part = int(np.searchsorted(starts, i, side="right")) - 1
            ids, idx = id_parts[part]
            out.append((ids[int(idx[i - starts[part]])], float(sims[i])))
        return out
