"""The lay-language file of an index (`lay.json`): what pq_assistant/lay.py learns from the
index's own questions and answers (sub-question -> answer-part map, the question->answer word
translation table, the word vocabulary). Derived data like the BM25 index: rebuilt by the writer
when the chunks change, written atomically, read once per change."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .layout import atomic_write, save_npy

FILE = "lay.json"
_COUNT = re.compile(rb'\{"chunks":(\d+)[,}]')
_ASKED = re.compile(rb'\{(?:"chunks":\d+,)?"asked":')
ADAPTER = "lay.npy"  # the query adapter (dim x dim float32); absent when there is none


def path_of(root: Path) -> Path:
    return Path(root) / FILE


def adapter_path(root: Path) -> Path:
    return Path(root) / ADAPTER


def save(root: Path, data: dict, adapter=None) -> None:
    """The adapter first, the JSON last: lay.json's chunk count is what says the data is current.
    The count is written first, so `chunk_count` reads it without parsing the file (megabytes at
    a large index: 0.2 s on every ingest)."""
    if adapter is not None:
        save_npy(adapter_path(root), adapter)
    else:
        adapter_path(root).unlink(missing_ok=True)
    atomic_write(path_of(root), _dumps(data))


def _dumps(data: dict) -> str:
    rest = {k: v for k, v in data.items() if k != "chunks"}
    body = json.dumps(rest, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    if isinstance(data.get("chunks"), int):
        body = f'{{"chunks":{int(data["chunks"])}' + ("," + body[1:] if rest else "}")
    return body


def holds_asked(root: Path) -> bool:
    """Does the file still hold the asked-before map (written before the catalog held it)? Its
    keys are sorted after the count, so the map comes first: the file's head tells."""
    try:
        with open(path_of(root), "rb") as fh:
            return _ASKED.match(fh.read(64)) is not None
    except OSError:
        return False


def rewrite(root: Path, data: dict) -> None:
    """The JSON again (the adapter stays)."""
    atomic_write(path_of(root), _dumps(data))


def load_adapter(root: Path):
    import numpy as np

    try:
        return np.load(adapter_path(root))
    except (OSError, ValueError):
        return None


def load(root: Path) -> dict | None:
    """The saved data, or None (absent, unreadable: the search runs without it)."""
    p = path_of(root)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def chunk_count(root: Path, upgrade: bool = False) -> int | None:
    """How many chunks the saved file was built from (None: no usable file). `upgrade` (a
    writer, under the index's lock): a file of before is written again with its count first."""
    try:
        with open(path_of(root), "rb") as fh:
            m = _COUNT.match(fh.read(32))
    except OSError:
        return None
    if m:
        return int(m.group(1))
    data = load(root)  # (a file written before the count came first)
    if not (data and isinstance(data.get("chunks"), int)):
        return None
    if upgrade:
        atomic_write(path_of(root), _dumps(data))
    return int(data["chunks"])
