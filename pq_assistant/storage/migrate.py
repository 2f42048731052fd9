"""Open an index of an earlier layout without recomputing anything.

- Schema 1 (`manifest.json` + `docs/<id>.json`) becomes a catalog. Chroma, the BM25 folder and
  the vector data keep their format, so nothing is embedded or rebuilt: the migration reads the
  manifest and the records and writes them into a new catalog, which appears atomically (built
  under a temporary name, then renamed). The old files are deleted after that; a run cut off in
  between leaves them as leftovers that the next writer (or `pq doctor --fix`) deletes.
- A figures ledger of before it moved into the catalog (`figures.json` + `figures.npy`) is
  copied into the catalog's ledger tables in one transaction, then its files are deleted.
"""
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


# -- a ledger of before it moved into the catalog (figures.json + figures.npy) ---------------
def import_legacy(path, vectors_path) -> tuple[list, object]:
    """The entries and vectors of a ledger of before it moved into the catalog (figures.json with
    figures.npy beside it), for the migration."""
    import numpy as np

    from ..figures.ledger import LedgerEntry
    from ..models import Figure

    known = set(Figure.__dataclass_fields__)
    out = []
    for r in json.loads(path.read_text(encoding="utf-8")):
        kw = {k: r.pop("_" + k, None) for k in ("group", "status", "replaced_by", "confirms")}
        out.append(LedgerEntry(figure=Figure(**{k: v for k, v in r.items() if k in known}), **kw))
    vecs = np.load(vectors_path) if vectors_path.exists() else None
    if vecs is not None and len(vecs) != len(out):
        vecs = None
    return out, vecs


def migrate_ledger_file(layout, catalog) -> str:
    """Move a ledger of before (figures.json + figures.npy) into the catalog's tables and delete
    the files (the caller holds the write lock). Nothing is grouped again: the entries and their
    vectors are copied as they are. An unreadable file, or one without its vectors, leaves the
    ledger marked stale, to be rebuilt by the next ingest or `pq doctor --fix`. Returns a
    one-line Dutch notice ("" when there was nothing to move)."""
    path, vpath = layout.ledger, layout.ledger_vectors
    if not path.exists():
        return ""
    try:
        entries, vecs = import_legacy(path, vpath)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        entries, vecs = None, None
    from .ledgerdb import LedgerDB, _figure_key, create

    db = LedgerDB(catalog)
    with catalog.transaction() as tx:
        create(tx)
        if entries is None or (entries and vecs is None):
            db.clear(tx)
            catalog._set("ledger_stale", True)
            note = (f"cijferregister {path.name} was onleesbaar of zonder vectoren: het wordt opnieuw opgebouwd bij de "
                    f"volgende ingest (of met pq doctor --fix --index {layout.root})")
        else:
            # each figure's position among its document's figures, as the catalog lists them
            at: dict[tuple, int] = {}
            count: dict[str, int] = {}
            for d in catalog.figures():
                n = count.get(d.get("doc_id", ""), 0)
                count[d.get("doc_id", "")] = n + 1
                at.setdefault((d.get("doc_id", ""), _figure_key(d)), n)
            seqs = {id(e.figure): at.get((e.figure.doc_id, _figure_key(e.figure.__dict__)), 0) for e in entries}
            db.replace_all(tx, entries, vecs, seqs)
            note = f"cijferregister {path.name} overgezet naar de catalogus ({len(entries)} cijfers, niets opnieuw berekend)"
    path.unlink(missing_ok=True)
    vpath.unlink(missing_ok=True)
    return note
