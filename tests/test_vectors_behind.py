"""Chroma behind the catalog (storage/writer.py, DEFER_MIN_CHUNKS): on a large local index a
writer leaves Chroma alone; searches rank the documents Chroma does not hold yet over their vector
segments and leave out what it still holds of changed or removed documents; a later writer (or a
rebuild that reads Chroma) brings Chroma up to date. Here the threshold is lowered so that a small
index of real corpus documents takes that path (the fake "hash" embedder, real Chroma)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SMALL, copy_docs

from pq_assistant import Assistant
from pq_assistant.storage import writer

MODEL = "hash:256"
EXTRA = "2014-86-stand-van-zaken-erkenningen.txt"  # added after the first ingest
CHANGED = "2018-503-regionale-spreiding.txt"
REMOVED = "2019-38-volledige-gebiedsdekking.txt"


@pytest.fixture
def deferring(monkeypatch):
    """Every writer of an index that holds any chunk defers; none syncs on its own; the lay data
    is not rebuilt after each change (as on a large index: it reads Chroma, so it syncs first)."""
    monkeypatch.setattr(writer, "DEFER_MIN_CHUNKS", 1)
    monkeypatch.setattr(writer, "SYNC_CHUNKS", 10 ** 9)
    monkeypatch.setattr(writer, "LAY_REBUILD_SMALL", 0)
    monkeypatch.setattr(writer, "LAY_REBUILD_MIN", 10 ** 9)


def chroma(a: Assistant) -> dict[str, tuple]:
    return {cid: (text, meta) for cid, text, meta in a.storage.vectors.scan()}


def seg_vector(a: Assistant, chunk_id: str):
    """A chunk's vector as its segment holds it (what a query for that chunk would be)."""
    import numpy as np

    did = chunk_id.split(":", 1)[0]
    row = a.storage.catalog.document(did)
    mat, ids = a.storage.segments.segment(row.vec_seg)
    return np.asarray(mat[ids.index(chunk_id)])


def dense_ids(a: Assistant, vec, k: int = 200, doc_ids=None) -> list[str]:
    return [cid for cid, _ in a.storage.dense(vec, k, doc_ids, a.storage.snapshot())]


def build(folder: Path, index: Path) -> Assistant:
    a = Assistant(index, model=MODEL)
    a.ingest([folder])
    return a


def with_one_behind(tmp_path: Path, *, remove: bool) -> tuple[Path, Path]:
    """SMALL ingested, then EXTRA added (and REMOVED pruned) by a deferring writer: (folder, index)."""
    folder = copy_docs(SMALL, tmp_path / "docs")
    index = tmp_path / "index"
    build(folder, index)
    copy_docs([EXTRA], folder)
    if remove:
        (folder / REMOVED).unlink()
    Assistant(index, model=MODEL).ingest([folder], prune=remove)
    return folder, index


def assert_same_neighbours(a: Assistant, b: Assistant, step: int) -> None:
    """Every `step`-th chunk's 10 nearest chunks are the same in both indexes."""
    for cid in sorted(a.storage.catalog.chunk_docs())[::step]:
        assert dense_ids(a, seg_vector(a, cid), k=10) == dense_ids(b, seg_vector(b, cid), k=10), cid


def test_add_change_remove_leave_chroma_alone_and_searches_see_the_catalog(deferring, tmp_path):
    folder = copy_docs(SMALL, tmp_path / "docs")
    index = tmp_path / "index"
    a = build(folder, index)  # (an empty index: this first writer writes Chroma)
    before = chroma(a)
    assert a.storage.catalog.vectors_behind() == (set(), set())

    copy_docs([EXTRA], folder)
    text = (folder / CHANGED).read_text(encoding="utf-8")
    assert "consultatiebureau aangesloten" in text
    (folder / CHANGED).write_text(text.replace("consultatiebureau aangesloten", "zorgburgbureau aangesloten"),
                                  encoding="utf-8")
    (folder / REMOVED).unlink()
    report = Assistant(index, model=MODEL).ingest([folder], prune=True)
    assert len(report.ingested) == 2 and len(report.removed) == 1

    a = Assistant(index, model=MODEL)
    cat = a.storage.catalog
    extra_id, changed_id, removed_id = (cat.by_path()[str((folder / n).resolve())] if n != REMOVED else
                                        "2019-38-volledige-gebiedsdekking" for n in (EXTRA, CHANGED, REMOVED))
    behind, stale = cat.vectors_behind()
    assert behind == {extra_id, changed_id}
    assert stale == {c for c in before if c.split(":", 1)[0] in (changed_id, removed_id)}
    assert chroma(a) == before  # Chroma untouched
    assert a.stats()["chroma_behind"] == len(stale) + len(cat.chunk_ids(extra_id)) + len(cat.chunk_ids(changed_id))

    # The new document's chunks are found (from its segment), the removed one's are not; the
    # changed one is found with its new vectors, once.
    for cid in cat.chunk_ids(extra_id) + cat.chunk_ids(changed_id):
        got = dense_ids(a, seg_vector(a, cid), k=3)
        assert got[0] == cid, (cid, got)
    everything = dense_ids(a, seg_vector(a, cat.chunk_ids(extra_id)[0]), k=10 ** 4)
    assert len(everything) == len(set(everything)) == cat.chunk_count()
    assert not any(c.startswith(removed_id + ":") for c in everything)
    only = dense_ids(a, seg_vector(a, cat.chunk_ids(changed_id)[0]), k=50, doc_ids=[changed_id, extra_id])
    assert set(only) == set(cat.chunk_ids(changed_id) + cat.chunk_ids(extra_id))
    # Keyword search, the draft's question vectors and pq doctor see the same index.
    hits = a.search("zorgburgbureau", top_k=3)
    assert hits and hits[0].doc_id == changed_id
    questions = {m["doc_id"] for m, _v in a.section_vectors("question")}
    assert extra_id in questions and removed_id not in questions
    assert a.check() == []


