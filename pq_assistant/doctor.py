"""`pq doctor`: check that the parts of an index agree, and repair what can be repaired safely.

An index is consistent when

- the manifest is readable, of this schema, and names the model (and dimension) that built it;
- no document is left `pending` (an ingest that was cut off);
- every document of the manifest has its record `docs/<id>.json`, and the chunk ids in that
  record are exactly the chunks Chroma holds for the document (grouped by the `doc_id` metadata),
  as many as the manifest says;
- Chroma holds no chunks of documents the manifest does not know (orphans), and `docs/` no
  records of such documents;
- the lexical (BM25) index holds exactly the chunk ids that Chroma holds;
- the figures ledger (figures.json, figures.npy) holds as many figures as the documents;
- no temporary files of an interrupted write are left.

`check_index` only reads. `fix_index` (under the index's write lock) rebuilds the lexical index
and the figures ledger, drops orphan chunks/records and leftover temporary files, and ingests
again a document whose chunks or record are damaged when its file is still there; everything
else is reported.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import PQError

if TYPE_CHECKING:
    from .assistant import Assistant

ERROR, WARNING = "error", "warning"
_PAGE = 5000


@dataclass
class Problem:
    """One disagreement between the parts of an index."""

    severity: str  # "error" (answers can be wrong or missing) | "warning" (harmless leftovers)
    message: str
    fix: str  # what repairs it: "pq doctor --fix" or the command to run
    code: str = ""  # stable name for programs: "pending", "missing-record", "orphan-chunks", ...
    doc_id: str = ""
    fixable: bool = False  # whether `pq doctor --fix` repairs it

    def to_dict(self) -> dict:
        return asdict(self)


def _chroma_chunks(a: Assistant) -> dict[str, str | None]:
    """Every chunk id in Chroma -> its doc_id metadata (None when it has none)."""
    col = a.store.collection()
    out: dict[str, str | None] = {}
    offset = 0
    while True:
        res = col.get(include=["metadatas"], limit=_PAGE, offset=offset)
        if not res["ids"]:
            break
        for cid, meta in zip(res["ids"], res["metadatas"]):
            out[cid] = (meta or {}).get("doc_id")
        offset += len(res["ids"])
    return out


def _temp_leftovers(root: Path) -> list[Path]:
    """Files and folders an interrupted atomic write leaves behind."""
    found = [p for p in (root.glob(".*.tmp")) if p.is_file()]
    if (root / "docs").is_dir():
        found += [p for p in (root / "docs").glob(".*.tmp") if p.is_file()]
    found += [p for p in (root / "lexical.tmp", root / "lexical.old", root / "figures.npy.tmp.npy") if p.exists()]
    return sorted(found)


def _check_ledger(a: Assistant, manifest: dict, fix_cmd: str) -> list[Problem]:
    """The figures ledger (figures.json, and figures.npy aligned with it) against the manifest."""
    if not hasattr(a, "rebuild_ledger"):
        return []
    from . import ledger

    want = sum(d.get("figures", 0) for d in manifest["docs"].values())
    fix = fix_cmd + " (rebuilds the figures ledger)"
    path = a.ledger_path
    if not path.exists():
        return [Problem(ERROR, f"figures ledger {path.name} is missing ({want} figures in the documents)", fix,
                        "ledger", fixable=True)] if want else []
    try:
        entries = ledger.load(path)
    except Exception as exc:  # noqa: BLE001 - unreadable means rebuild
        return [Problem(ERROR, f"figures ledger {path.name} cannot be read ({type(exc).__name__})", fix,
                        "ledger", fixable=True)]
    if len(entries) != want:
        return [Problem(ERROR, f"figures ledger out of sync: {len(entries)} figures, the documents have {want}",
                        fix, "ledger", fixable=True)]
    if manifest.get("ledger_stale"):
        return [Problem(ERROR, "figures ledger is stale (an ingest was cut off before rebuilding it)", fix,
                        "ledger", fixable=True)]
    npy = a.index / "figures.npy"
    if entries and npy.exists():
        try:
            import numpy as np

            rows = len(np.load(npy))
        except Exception:  # noqa: BLE001
            rows = -1
        if rows != len(entries):
            return [Problem(ERROR, f"figures.npy has {rows if rows >= 0 else 'unreadable'} rows for "
                                   f"{len(entries)} ledger figures", fix, "ledger", fixable=True)]
    return []


def check_index(a: Assistant) -> list[Problem]:
    """The problems of `a`'s index (an empty list when its parts agree). Reads only."""
    root = a.index
    rebuild = f"pq ingest --rebuild <files> --index {root}"
    fix_cmd = f"pq doctor --fix --index {root}"
    if not a.store.exists():
        what = "has no manifest (not an index, or a --rebuild was cut off)" if root.exists() else "does not exist"
        return [Problem(ERROR, f"index {root} {what}", f"pq ingest <files> --index {root}", "no-index")]
    try:
        manifest = a.store.manifest(reload=True)
    except PQError as exc:
        return [Problem(ERROR, str(exc), rebuild, "manifest")]

    problems: list[Problem] = []
    docs: dict[str, dict] = manifest["docs"]
    if docs and not manifest.get("model"):
        problems.append(Problem(ERROR, "the manifest does not name the model that built the index", rebuild, "model"))

    pending = manifest.get("pending")
    if pending:
        entry = docs.get(pending)
        where = f" ({entry['path']})" if entry else ""
        problems.append(Problem(
            ERROR, f"document {pending}{where} was left half-written by an interrupted ingest",
            fix_cmd + " (or run pq ingest again)", "pending", pending, fixable=True))
    bulk = list(manifest.get("pending_bulk") or [])
    if bulk:
        problems.append(Problem(
            ERROR, f"{len(bulk)} documents of a bulk batch were left half-written by an interrupted ingest "
                   f"(e.g. {bulk[0]})", fix_cmd + " (drops them; or run pq ingest again)", "pending", fixable=True))
    unfinished = set(bulk) | ({pending} if pending else set())

    try:
        chroma = _chroma_chunks(a)
    except Exception as exc:  # noqa: BLE001 - a broken Chroma folder is a finding, not a crash
        problems.append(Problem(ERROR, f"Chroma cannot be read ({' '.join(str(exc).split())[:200]})", rebuild, "chroma"))
        return problems

    by_doc: dict[str | None, set[str]] = defaultdict(set)
    for cid, did in chroma.items():
        by_doc[did].add(cid)

    # Documents of the manifest: record, chunks, counts.
    for did, entry in sorted(docs.items()):
        if did in unfinished:
            continue
        have_file = Path(entry.get("path") or "").is_file()
        reingest = (f"{fix_cmd} (ingests {entry.get('path')} again)" if have_file else
                    f"restore {entry.get('path')} and run {fix_cmd}, or drop the document: "
                    f"pq ingest --prune <files> --index {root}")
        have = by_doc.get(did, set())
        try:
            rec = a.store.load_doc_record(did)
        except (OSError, ValueError):
            rec = None
            problems.append(Problem(ERROR, f"record docs/{did}.json of document {did} is unreadable",
                                    reingest, "bad-record", did, fixable=have_file))
        else:
            if rec is None:
                problems.append(Problem(ERROR, f"record docs/{did}.json of document {did} is missing",
                                        reingest, "missing-record", did, fixable=have_file))
        want = set(rec.get("chunk_ids") or []) if rec else None
        if want is not None:
            missing, extra = want - have, have - want
            if missing:
                problems.append(Problem(
                    ERROR, f"document {did}: {len(missing)} of its {len(want)} chunks are missing from Chroma "
                           f"(e.g. {min(missing)})", reingest, "missing-chunks", did, fixable=have_file))
            if extra:
                problems.append(Problem(
                    ERROR, f"document {did}: {len(extra)} chunks in Chroma that its record does not list "
                           f"(e.g. {min(extra)})", fix_cmd + " (drops them)", "extra-chunks", did, fixable=True))
        elif not have:
            problems.append(Problem(ERROR, f"document {did} has no chunks in Chroma", reingest,
                                    "missing-chunks", did, fixable=have_file))
        if rec is not None and entry.get("chunks") != len(want or ()):
            problems.append(Problem(
                ERROR, f"document {did}: the manifest counts {entry.get('chunks')} chunks, its record lists {len(want or ())}",
                reingest, "chunk-count", did, fixable=have_file))

    # Chunks and records of documents the manifest does not know.
    for did, ids in sorted(by_doc.items(), key=lambda kv: str(kv[0])):
        if did in docs or did in unfinished:
            continue
        name = f"document {did}" if did else "no document (no doc_id metadata)"
        problems.append(Problem(
            ERROR, f"{len(ids)} orphan chunks in Chroma of {name}, which the manifest does not list (e.g. {min(ids)})",
            fix_cmd + " (drops them)", "orphan-chunks", did or "", fixable=True))
    records_dir = root / "docs"
    if records_dir.is_dir():
        for p in sorted(records_dir.glob("*.json")):
            if p.stem not in docs and p.stem not in unfinished:
                problems.append(Problem(WARNING, f"orphan record docs/{p.name}: the manifest does not list {p.stem}",
                                        fix_cmd + " (deletes it)", "orphan-record", p.stem, fixable=True))

    # The lexical index against Chroma.
    lexical_fix = fix_cmd + f" (or: pq reindex --index {root})"
    try:
        lex = a.lexical
        lex._ids = None  # read it from disk, not from an earlier search
        lex_ids = list(lex.ids)
        if lex_ids:
            lex._bm25 = None
            lex._load()
    except Exception as exc:  # noqa: BLE001 - any failure to read it means it must be rebuilt
        problems.append(Problem(ERROR, f"lexical index cannot be read ({type(exc).__name__}: "
                                       f"{' '.join(str(exc).split())[:120]})", lexical_fix, "lexical", fixable=True))
    else:
        lex_set, chroma_set = set(lex_ids), set(chroma)
        if lex_set != chroma_set or len(lex_ids) != len(lex_set):
            miss, extra = chroma_set - lex_set, lex_set - chroma_set
            problems.append(Problem(
                ERROR, f"lexical index out of sync with Chroma: {len(miss)} chunks missing, {len(extra)} extra"
                       + (f", {len(lex_ids) - len(lex_set)} duplicated" if len(lex_ids) != len(lex_set) else ""),
                lexical_fix, "lexical", fixable=True))
        elif manifest.get("lexical_stale"):
            problems.append(Problem(ERROR, "lexical index is stale (an ingest was cut off before rebuilding it)",
                                    lexical_fix, "lexical", fixable=True))

    problems += _check_ledger(a, manifest, fix_cmd)

    # Vectors of the recorded dimension.
    dim = manifest.get("dim")
    if dim and chroma:
        try:
            got = a.store.collection().get(limit=1, include=["embeddings"])["embeddings"]
            if got is not None and len(got) and len(got[0]) != dim:
                problems.append(Problem(ERROR, f"Chroma holds {len(got[0])}-d vectors, the manifest says {dim}-d "
                                               f"(model {manifest.get('model')})", rebuild, "dimension"))
        except Exception:  # noqa: BLE001 - reported above if Chroma is unreadable
            pass

    for p in _temp_leftovers(root):
        problems.append(Problem(WARNING, f"leftover temporary {'folder' if p.is_dir() else 'file'} "
                                         f"{p.relative_to(root)} of an interrupted write",
                                fix_cmd + " (deletes it)", "temp-file", fixable=True))
    return problems


