"""Open an index of an earlier layout: schema 1 (`manifest.json` + `docs/<id>.json`) becomes a
catalog. Chroma, the BM25 folder and the figures ledger keep their format, so nothing is embedded
or rebuilt: the migration reads the manifest and the records and writes them into a new catalog,
which appears atomically (built under a temporary name, then renamed). The old files are deleted
after that; a run cut off in between leaves them as leftovers that the next writer (or
`pq doctor --fix`) deletes."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..errors import IndexError_
from .catalog import Catalog, DocumentRow, DocumentWrite
from .layout import SCHEMA_VERSION, Layout

LEGACY_SCHEMA = 1


def read_legacy_manifest(layout: Layout) -> dict:
    """The schema-1 manifest, or an IndexError_ that says why it cannot be used."""
    path = layout.legacy_manifest
    rebuild = f"bouw opnieuw met: pq ingest --rebuild <bestanden> --index {layout.root}"
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise IndexError_(f"{path}: onleesbaar manifest ({exc.msg}); {rebuild}") from exc
    schema = m.get("schema") if isinstance(m, dict) else None
    if schema != LEGACY_SCHEMA or not isinstance(m.get("docs"), dict):
        what = f"indexschema {schema!r} is onbekend" if schema not in (None, LEGACY_SCHEMA) else "geen pq-manifest"
        raise IndexError_(f"{path}: {what} (deze pq leest schema {LEGACY_SCHEMA} en {SCHEMA_VERSION}); {rebuild}")
    return m


def migrate_v1(layout: Layout, vectors=None) -> str:
    """Turn the schema-1 index at `layout` into schema 2 (the caller holds the write lock).
    `vectors` (the index's vector store) gives the chunk ids and figures of documents without a
    record (those another client put on a shared server). Returns a one-line Dutch notice."""
    m = read_legacy_manifest(layout)
    tmp = layout.root / ".catalog.migrating.tmp"
    for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
        p.unlink(missing_ok=True)
    cat = Catalog(tmp, create=True)
    writes, missing = [], 0
    for did, e in m["docs"].items():
        rec = None
        p = layout.legacy_docs / f"{did}.json"
        if p.exists():
            try:
                rec = json.loads(p.read_text(encoding="utf-8"))
            except ValueError:
                rec = None
        if rec is not None:
            chunk_ids, figures = list(rec.pop("chunk_ids", [])), list(rec.pop("figures", []))
        else:
            chunk_ids, figures = [], []
            if vectors is not None and vectors.exists():
                got = sorted(vectors.where({"doc_id": did}), key=lambda t: (t[2].get("section", ""), t[2].get("page", 0)))
                chunk_ids = [cid for cid, *_ in got]
                for _cid, _t, meta, _e in got:
                    figures += json.loads(meta.get("figures") or "[]")
            missing += not e.get("remote")
        kw = {k: e[k] for k in DocumentRow.__dataclass_fields__ if k in e and e[k] is not None and k != "extra"}
        kw["extra"] = {k: v for k, v in e.items() if k not in DocumentRow.__dataclass_fields__}
        kw.setdefault("doc_id", did)
        kw.setdefault("file", did)
        kw.setdefault("path", "")
        row = DocumentRow(**kw)
        writes.append(DocumentWrite(row=row, record=rec, chunk_ids=chunk_ids, figures=figures))
    pending = [d for d in [m.get("pending"), *(m.get("pending_bulk") or [])] if d]
    with cat.transaction() as db:
        cat.finish(writes)
        if m.get("model"):
            cat._set("model", m["model"])
            cat._set("dim", m.get("dim"))
        cat._set("created", m.get("created") or "")
        cat._set("lexical_stale", bool(m.get("lexical_stale")))
        cat._set("ledger_stale", bool(m.get("ledger_stale")))
        cat._set("migrated_from", LEGACY_SCHEMA)
        db.executemany("INSERT OR REPLACE INTO pending(doc_id, since) VALUES (?, '')", [(d,) for d in pending])
    # One file, no WAL beside it, before it takes the catalog's name.
    cat.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cat.db.execute("PRAGMA journal_mode=DELETE")
    cat.close()
    os.replace(tmp, layout.catalog)
    remove_leftovers(layout)
    note = (f"index {layout.root} omgezet naar het nieuwe formaat (catalogus {layout.catalog.name}, schema "
            f"{SCHEMA_VERSION}): {len(writes)} documenten, niets opnieuw berekend")
    if missing:
        note += f"; van {missing} documenten ontbrak de ontleding: herstel met pq doctor --fix --index {layout.root}"
    return note


def remove_leftovers(layout: Layout) -> None:
    """Delete the schema-1 files once the catalog holds what they held."""
    if layout.exists():
        layout.legacy_manifest.unlink(missing_ok=True)
        shutil.rmtree(layout.legacy_docs, ignore_errors=True)