def test_the_writer_that_finds_enough_behind_brings_chroma_up_to_date(deferring, monkeypatch, tmp_path):
    folder, index = with_one_behind(tmp_path, remove=True)
    assert Assistant(index, model=MODEL).storage.catalog.vectors_behind() != (set(), set())

    monkeypatch.setattr(writer, "SYNC_CHUNKS", 1)
    notes: list[str] = []
    behind = Assistant(index, model=MODEL).storage.catalog.vectors_behind()
    report = Assistant(index, model=MODEL, on_notice=notes.append).ingest([folder])  # nothing changed: the sync
    assert report.ingested == [] and report.removed == []
    n = len(Assistant(index, model=MODEL).storage.catalog.chunk_ids(EXTRA[:-4]))
    assert notes == [f"Chroma bijwerken: {n} chunks van 1 document erbij, {len(behind[1])} chunks eruit "
                     f"(de index schreef ze eerst alleen in vectors/)"]
    a = Assistant(index, model=MODEL)
    assert a.storage.catalog.vectors_behind() == (set(), set()) and a.stats()["chroma_behind"] == 0

    clean = build(folder, tmp_path / "clean")  # the same files, never deferred
    got, want = chroma(a), chroma(clean)
    assert got.keys() == want.keys() and got == want
    # The same neighbours through Chroma (the lay data differs: this index kept the one of its
    # first six documents, as a large index does after a small change).
    assert_same_neighbours(a, clean, 7)
    assert a.check() == []


def test_a_smaller_index_or_a_rebuild_that_reads_chroma_syncs_first(deferring, monkeypatch, tmp_path):
    folder, index = with_one_behind(tmp_path, remove=False)
    a = Assistant(index, model=MODEL)
    assert a.storage.catalog.vectors_behind()[0]
    # The BM25 index is rebuilt from Chroma's chunks: the chunks behind must be there first.
    assert a.rebuild_lexical() == a.storage.catalog.chunk_count()
    a = Assistant(index, model=MODEL)
    assert a.storage.catalog.vectors_behind() == (set(), set())
    assert set(chroma(a)) == set(a.storage.catalog.chunk_docs())
    # A writer that would not defer (the index below the threshold) syncs before it writes.
    (folder / EXTRA).write_text((folder / EXTRA).read_text(encoding="utf-8") + "\nEen extra zin.\n", encoding="utf-8")
    Assistant(index, model=MODEL).ingest([folder])
    assert Assistant(index, model=MODEL).storage.catalog.vectors_behind()[0]
    monkeypatch.setattr(writer, "DEFER_MIN_CHUNKS", 10 ** 9)
    Assistant(index, model=MODEL).ingest([folder])
    a = Assistant(index, model=MODEL)
    assert a.storage.catalog.vectors_behind() == (set(), set())
    assert set(chroma(a)) == set(a.storage.catalog.chunk_docs())
    assert a.check() == []


# `pq ingest` as the console script runs it, with the threshold lowered; prints whether chromadb
# was imported, or SIGKILLs itself at a step of the write.
RUN = r"""
import os, signal, sys
from pq_assistant.storage import writer

writer.DEFER_MIN_CHUNKS, writer.SYNC_CHUNKS, writer.LAY_REBUILD_SMALL, writer.LAY_REBUILD_MIN = 1, 10 ** 9, 0, 10 ** 9
kill, sys.argv = sys.argv[1], ["pq", *sys.argv[2:]]
if kill:
    writer._reached = lambda step: os.kill(os.getpid(), signal.SIGKILL) if step == kill else None
from pq_assistant.cli import main
try:
    main()
finally:
    sys.stderr.write("chromadb imported: %s\n" % ("chromadb" in sys.modules))
"""


