"""Tests for pq_assistant.bulk: the batched build gives the index that Assistant.ingest gives."""
from __future__ import annotations

import json
from pathlib import Path

from pq_assistant import Assistant
from pq_assistant.bulk import bulk_ingest
from pq_assistant.loaders import iter_files, load

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
QUERIES = ROOT / "tests" / "data" / "dev-eval" / "queries.jsonl"


def docs_without_time(m: dict) -> dict:
    return {did: {k: v for k, v in d.items() if k != "ingested"} for did, d in m["docs"].items()}


def test_bulk_equals_ingest(tmp_path):
    a = Assistant(tmp_path / "one", model="hash:256")
    a.ingest([CORPUS])
    b = Assistant(tmp_path / "bulk", model="hash:256")
    rep = bulk_ingest(b, (load(p) for p in iter_files([CORPUS])), batch_chunks=70)  # several batches
    assert not rep.failed and len(rep.ingested) == len(a.store.manifest()["docs"])
    assert rep.chunks == a.stats()["chunks"] == b.stats()["chunks"] == b.store.count()
    mb = b.store.manifest()
    assert docs_without_time(a.store.manifest()) == docs_without_time(mb)
    assert mb["model"] == "hash:256" and not mb.get("pending_bulk") and not mb.get("lexical_stale")
    for did in mb["docs"]:
        assert a.store.load_doc_record(did) == b.store.load_doc_record(did)
    assert a.lexical.ids == b.lexical.ids
    queries = [json.loads(line)["query"] for line in QUERIES.read_text(encoding="utf-8").splitlines()]
    ra, rb = a.search_many(queries, top_k=10), b.search_many(queries, top_k=10)
    # nearly the same passages: HNSW is approximate and depends on insertion order (near-ties swap)
    same = sum(len({p.chunk_id for p in x} & {p.chunk_id for p in y}) for x, y in zip(ra, rb))
    assert same >= 0.95 * sum(len(x) for x in ra)
    assert sum(x[0].chunk_id == y[0].chunk_id for x, y in zip(ra, rb)) >= len(queries) - 2

    # again: nothing new; a normal ingest afterwards finds every file unchanged
    again = bulk_ingest(b, (load(p) for p in iter_files([CORPUS])))
    assert again.ingested == [] and len(again.unchanged) == len(rep.ingested)
    assert b.ingest([CORPUS]).ingested == []


def test_bulk_recovers_a_cut_off_batch(tmp_path):
    files = sorted(iter_files([CORPUS]))[:4]
    b = Assistant(tmp_path / "bulk", model="hash:256")
    bulk_ingest(b, (load(p) for p in files[:2]))
    # a batch cut off after its chunks were written: chunks in Chroma, pending_bulk in the manifest
    cut = Assistant(tmp_path / "cut-src", model="hash:256")
    bulk_ingest(cut, [load(files[2])])
    did = next(iter(cut.store.manifest()["docs"]))
    rec = cut.store.load_doc_record(did)
    got = cut.store.get_chunks(rec["chunk_ids"])
    b.store.add_chunks(list(got), [[0.0] * 255 + [1.0]] * len(got), [c["text"] for c in got.values()],
                       [c["metadata"] for c in got.values()])
    m = b.store.manifest(reload=True)
    m["pending_bulk"] = [did]
    b.store.save_manifest()
    assert b.store.count() == b.stats()["chunks"] + len(got)

    rep = bulk_ingest(Assistant(tmp_path / "bulk"), (load(p) for p in files))
    b2 = Assistant(tmp_path / "bulk")
    assert len(rep.ingested) == 2 and len(rep.unchanged) == 2
    assert b2.store.count() == b2.stats()["chunks"] == len(b2.lexical.ids)
    assert not b2.store.manifest().get("pending_bulk")
    assert set(b2.store.manifest()["docs"]) >= {did}
