"""Batch mode of the writer (`Assistant.ingest_loaded`): the batched build gives the index that
`Assistant.ingest` gives, and a batch cut off half-way is undone by the next writer."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pq_assistant import Assistant
from pq_assistant.loaders import iter_files, load

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUERIES = ROOT / "tests" / "data" / "dev-eval" / "queries.jsonl"


def docs_without_time(a: Assistant) -> dict:
    # (where a document's vectors sit in the vector segments depends on the batches: not compared)
    return {did: {k: v for k, v in r.to_dict().items() if k not in ("ingested", "vec_seg", "vec_row")}
            for did, r in a.storage.catalog.documents().items()}


@pytest.mark.slow  # processes, signals or a browser: the slow tier
def test_bulk_equals_ingest(tmp_path):
    a = Assistant(tmp_path / "one", model="hash:256")
    a.ingest([CORPUS])
    b = Assistant(tmp_path / "bulk", model="hash:256")
    rep = b.ingest_loaded((load(p) for p in iter_files([CORPUS])), batch_chunks=70)  # several batches
    assert not rep.failed and len(rep.ingested) == a.stats()["documents"]
    assert rep.chunks == a.stats()["chunks"] == b.stats()["chunks"] == b.storage.vectors.count()
    assert docs_without_time(a) == docs_without_time(b)
    st = b.storage.catalog.state()
    assert st.model == "hash:256" and not b.storage.catalog.pending() and not st.lexical_stale
    for did in b.storage.catalog.doc_ids():
        assert a.record(did) == b.record(did)
        assert a.chunk_ids(did) == b.chunk_ids(did)
        assert a.storage.catalog.figures(did) == b.storage.catalog.figures(did)
    assert a.lexical.ids == b.lexical.ids
    assert b.check() == []
    queries = [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines()]
    ra, rb = a.search_many(queries, top_k=10), b.search_many(queries, top_k=10)
    # nearly the same passages: HNSW is approximate and depends on insertion order (near-ties swap)
    same = sum(len({p.chunk_id for p in x} & {p.chunk_id for p in y}) for x, y in zip(ra, rb))
    assert same >= 0.95 * sum(len(x) for x in ra)
    assert sum(x[0].chunk_id == y[0].chunk_id for x, y in zip(ra, rb)) >= len(queries) - 2

    # again: nothing new; a normal ingest afterwards finds every file unchanged
    again = b.ingest_loaded(load(p) for p in iter_files([CORPUS]))
    assert again.ingested == [] and len(again.unchanged) == len(rep.ingested)
    assert b.ingest([CORPUS]).ingested == []


def test_bulk_recovers_a_cut_off_batch(tmp_path):
    """A batch cut off after its chunks were written (chunks in Chroma, the documents pending in
    the catalog): the next writer drops them, then the batch goes in whole."""
    files = sorted(iter_files([CORPUS]))[:4]
    b = Assistant(tmp_path / "bulk", model="hash:256")
    b.ingest_loaded(load(p) for p in files[:2])
    cut = Assistant(tmp_path / "cut-src", model="hash:256")
    cut.ingest_loaded([load(files[2])])
    did = cut.storage.catalog.doc_ids()[0]
    got = cut.chunks(cut.chunk_ids(did))
    b.storage.catalog.begin([did])
    b.storage.vectors.add(list(got), [[0.0] * 255 + [1.0]] * len(got), [c["text"] for c in got.values()],
                          [c["metadata"] for c in got.values()])
    assert b.storage.vectors.count() == b.stats()["chunks"] + len(got)
    assert {p.code for p in b.check()} >= {"pending"}

    rep = Assistant(tmp_path / "bulk").ingest_loaded(load(p) for p in files)
    b2 = Assistant(tmp_path / "bulk")
    assert len(rep.ingested) == 2 and len(rep.unchanged) == 2
    assert b2.storage.vectors.count() == b2.stats()["chunks"] == len(b2.lexical.ids)
    assert not b2.storage.catalog.pending()
    assert did in b2.storage.catalog.doc_ids()
    assert b2.check() == []
