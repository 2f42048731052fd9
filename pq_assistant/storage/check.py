"""`pq doctor`: check that the parts of an index agree, and repair what can be repaired safely.
Through the storage API only (catalog, vector store, BM25 index, ledger, layout).

An index is consistent when

- the catalog is readable, of this schema, and names the model (and dimension) that built it;
- no document is left pending (a write that was cut off);
- every document of the catalog has its parsed record (unless another client put it on a shared
  server), and the chunk ids the catalog lists for it are exactly the chunks the vector store
  holds for it (by the `doc_id` metadata), as many as its row counts;
- the vector store holds no chunks of documents the catalog does not know (orphans), nor the
  catalog chunk or figure rows of such documents;
- the BM25 index holds exactly the chunk ids that the vector store holds;
- the figures ledger (the catalog's ledger tables) holds as many figures as the documents, each
  with its phrase vector;
- no temporary files of an interrupted write (or schema-1 files of a finished migration) are left.

`check_index` only reads. `fix_index` (under the index's write lock) drops pending work, orphans
and leftovers, ingests again a document whose chunks or record are damaged when its file is still
there, and rebuilds the BM25 index and the figures ledger; everything else is reported.
"""
from __future__ import annotations

import shutil
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from ..errors import PQError

ERROR, WARNING = "error", "warning"


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


def _vector_chunks(storage) -> dict[str, str | None]:
    """Every chunk id in the vector store -> its doc_id metadata (None when it has none)."""
    return {cid: (meta or {}).get("doc_id") for cid, _t, meta in storage.vectors.scan(texts=False)}


def _leftovers(storage) -> list[Path]:
    try:
        lexical = storage.lexical.leftovers()
    except Exception:  # noqa: BLE001 - an unreadable BM25 index is reported (and rebuilt) as such
        lexical = []
    return sorted(storage.layout.temp_leftovers() + lexical)


def _check_ledger(storage, want: int, stale: bool, fix_cmd: str) -> list[Problem]:
    """The figures ledger (the catalog's ledger tables) against the documents' figures."""
    fix = fix_cmd + " (bouwt het cijferregister opnieuw op)"
    led = storage.figures_ledger
    try:
        have = led.count() if led.exists() else None
        inner = led.problems() if have else []
    except Exception as exc:  # noqa: BLE001 - unreadable means rebuild
        return [Problem(ERROR, f"cijferregister is onleesbaar ({type(exc).__name__})", fix, "ledger", fixable=True)]
    if not have:
        return [Problem(ERROR, f"cijferregister ontbreekt ({want} cijfers in de documenten)", fix,
                        "ledger", fixable=True)] if want else []
    if have != want:
        return [Problem(ERROR, f"cijferregister loopt niet gelijk: {have} cijfers, de documenten hebben er {want}",
                        fix, "ledger", fixable=True)]
    if stale:
        return [Problem(ERROR, "cijferregister is verouderd (een ingest werd afgebroken voor het opnieuw opgebouwd was)", fix,
                        "ledger", fixable=True)]
    if inner:
        return [Problem(ERROR, f"cijferregister is beschadigd: {'; '.join(inner)}", fix, "ledger", fixable=True)]
    return []