def fix_index(a: Assistant, *, wait: bool = True, on_wait=None) -> list[str]:
    """Repair what `check_index` found and can be repaired safely; returns what was done.

    Takes the index's write lock. Documents whose chunks or record are damaged are dropped and
    ingested again from their files (only when the files are still there: otherwise they stay as
    they are, and reported); orphan chunks, orphan records and temporary leftovers are deleted;
    the lexical index and the figures ledger are rebuilt.
    """
    done: list[str] = []
    with a.store.write_lock(wait=wait, on_wait=on_wait):
        fixable = [p for p in check_index(a) if p.fixable]  # checked under the lock: current
        if not fixable:
            return done
        manifest = a.store.manifest(reload=True)
        redo: list[str] = []
        # A pending document: the same recovery an ingest does (drop partial chunks and record).
        if any(p.code == "pending" for p in fixable):
            cut = ([manifest["pending"]] if manifest.get("pending") else []) + list(manifest.get("pending_bulk") or [])
            path = a._recover_pending(manifest)
            done.append(f"dropped the half-written document{'s' if len(cut) > 1 else ''} {', '.join(cut)}")
            if path:
                redo.append(path)
        for did in sorted({p.doc_id for p in fixable
                           if p.code in ("missing-record", "bad-record", "missing-chunks", "chunk-count")}):
            entry = manifest["docs"].get(did)
            if entry is None or not Path(entry["path"]).is_file():
                continue  # without its file it cannot be rebuilt: keep what there is, and report it
            a._remove_doc(did, manifest)
            a.store.save_manifest()
            done.append(f"dropped damaged document {did}")
            redo.append(entry["path"])
        for p in fixable:
            if p.code == "extra-chunks" and p.doc_id in manifest["docs"]:
                rec = a.store.load_doc_record(p.doc_id) or {}
                want = set(rec.get("chunk_ids") or [])
                ids = [cid for cid, did in _chroma_chunks(a).items() if did == p.doc_id and cid not in want]
                if ids:
                    a.store.collection().delete(ids=ids)
                    done.append(f"dropped {len(ids)} extra chunks of {p.doc_id}")
        for p in fixable:
            if p.code == "orphan-chunks":
                ids = [cid for cid, did in _chroma_chunks(a).items()
                       if (did or "") == p.doc_id and (did or "") not in manifest["docs"]]
                if ids:
                    a.store.collection().delete(ids=ids)
                    done.append(f"dropped {len(ids)} orphan chunks of {p.doc_id or '(no document)'}")
            elif p.code == "orphan-record" and p.doc_id not in manifest["docs"]:
                a.store.remove_doc_record(p.doc_id)
                done.append(f"deleted orphan record docs/{p.doc_id}.json")
        for leftover in _temp_leftovers(a.index):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            done.append(f"deleted {leftover.relative_to(a.index)}")
        a.store.save_manifest()
    if redo:
        # Outside the lock: ingest takes it itself (and rebuilds the lexical index).
        report = a.ingest(redo, wait=wait, on_wait=on_wait)  # rebuilds the lexical index too
        done += [f"ingested {p} again" for p in report.ingested]
        done += [f"could not ingest {p}: {r}" for p, r in report.failed]
    with a.store.write_lock(wait=wait, on_wait=on_wait):
        left = {p.code for p in check_index(a)}
        if "lexical" in left:
            n = a.rebuild_lexical()
            done.append(f"rebuilt the lexical index ({n} chunks)")
        if "ledger" in left:
            n = a.rebuild_ledger()
            done.append(f"rebuilt the figures ledger ({n} figures)")
    return done
