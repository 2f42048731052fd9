"""Crash safety: a `pq ingest` killed with SIGKILL at any moment leaves an index that the next
ingest completes into exactly what a clean run gives (same documents, same chunk ids and texts in
Chroma and in the vector index, lexical ids == Chroma ids, nothing pending), and nothing that
was ingested before is lost.

Real processes, real Chroma (PersistentClient in tmp_path), the fake "hash:256" embedder."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, SMALL, ledger_rows

from pq_assistant import Assistant

pytestmark = pytest.mark.slow  # real processes, SIGKILLed

MODEL = "hash:256"
DOCS = sorted(f for f in CORPUS.iterdir() if f.suffix in (".txt", ".pdf"))[:10]  # 10 documents, a PDF among them
N = len(DOCS)
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PQ_INDEX": "", "PQ_MODEL": ""}

# Runs `pq ingest ...` and SIGKILLs itself at a chosen step: the N-th time that step is reached.
# `pq ingest` writes its documents in batches (indexing.INGEST_BATCH_CHUNKS chunks); the killer
# sets the batch size, 1 writing every document on its own.
KILLER = r"""
import os, signal, sys
from pq_assistant import indexing
from pq_assistant.storage import writer

hook, n, batch, args = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
indexing.INGEST_BATCH_CHUNKS = batch
seen = [0]

def hit():
    seen[0] += 1
    return seen[0] == n

def die():
    os.kill(os.getpid(), signal.SIGKILL)

if hook == "lexical-commit":  # a new BM25 segment written, the segment list not replaced yet
    from pq_assistant.storage import layout
    real = layout.atomic_write
    def atomic_write(path, *a, **k):
        if str(path).endswith("segments.json") and hit():
            die()
        return real(path, *a, **k)
    layout.atomic_write = atomic_write
elif hook == "never":  # (only the batch size)
    pass
elif hook in ("pending-saved",     # the catalog says "pending", no chunk written yet
              "chunks-added",      # chunks in Chroma, the catalog not updated
              "document-saved",    # the document written, the next one not begun
              "before-lexical",    # every document done, the BM25 index not rebuilt yet
              "before-ledger"):    # documents and BM25 index done, the figures ledger not rebuilt yet
    def reached(step):
        if step == hook and hit():
            die()
    writer._reached = reached
else:
    raise SystemExit(f"unknown hook {hook}")