def check_index(storage) -> list[Problem]:
    """The problems of the index (an empty list when its parts agree). Reads only (an index of
    an earlier layout is migrated first: that is how it is opened)."""
    root = storage.root
    rebuild = f"pq ingest --rebuild <bestanden> --index {root}"
    fix_cmd = f"pq doctor --fix --index {root}"
    if not storage.exists():
        what = "heeft geen catalogus (geen index, of een --rebuild werd afgebroken)" if root.exists() else "bestaat niet"
        return [Problem(ERROR, f"index {root} {what}", f"pq ingest <bestanden> --index {root}", "no-index")]
    try:
        cat = storage.catalog
        state = cat.state()
        docs = cat.documents()
    except PQError as exc:
        return [Problem(ERROR, str(exc), rebuild, "catalog")]

    problems: list[Problem] = []
    if docs and not state.model:
        problems.append(Problem(ERROR, "de catalogus noemt het model niet waarmee de index gemaakt is", rebuild, "model"))

    pending = cat.pending()
    for did in pending:
        entry = docs.get(did)
        where = f" ({entry.path})" if entry else ""
        problems.append(Problem(ERROR, f"document {did}{where} is half geschreven door een afgebroken ingest",
                                fix_cmd + " (of voer pq ingest opnieuw uit)", "pending", did, fixable=True))
    unfinished = set(pending)

    try:
        in_store = _vector_chunks(storage)
    except Exception as exc:  # noqa: BLE001 - a broken Chroma folder is a finding, not a crash
        problems.append(Problem(ERROR, f"Chroma is onleesbaar ({' '.join(str(exc).split())[:200]})", rebuild, "chroma"))
        return problems

    behind, stale = cat.vectors_behind()
    if behind or stale:  # Chroma behind the catalog (writer.py): the segments hold those chunks
        in_store = {cid: did for cid, did in in_store.items() if cid not in stale and did not in behind}
        for did in behind:
            if did in docs and docs[did].vec_seg:  # (without a segment its vectors are nowhere: missing)
                in_store.update((cid, did) for cid in cat.chunk_ids(did))
    by_doc: dict[str | None, set[str]] = defaultdict(set)
    for cid, did in in_store.items():
        by_doc[did].add(cid)

    # Documents of the catalog: record, chunks, counts.
    for did, row in docs.items():
        if did in unfinished:
            continue
        have_file = Path(row.path or "").is_file()
        reingest = (f"{fix_cmd} (leest {row.path} opnieuw in)" if have_file else
                    f"zet {row.path} terug en voer {fix_cmd} uit, of laat het document vallen: "
                    f"pq ingest --prune <bestanden> --index {root}")
        if not row.remote:
            try:
                rec = cat.record(did)
            except PQError:
                problems.append(Problem(ERROR, f"het record van document {did} in de catalogus is onleesbaar",
                                        reingest, "bad-record", did, fixable=have_file))
            else:
                if rec is None:
                    problems.append(Problem(ERROR, f"het record van document {did} ontbreekt in de catalogus",
                                            reingest, "missing-record", did, fixable=have_file))
        want = set(cat.chunk_ids(did))
        have = by_doc.get(did, set())
        missing, extra = want - have, have - want
        if not want and not have:
            problems.append(Problem(ERROR, f"document {did} heeft geen chunks in Chroma", reingest,
                                    "missing-chunks", did, fixable=have_file))
        if missing:
            problems.append(Problem(
                ERROR, f"document {did}: {len(missing)} van zijn {len(want)} chunks ontbreken in Chroma "
                       f"(bv. {min(missing)})", reingest, "missing-chunks", did, fixable=have_file))
        if extra:
            problems.append(Problem(
                ERROR, f"document {did}: {len(extra)} chunks in Chroma die de catalogus niet kent "
                       f"(bv. {min(extra)})", fix_cmd + " (verwijdert ze)", "extra-chunks", did, fixable=True))
        if want and row.chunks != len(want):
            problems.append(Problem(
                ERROR, f"document {did}: de catalogus telt {row.chunks} chunks en noemt er {len(want)}",
                reingest, "chunk-count", did, fixable=have_file))

    # Chunks and rows of documents the catalog does not know.
    for did, ids in sorted(by_doc.items(), key=lambda kv: str(kv[0])):
        if did in docs or did in unfinished:
            continue
        name = f"document {did}" if did else "geen document (geen doc_id in de metadata)"
        problems.append(Problem(
            ERROR, f"{len(ids)} verweesde chunks in Chroma van {name}, dat de catalogus niet kent (bv. {min(ids)})",
            fix_cmd + " (verwijdert ze)", "orphan-chunks", did or "", fixable=True))
    for did, n in sorted(cat.orphan_rows().items()):
        if did not in unfinished:
            problems.append(Problem(WARNING, f"{n} catalogusrijen van {did}, een document dat de catalogus niet kent",
                                    fix_cmd + " (verwijdert ze)", "orphan-record", did, fixable=True))

    # The lexical index against the vector store.
    lexical_fix = fix_cmd + f" (of: pq reindex --index {root})"
    try:
        lex = storage.lexical
        lex.validate()  # read it from disk, not from an earlier search
        lex_ids = list(lex.ids)
    except Exception as exc:  # noqa: BLE001 - any failure to read it means it must be rebuilt
        problems.append(Problem(ERROR, f"lexicale index is onleesbaar ({type(exc).__name__}: "
                                       f"{' '.join(str(exc).split())[:120]})", lexical_fix, "lexical", fixable=True))
    else:
        lex_set, store_set = set(lex_ids), set(in_store)
        if lex_set != store_set or len(lex_ids) != len(lex_set):
            miss, extra = store_set - lex_set, lex_set - store_set
            problems.append(Problem(
                ERROR, f"lexicale index loopt niet gelijk met Chroma: {len(miss)} chunks ontbreken, {len(extra)} te veel"
                       + (f", {len(lex_ids) - len(lex_set)} dubbel" if len(lex_ids) != len(lex_set) else ""),
                lexical_fix, "lexical", fixable=True))
        elif state.lexical_stale:
            problems.append(Problem(ERROR, "lexicale index is verouderd (een ingest werd afgebroken voor hij opnieuw opgebouwd was)",
                                    lexical_fix, "lexical", fixable=True))

    problems += _check_ledger(storage, sum(r.figures for r in docs.values()), state.ledger_stale, fix_cmd)

    # The vector segments the documents point at (storage/dense.py).
    rows_of: dict[str, int] = {}
    for did, row in sorted(docs.items()):
        if not row.vec_seg or did in unfinished:
            continue
        if row.vec_seg not in rows_of:
            rows_of[row.vec_seg] = storage.segments.rows(row.vec_seg)
        if row.vec_row < 0 or row.vec_row + row.chunks > rows_of[row.vec_seg]:
            problems.append(Problem(ERROR, f"document {did}: zijn vectorsegment {row.vec_seg} ontbreekt of is beschadigd",
                                    fix_cmd + " (schrijft het opnieuw uit Chroma)", "vectors", did, fixable=True))

    # Vectors of the recorded dimension.
    if state.dim and in_store:
        try:
            got = storage.vectors.dimension()
            if got is not None and got != state.dim:
                problems.append(Problem(ERROR, f"Chroma bevat {got}-d vectoren, de catalogus zegt {state.dim}-d "
                                               f"(model {state.model})", rebuild, "dimension"))
        except Exception:  # noqa: BLE001 - reported above if Chroma is unreadable
            pass

    for p in _leftovers(storage):
        problems.append(Problem(WARNING, f"achtergebleven tijdelijke {'map' if p.is_dir() else 'bestand'} "
                                         f"{p.relative_to(root)} van een afgebroken schrijfbeurt",
                                fix_cmd + " (verwijdert het)", "temp-file", fixable=True))
    return problems