def run(kill: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PQ_INDEX": "", "PQ_MODEL": ""}
    return subprocess.run([sys.executable, "-c", RUN, kill, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=180)


@pytest.mark.slow  # processes, SIGKILLed
def test_one_document_ingest_does_not_open_chroma_and_a_kill_loses_nothing(tmp_path):
    folder = copy_docs(SMALL, tmp_path / "docs")
    index = tmp_path / "index"
    build(folder, index)
    one = copy_docs([EXTRA], tmp_path / "one")
    res = run("", "ingest", str(one), "--index", str(index), "--model", MODEL)
    assert res.returncode == 0, res.stderr
    assert res.stderr.splitlines()[-1] == "chromadb imported: False"

    # Killed with the change half-written (segment written, catalog not yet): the next ingest
    # brings it back; with the removal written but Chroma not told: nothing of it is found.
    text = (folder / CHANGED).read_text(encoding="utf-8")
    (folder / CHANGED).write_text(text.replace("consultatiebureau aangesloten", "zorgburgbureau aangesloten"),
                                  encoding="utf-8")
    res = run("chunks-added", "ingest", str(folder), "--index", str(index), "--model", MODEL)
    assert res.returncode == -signal.SIGKILL, res.stderr
    res = run("before-lexical", "ingest", str(folder), "--index", str(index), "--model", MODEL)
    assert res.returncode == -signal.SIGKILL, res.stderr
    res = run("", "ingest", str(folder), "--index", str(index), "--model", MODEL)
    assert res.returncode == 0, res.stderr
    a = Assistant(index, model=MODEL)
    assert a.check() == []
    hits = a.search("zorgburgbureau", top_k=3)
    assert hits and hits[0].doc_id == "2018-503-regionale-spreiding"
    copy_docs([EXTRA], folder)
    clean = build(folder, tmp_path / "clean")
    a = Assistant(index, model=MODEL)
    assert set(a.storage.catalog.chunk_docs()) == set(clean.storage.catalog.chunk_docs())
    assert_same_neighbours(a, clean, 5)


def test_a_reader_reopens_chroma_only_after_a_change_of_chroma(deferring, monkeypatch, tmp_path):
    """A long-running reader (pq serve) keeps its Chroma client, and its HNSW index, across a
    change that left Chroma alone, and still sees the change; after the sync it reopens."""
    folder = copy_docs(SMALL, tmp_path / "docs")
    index = tmp_path / "index"
    build(folder, index)
    r = Assistant(index, model=MODEL)
    r.refresh()
    assert r.search("Huizen van het Kind", top_k=3)
    col = r.storage.vectors._col
    assert col is not None
    copy_docs([EXTRA], folder)
    Assistant(index, model=MODEL).ingest([folder])  # another writer; Chroma left alone
    assert r.refresh() and r.storage.vectors._col is col
    new = r.storage.catalog.chunk_ids(EXTRA[:-4])
    assert new and dense_ids(r, seg_vector(r, new[0]), k=1) == [new[0]]
    monkeypatch.setattr(writer, "SYNC_CHUNKS", 1)
    Assistant(index, model=MODEL).ingest([folder])  # the sync writes Chroma
    assert r.refresh() and r.storage.vectors._col is None
    assert dense_ids(r, seg_vector(r, new[0]), k=1) == [new[0]]


def test_a_reader_reopens_chroma_after_an_ordinary_write_and_keeps_it_otherwise(tmp_path):
    folder = copy_docs(SMALL[:3], tmp_path / "docs")
    index = tmp_path / "index"
    build(folder, index)
    r = Assistant(index, model=MODEL)
    r.refresh()
    r.search("Huizen van het Kind", top_k=3)
    col = r.storage.vectors._col
    gen = r.storage.catalog.vectors_generation
    assert col is not None and gen
    Assistant(index, model=MODEL).rebuild_ledger()  # a catalog transaction, Chroma untouched
    assert r.refresh() and r.storage.vectors._col is col and r.storage.catalog.vectors_generation == gen
    copy_docs(SMALL[3:4], folder)
    Assistant(index, model=MODEL).ingest([folder])  # a small index: Chroma written at once
    assert r.refresh() and r.storage.vectors._col is None and r.storage.catalog.vectors_generation > gen