sys.argv = ["pq", *args]
from pq_assistant.cli import main
main()
"""


def ingest_argv(folder: Path, index: Path) -> list[str]:
    return ["ingest", str(folder), "--index", str(index), "--model", MODEL]


def kill_at_step(hook: str, n: int, folder: Path, index: Path, batch: int = 1) -> None:
    res = subprocess.run([sys.executable, "-c", KILLER, hook, str(n), str(batch), *ingest_argv(folder, index)],
                         cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=180)
    assert res.returncode == -signal.SIGKILL, f"not killed at {hook} #{n}: rc {res.returncode}\n{res.stderr[-2000:]}"


def catalog(index: Path) -> tuple[dict, list[str]]:
    """(documents by id, pending ids) read straight from the catalog file, as another process
    sees it (None, [] while there is none)."""
    import sqlite3

    path = index / "catalog.sqlite"
    if not path.exists():
        return None, []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        docs = {r[0]: {"path": r[1], "sha256": r[2], "chunks": r[3]}
                for r in db.execute("SELECT doc_id, path, sha256, chunks FROM documents")}
        pending = [r[0] for r in db.execute("SELECT doc_id FROM pending")]
    except sqlite3.Error:
        return None, []
    finally:
        db.close()
    return docs, pending


def state(index: Path) -> dict:
    """Everything that must equal a clean run; also checks the parts agree with each other."""
    a = Assistant(index, model=MODEL)
    cat = a.storage.catalog
    st = cat.state()
    assert cat.pending() == []
    assert not st.lexical_stale and not st.ledger_stale
    got = list(a.storage.vectors.scan(embeddings=True))
    chunks = {cid: (text, meta["doc_id"]) for cid, text, meta, _ in got}
    docs = cat.documents()
    assert a.storage.vectors.count() == len(chunks) == sum(d.chunks for d in docs.values())
    lexical = list(a.lexical.ids)
    assert len(lexical) == len(set(lexical)) and set(lexical) == set(chunks)
    records = {did: cat.chunk_ids(did) for did in docs}
    assert all(cat.record(did) is not None for did in docs)
    assert {cid for ids in records.values() for cid in ids} == set(chunks)
    # The vector index (not only Chroma's tables) holds every chunk: a query restricted to one
    # document and asking for all its chunks gets them all.
    by_doc: dict[str, list[tuple[str, list[float]]]] = {}
    for cid, _text, meta, vec in got:
        by_doc.setdefault(meta["doc_id"], []).append((cid, vec))
    for did, items in by_doc.items():
        res = a.storage.vectors.query(items[0][1], len(items), [did])
        assert {cid for cid, _ in res} == {cid for cid, _ in items}, did
    assert a.check() == []
    out = {did: (d.path, d.sha256, d.chunks) for did, d in docs.items()}
    return {"docs": out, "chunks": chunks, "records": records, "model": (st.model, st.dim)}


@pytest.fixture(scope="module")
def corpus10(tmp_path_factory) -> tuple[Path, dict]:
    """Ten corpus documents in a folder, and the state of a clean, uninterrupted ingest."""
    base = tmp_path_factory.mktemp("crash")
    folder = base / "corpus"
    folder.mkdir()
    for f in DOCS:
        shutil.copy(f, folder / f.name)
    report = Assistant(base / "clean", model=MODEL).ingest([folder])
    assert len(report.ingested) == N and not report.failed
    return folder, state(base / "clean")


def complete(folder: Path, index: Path) -> None:
    report = Assistant(index, model=MODEL).ingest([folder])
    assert not report.failed
    assert len(report.ingested) + len(report.unchanged) == N


@pytest.mark.parametrize("when", ["first-pending", "5-docs"])
def test_sigkill_part_way_then_ingest_again_equals_a_clean_run(corpus10, tmp_path: Path, when: str) -> None:
    """SIGKILL a real `python -m pq_assistant ingest` at a moment read off its catalog: while
    the first document is pending, after 5 documents. (The steps after the last document are
    killed exactly by the next test.)"""
    folder, clean = corpus10
    index = tmp_path / "index"
    # Batches of 8 chunks (the documents have 2-20): several writes before the 5th document.
    proc = subprocess.Popen([sys.executable, "-c", KILLER, "never", "0", "8", *ingest_argv(folder, index)], cwd=ROOT,
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = None
    deadline = time.time() + 120
    try:
        while proc.poll() is None and time.time() < deadline:
            docs, pending = catalog(index)
            if docs is not None:
                n = len(docs)
                if (when == "first-pending" and pending) or (when == "5-docs" and n >= 5):
                    proc.send_signal(signal.SIGKILL)
                    seen = (n, pending)
                    break
            time.sleep(0.002)
    finally:
        if proc.poll() is None and seen is None:
            proc.kill()
        proc.wait(30)
    assert seen is not None and proc.returncode == -signal.SIGKILL, (when, seen, proc.returncode)
    complete(folder, index)
    assert state(index) == clean
    # A third run changes nothing.
    report = Assistant(index, model=MODEL).ingest([folder])
    assert (len(report.unchanged), report.ingested) == (N, [])


def test_sigkilled_at_each_write_step_one_run_after_another(corpus10, tmp_path: Path) -> None:
    """Four runs, each SIGKILLed at another step of writing a document (or after the last one);
    each finds what the one before left, doctor names it; a fifth run equals a clean run."""
    folder, clean = corpus10
    index = tmp_path / "index"
    done = 0
    for hook, n in [("pending-saved", 3), ("chunks-added", 2), ("document-saved", 3), ("before-lexical", 1)]:
        kill_at_step(hook, n, folder, index)
        a = Assistant(index, model=MODEL)
        docs, pending = catalog(index)
        done = N if hook == "before-lexical" else done + n - (hook != "document-saved")
        assert len(docs) == done, hook
        assert bool(pending) == (hook in ("pending-saved", "chunks-added")), hook
        assert a.check(), f"doctor found nothing wrong after a kill at {hook}"
    complete(folder, index)
    assert state(index) == clean


def batches(folder: Path, clean: dict, limit: int) -> list[list[str]]:
    """The documents of each write of `pq ingest` with batches of `limit` chunks (files in name
    order, a batch written when it holds `limit` chunks or more, the rest at the end)."""
    chunks = {Path(path).name: n for path, _sha, n in clean["docs"].values()}
    out, cur, n = [], [], 0
    for f in sorted(p.name for p in folder.iterdir()):
        cur.append(f)
        n += chunks[f]
        if n >= limit:
            out, cur, n = out + [cur], [], 0
    return out + ([cur] if cur else [])


@pytest.mark.parametrize("hook", ["pending-saved", "chunks-added", "document-saved"])
def test_sigkilled_in_the_second_batch_keeps_the_first_and_the_next_run_completes_it(corpus10, tmp_path: Path,
                                                                                   hook: str) -> None:
    """Batches of 30 chunks: killed at a step of the second batch's write, the catalog holds the
    first batch's documents (and the second's when it was saved), the second batch's are pending
    while it was being written; a second run equals a clean run."""
    folder, clean = corpus10
    plan = batches(folder, clean, 30)
    assert len(plan) >= 3 and all(len(b) >= 2 for b in plan[:2]), plan
    index = tmp_path / "index"
    kill_at_step(hook, 2, folder, index, batch=30)
    docs, pending = catalog(index)
    written = plan[0] + (plan[1] if hook == "document-saved" else [])
    assert sorted(Path(d["path"]).name for d in docs.values()) == sorted(written), hook
    ids = {Path(path).name: did for did, (path, _sha, _n) in clean["docs"].items()}
    assert sorted(pending) == ([] if hook == "document-saved" else sorted(ids[f] for f in plan[1])), hook
    complete(folder, index)
    assert state(index) == clean


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Path]:
    """Six documents, ingested; then one of them edited (same number of words, a new word)."""
    folder = tmp_path / "small"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, folder / name)
    index = tmp_path / "index"
    Assistant(index, model=MODEL).ingest([folder])
    doc = folder / "2018-503-regionale-spreiding.txt"
    text = doc.read_text(encoding="utf-8")
    assert "consultatiebureau aangesloten" in text
    doc.write_text(text.replace("consultatiebureau aangesloten", "zorgburgbureau aangesloten"), encoding="utf-8")
    return folder, index


def clean_state(folder: Path, tmp_path: Path) -> dict:
    Assistant(tmp_path / "clean", model=MODEL).ingest([folder])
    return state(tmp_path / "clean")


def test_killed_while_updating_a_document_loses_nothing(small, tmp_path: Path) -> None:
    """Killed half-way through replacing a changed document's chunks: the next ingest brings the
    document back (new version) even when it names no files at all."""
    folder, index = small
    kill_at_step("chunks-added", 1, folder, index)
    assert catalog(index)[1] == ["2018-503-regionale-spreiding"]
    report = Assistant(index, model=MODEL).ingest([])  # nothing named
    assert report.ingested == [str(folder / "2018-503-regionale-spreiding.txt")]
    assert state(index) == clean_state(folder, tmp_path)
    hits = Assistant(index, model=MODEL).lexical.search("zorgburgbureau", 3)
    assert hits and hits[0][0].startswith("2018-503-regionale-spreiding:")


def test_killed_before_the_lexical_rebuild_leaves_no_stale_lexical_index(small, tmp_path: Path) -> None:
    """The changed document keeps its chunk ids and count; the BM25 index must still be rebuilt
    by the next run, or the new word would never be found by keyword."""
    folder, index = small
    kill_at_step("before-lexical", 1, folder, index)
    report = Assistant(index, model=MODEL).ingest([folder])
    assert report.ingested == [] and len(report.unchanged) == 6
    hits = Assistant(index, model=MODEL).lexical.search("zorgburgbureau", 3)
    assert hits and hits[0][0].startswith("2018-503-regionale-spreiding:")
    assert state(index) == clean_state(folder, tmp_path)


def test_killed_before_the_ledger_rebuild_leaves_no_stale_ledger(small, tmp_path: Path) -> None:
    """A changed figure (same number of figures): the next run must rebuild the ledger."""
    folder, index = small
    doc = folder / "2018-503-regionale-spreiding.txt"
    text = doc.read_text(encoding="utf-8")
    assert "zijn er 153 erkende Huizen" in text and "157" not in text
    doc.write_text(text.replace("153", "157"), encoding="utf-8")
    kill_at_step("before-ledger", 1, folder, index)
    assert {p.code for p in Assistant(index, model=MODEL).check()} == {"ledger"}
    Assistant(index, model=MODEL).ingest([folder])
    values = {e.figure.value for e in Assistant(index, model=MODEL).ledger() if e.figure.doc_id.startswith("2018-503")}
    assert "157" in values and "153" not in values, values
    assert state(index) == clean_state(folder, tmp_path)
    assert ledger_rows(Assistant(index, model=MODEL)) == ledger_rows(Assistant(tmp_path / "clean", model=MODEL))


def test_killed_while_committing_the_lexical_index(small, tmp_path: Path) -> None:
    """Killed after writing a new BM25 segment and before the segment list names it: questions
    are still answered (from the old segments), doctor names the stale index and the stray
    segment, the next ingest puts everything right."""
    folder, index = small
    kill_at_step("lexical-commit", 1, folder, index)
    listed = json.loads((index / "lexical" / "segments.json").read_text())["segments"]
    stray = [p.name for p in (index / "lexical").iterdir() if p.is_dir() and p.name not in {s["name"] for s in listed}]
    assert stray
    a = Assistant(index, model=MODEL)
    assert a.search("Huizen van het Kind met een zorgburgbureau", top_k=3)
    codes = {p.code for p in a.check()}
    assert {"lexical", "temp-file"} <= codes, codes
    Assistant(index, model=MODEL).ingest([folder])
    assert not any((index / "lexical" / name).exists() for name in stray)
    assert state(index) == clean_state(folder, tmp_path)


def test_interrupted_rebuild_starts_from_nothing(small, tmp_path: Path) -> None:
    """Without its catalog the leftover chunks, BM25 index and ledger are not trusted (no catalog
    vouches for them): the next ingest starts from nothing."""
    folder, index = small
    for f in index.glob("catalog.sqlite*"):
        f.unlink()
    a = Assistant(index, model=MODEL)
    report = a.ingest([folder])
    assert len(report.ingested) == 6
    assert state(index) == clean_state(folder, tmp_path)


def test_rebuild_cut_off_after_emptying_the_catalog_is_finished_by_the_next_writer(small, tmp_path: Path) -> None:
    """--rebuild empties the catalog first (saying so); killed right after, the next ingest
    finishes the wipe before it writes anything."""
    folder, index = small
    a = Assistant(index, model=MODEL)
    a.storage._open_for_writing().wipe()  # where a --rebuild stops first
    assert a.storage.vectors.count() > 0
    report = Assistant(index, model=MODEL).ingest([folder])
    assert len(report.ingested) == 6
    assert state(index) == clean_state(folder, tmp_path)