def fix_index(storage, *, reingest: Callable[[list[str]], object], ledger_build: Callable[[], Callable],
              wait: bool = True, on_wait=None) -> list[str]:
    """Repair what `check_index` found and can be repaired safely; returns what was done.

    Takes the index's write lock. Documents whose chunks or record are damaged are dropped and
    ingested again from their files with `reingest(paths)` (an ingest report; only when the files
    are still there: otherwise they stay as they are, and reported); orphans and leftovers are
    deleted; the BM25 index and the figures ledger are rebuilt (`ledger_build()` gives the
    ledger's build function, see Writer.rebuild_ledger)."""
    done: list[str] = []
    redo: list[str] = []
    with storage.write(wait=wait, on_wait=on_wait) as w:
        fixable = [p for p in check_index(storage) if p.fixable]  # checked under the lock: current
        if not fixable:
            return done
        cat = w.catalog
        if any(p.code == "pending" for p in fixable):
            cut = cat.pending()
            redo += w.recover()
            done.append(f"half geschreven document{'en' if len(cut) > 1 else ''} {', '.join(cut)} verwijderd")
        for did in sorted({p.doc_id for p in fixable
                           if p.code in ("missing-record", "bad-record", "missing-chunks", "chunk-count")}):
            row = cat.document(did)
            if row is None or not Path(row.path).is_file():
                continue  # without its file it cannot be rebuilt: keep what there is, and report it
            w.remove(did)
            done.append(f"beschadigd document {did} verwijderd")
            redo.append(row.path)
        stray = [p for p in fixable if p.code in ("extra-chunks", "orphan-chunks")]
        if stray:
            in_store = _vector_chunks(storage)
            for p in stray:
                if p.code == "extra-chunks" and cat.has(p.doc_id):
                    want = set(cat.chunk_ids(p.doc_id))
                    ids = [cid for cid, did in in_store.items() if did == p.doc_id and cid not in want]
                    what = f"overtollige chunks van {p.doc_id}"
                elif p.code == "orphan-chunks" and not cat.has(p.doc_id):
                    ids = [cid for cid, did in in_store.items() if (did or "") == p.doc_id]
                    what = f"verweesde chunks van {p.doc_id or '(geen document)'}"
                else:
                    continue
                if ids:
                    w.drop_chunks(ids)
                    done.append(f"{len(ids)} {what} verwijderd")
        lost = sorted({p.doc_id for p in fixable if p.code == "vectors" and cat.has(p.doc_id)})
        if lost:
            done.append(w.rewrite_vectors(lost))
        orphans = [p.doc_id for p in fixable if p.code == "orphan-record" and not cat.has(p.doc_id)]
        if orphans:
            cat.drop(orphans)
            done += [f"verweesde catalogusrijen van {did} verwijderd" for did in orphans]
        for leftover in _leftovers(storage):
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            done.append(f"{leftover.relative_to(storage.root)} verwijderd")
    if redo:
        # Outside the lock: an ingest takes it itself (and rebuilds the BM25 index and ledger).
        report = reingest(redo)
        done += [f"{p} opnieuw ingelezen" for p in report.ingested]
        done += [f"{p} kon niet ingelezen worden: {r}" for p, r in report.failed]
    with storage.write(wait=wait, on_wait=on_wait) as w:
        left = {p.code for p in check_index(storage)}
        if "lexical" in left:
            done.append(f"lexicale index opnieuw opgebouwd ({w.rebuild_lexical()} chunks)")
        if "ledger" in left:
            done.append(f"cijferregister opnieuw opgebouwd ({w.rebuild_ledger(ledger_build())} cijfers)")
    return done
