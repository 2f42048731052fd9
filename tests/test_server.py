"""Against a real `chroma run` server (HttpClient): .ci/run starts one and sets PQ_TEST_CHROMA_URL;
without it the fixture starts its own on a free port (and skips if `chroma` is not installed)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pq_assistant import Assistant, Filters
from pq_assistant.cli import app

pytestmark = pytest.mark.slow  # a real `chroma run` server

MODEL = "hash:256"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _heartbeat(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/api/v2/heartbeat", timeout=1) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def chroma_url(tmp_path_factory):
    url = os.environ.get("PQ_TEST_CHROMA_URL")
    if url:
        assert _heartbeat(url), f"PQ_TEST_CHROMA_URL={url} does not answer"
        yield url
        return
    exe = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    if not Path(exe).exists():
        pytest.skip("the chroma server command is not installed")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen([exe, "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host",
                             "127.0.0.1", "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while not _heartbeat(url):
            assert proc.poll() is None and time.time() < deadline, "chroma run did not start"
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def collection(monkeypatch):
    """A collection of its own on the shared server for each test."""
    name = "pqtest_" + uuid.uuid4().hex[:12]
    monkeypatch.setenv("PQ_COLLECTION", name)
    return name


def test_ingest_ask_reingest_and_prune_on_a_server(chroma_url, collection, small_corpus, index_dir):
    r = CliRunner()
    res = r.invoke(app, ["ingest", str(small_corpus), "--index", str(index_dir), "--model", MODEL,
                         "--chroma-url", chroma_url, "--json"])
    assert res.exit_code == 0, res.output
    a = Assistant(index_dir, chroma_url=chroma_url, collection=collection)
    assert not (index_dir / "chroma").exists()  # the vectors live on the server
    assert a.storage.vectors.name == collection
    assert a.storage.vectors.count() == sum(d["chunks"] for d in a.documents()) == len(a.lexical.ids)
    # unchanged files: no work
    res = r.invoke(app, ["ingest", str(small_corpus), "--index", str(index_dir), "--model", MODEL,
                         "--chroma-url", chroma_url, "--json"])
    assert json.loads(res.stdout)["ingested"] == []
    # search with a filter and a number lookup, through the server
    hits = a.search("Huizen van het Kind", top_k=5, filters=Filters(minister="vandeurzen"))
    assert hits and {p.metadata["minister"] for p in hits} == {"Jo Vandeurzen"}
    assert a.search("vraag 214 van 2021", top_k=1)[0].doc == "2021-214-prenatale-ondersteuning.txt"
    (small_corpus / "2018-214-kleuterparticipatie.txt").unlink()
    res = r.invoke(app, ["ingest", str(small_corpus), "--index", str(index_dir), "--model", MODEL,
                         "--chroma-url", chroma_url, "--prune", "--json"])
    assert len(json.loads(res.stdout)["removed"]) == 1
    a = Assistant(index_dir, chroma_url=chroma_url, collection=collection)
    assert a.storage.vectors.where({"doc_id": "2018-214-kleuterparticipatie"}) == []
    assert set(a.lexical.ids) == {c for c, _t, _m in a.storage.vectors.scan(texts=False)}


def test_team_member_reindexes_from_the_server(chroma_url, collection, small_corpus, tmp_path):
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    Assistant(mine, model=MODEL, chroma_url=chroma_url, collection=collection).ingest([small_corpus])
    res = CliRunner().invoke(app, ["reindex", "--index", str(theirs), "--chroma-url", chroma_url, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    a, b = Assistant(mine, chroma_url=chroma_url, collection=collection), Assistant(theirs, chroma_url=chroma_url, collection=collection)
    assert out["documents"] == 6 and sorted(out["added"]) == sorted(d["doc_id"] for d in a.documents())
    assert b.stats()["model"] == MODEL
    assert sorted(b.lexical.ids) == sorted(a.lexical.ids)
    strip = lambda docs: sorted((d["doc_id"], d["number"], d["date"], d["minister"], d["chunks"], d["figures"]) for d in docs)
    assert strip(b.documents()) == strip(a.documents())
    assert len(b.all_figures()) == len(a.all_figures()) > 0
    q = "erkende Huizen van het Kind 153"
    assert [p.chunk_id for p in b.search(q, top_k=5)] == [p.chunk_id for p in a.search(q, top_k=5)]
