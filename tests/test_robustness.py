"""Robust ingest (issue 5): every bad file named, nothing lost, one writer at a time, no silent model
mix-ups, and `pq doctor` finding (and fixing) an index whose parts disagree.

Real Chroma in tmp_path; the fake "hash:256" embedder keeps it fast (plumbing, not quality)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT, copy_docs, ledger_rows, pdf_bytes
from typer.testing import CliRunner

from pq_assistant import Assistant
from pq_assistant.cli import app
from pq_assistant.errors import IndexError_, ModelMismatch

MODEL = "hash:256"
GOOD_CORPUS = ["2018-503-regionale-spreiding.txt", "2014-86-stand-van-zaken-erkenningen.txt",
               "2015-312-spreiding-over-de-provincies.pdf"]
SUPPORTED = "(wel: .txt, .pdf, .docx, .html, .htm, .xlsx, .xlsm)"


def check_index(a):
    return a.check()


def sql(index: Path, statement: str, *args) -> list:
    """Run one statement on an index's catalog (to damage it the way a bug or a crash could)."""
    import sqlite3

    db = sqlite3.connect(index / "catalog.sqlite", isolation_level=None)
    try:
        return db.execute(statement, args).fetchall()
    finally:
        db.close()


def chroma_ids(a) -> list[str]:
    return [cid for cid, _t, _m in a.storage.vectors.scan(texts=False)]


def pq(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real command line: `python -m pq_assistant ...` (main(), exit codes and all)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PQ_INDEX": "", "PQ_MODEL": ""}
    return subprocess.run([sys.executable, "-m", "pq_assistant", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def docx_file(path: Path, paragraphs: list[str]) -> None:
    import docx

    d = docx.Document()
    for text in paragraphs:
        d.add_paragraph(text)
    d.save(str(path))


# The bad files and the reason each one gets (loaders.py); the truncated PDF's reason carries
# pypdf's own words after "beschadigde PDF (".
BAD = {
    "empty.txt": "leeg bestand",
    "blank.txt": "geen tekst (alleen witruimte)",
    "zero.pdf": "leeg bestand",
    "truncated.pdf": "beschadigde PDF (",
    "page-saved-as.pdf": "geen PDF (een HTML-pagina bewaard als .pdf)",
    "binary.txt": "binair bestand, geen tekst",
    "secret.pdf": "versleutelde PDF (wachtwoord nodig)",
    "scan.pdf": "geen tekstlaag (gescand?)",
    "old.doc": f"bestandstype '.doc' wordt niet gelezen {SUPPORTED}",
}
GOOD_EXTRA = ["cp1252.txt", "utf16.txt", "crlf.txt", "wachtlijst.docx", "page.html"]  # a saved web page is read


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    """Good documents (corpus .txt/.pdf, cp1252, UTF-16, CRLF, .docx) next to every kind of bad file."""
    d = copy_docs(GOOD_CORPUS, tmp_path / "inbox")
    pdf = (CORPUS / "2015-312-spreiding-over-de-provincies.pdf").read_bytes()
    (d / "empty.txt").write_bytes(b"")
    (d / "blank.txt").write_bytes(b"  \n\t\n \r\n")
    (d / "zero.pdf").write_bytes(b"")
    (d / "truncated.pdf").write_bytes(pdf[: len(pdf) // 2])
    (d / "page-saved-as.pdf").write_bytes(
        b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n")
    (d / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" + bytes(range(256)))
    (d / "secret.pdf").write_bytes(pdf_bytes(["Geheim"], user_password="geheim", owner_password="eigenaar"))
    (d / "scan.pdf").write_bytes(pdf_bytes(blank_pages=2))
    (d / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200)
    (d / "page.html").write_bytes(b"<html><body><p>Huizen van het Kind</p></body></html>")
    (d / "cp1252.txt").write_bytes(
        "Gezin  -  Coördinatie\n\nDe coördinatie van de Huizen van het Kind kost € 450.000 per jaar.\n".encode("cp1252"))
    (d / "utf16.txt").write_bytes(
        "\ufeffKinderopvang  -  Capaciteit\n\nEr kwamen 5.000 plaatsen bij in Gent en Oostende.\n".encode("utf-16-le"))
    (d / "crlf.txt").write_bytes(b"Kraamzorg  -  Bereik\r\n\r\nDe kraamzorg bereikte 12.000 gezinnen\r\nin Limburg.\r\n")
    docx_file(d / "wachtlijst.docx", ["Jeugdhulp  -  Wachtlijsten", "Er wachten 3.500 jongeren op jeugdhulp in Antwerpen."])
    return d


def _pq_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("pq: ")]


def _summary(stderr: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r"(ingelezen|ongewijzigd|mislukt|passages toegevoegd)\s*\S\s*(\d+)", stderr)}


def test_bad_files_named_good_files_ingested_exit_1(messy: Path, tmp_path: Path) -> None:
    index = tmp_path / "index"
    res = pq("ingest", str(messy), "--index", str(index), "--model", MODEL)
    assert res.returncode == 1, res.stderr
    assert res.stdout == ""
    # Each bad file: exactly one line "pq: <path>: <reason>", in the order of the walk (sorted).
    lines = _pq_lines(res.stderr)
    assert len(lines) == len(BAD), res.stderr
    for line, name in zip(lines, sorted(BAD)):
        prefix = f"pq: {messy / name}: {BAD[name]}"
        assert line == prefix if not BAD[name].endswith("(") else (line.startswith(prefix) and line.endswith(")")), line
    assert _summary(res.stderr) == {"ingelezen": 8, "ongewijzigd": 0, "mislukt": 9, "passages toegevoegd": _summary(res.stderr)["passages toegevoegd"]}

    a = Assistant(index, model=MODEL)
    docs = {d["file"]: d for d in a.documents()}
    assert set(docs) == set(GOOD_CORPUS) | set(GOOD_EXTRA)
    assert docs["2018-503-regionale-spreiding.txt"]["number"] == "503"
    assert a.storage.vectors.count() == sum(d["chunks"] for d in docs.values()) == len(a.lexical.ids)
    assert check_index(a) == []
    # cp1252 is decoded (and found by its accented word); UTF-16 and CRLF read as text.
    hits = a.search("coördinatie", top_k=3)
    assert hits[0].doc == "cp1252.txt" and "De coördinatie van de Huizen van het Kind kost € 450.000" in hits[0].text
    texts = {cid: t for cid, t, _ in a.storage.vectors.scan()}
    assert any("Er kwamen 5.000 plaatsen bij in Gent en Oostende." in t for cid, t in texts.items() if cid.startswith("utf16:"))
    assert any("De kraamzorg bereikte 12.000 gezinnen in Limburg." in t for cid, t in texts.items() if cid.startswith("crlf:"))
    assert any("Er wachten 3.500 jongeren op jeugdhulp in Antwerpen." in t for cid, t in texts.items()
               if cid.startswith("wachtlijst:"))
    assert not any("\r" in t or "\x00" in t for t in texts.values())

    # A second run: the same failures, nothing already ingested touched.
    before = (chroma_ids(a), a.storage.catalog.documents())
    res2 = CliRunner().invoke(app, ["ingest", str(messy), "--index", str(index), "--model", MODEL])
    assert res2.exit_code == 1
    assert _pq_lines(res2.stderr) == lines
    assert _summary(res2.stderr) == {"ingelezen": 0, "ongewijzigd": 8, "mislukt": 9, "passages toegevoegd": 0}
    a2 = Assistant(index, model=MODEL)
    assert (chroma_ids(a2), a2.storage.catalog.documents()) == before
    assert check_index(a2) == []


def test_bad_file_named_explicitly_and_missing_path(tmp_path: Path) -> None:
    good = tmp_path / "a.txt"
    shutil.copy(CORPUS / "2018-503-regionale-spreiding.txt", good)
    (tmp_path / "b.pdf").write_bytes(b"")
    res = CliRunner().invoke(app, ["ingest", str(good), str(tmp_path / "b.pdf"), str(tmp_path / "nope.txt"),
                                   "--index", str(tmp_path / "index"), "--model", MODEL, "--json"])
    assert res.exit_code == 1
    # Paths that do not exist are named while the files are listed, before any file is read.
    assert _pq_lines(res.stderr) == [f"pq: {tmp_path / 'nope.txt'}: bestaat niet",
                                    f"pq: {tmp_path / 'b.pdf'}: leeg bestand"]
    report = json.loads(res.stdout)
    assert report["ingested"] == [str(good)]
    assert report["failed"] == [{"path": str(tmp_path / "nope.txt"), "reason": "bestaat niet"},
                                {"path": str(tmp_path / "b.pdf"), "reason": "leeg bestand"}]


# --------------------------------------------------------------------------- one writer at a time


@pytest.fixture
def small_index(tmp_path: Path) -> Path:
    folder = copy_docs(GOOD_CORPUS, tmp_path / "small")
    index = tmp_path / "index"
    report = Assistant(index, model=MODEL).ingest([folder])
    assert len(report.ingested) == 3 and not report.failed
    return index


def test_no_wait_fails_clearly_while_another_writer_holds_the_lock(small_index: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.txt"
    shutil.copy(CORPUS / "2024-301-kraamzorg.txt", extra)
    holder = Assistant(small_index)
    with holder.storage.layout.write_lock():
        res = CliRunner().invoke(app, ["ingest", str(extra), "--index", str(small_index), "--no-wait"])
    assert res.exit_code == 1
    assert res.stderr == (f"pq: fout: index {small_index} is vergrendeld door een ander pq-proces dat erin schrijft "
                          f"(slotbestand {small_index / '.lock'}); probeer opnieuw als het klaar is, "
                          f"of laat --no-wait weg om erop te wachten\n")
    assert len(Assistant(small_index).documents()) == 3
    # Once the lock is free the same command goes through.
    res = CliRunner().invoke(app, ["ingest", str(extra), "--index", str(small_index), "--no-wait"])
    assert res.exit_code == 0, res.output
    assert len(Assistant(small_index).documents()) == 4


def test_second_ingest_waits_with_a_message(small_index: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.txt"
    shutil.copy(CORPUS / "2024-301-kraamzorg.txt", extra)
    holder = Assistant(small_index)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PQ_INDEX": "", "PQ_MODEL": ""}
    with holder.storage.layout.write_lock():
        proc = subprocess.Popen([sys.executable, "-m", "pq_assistant", "ingest", str(extra), "--index", str(small_index)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        first = []
        reader = threading.Thread(target=lambda: first.append(proc.stderr.readline()), daemon=True)
        reader.start()
        reader.join(60)
        assert first == [f"pq: wacht tot een andere ingest klaar is met {small_index} ...\n"]
        time.sleep(0.3)
        assert proc.poll() is None  # still waiting: nothing written while the lock is held
        assert len(Assistant(small_index).documents()) == 3
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert len(Assistant(small_index).documents()) == 4


def test_on_wait_is_called_in_the_library(small_index: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.txt"
    shutil.copy(CORPUS / "2024-301-kraamzorg.txt", extra)
    waited = threading.Event()
    result = {}
    with Assistant(small_index).storage.layout.write_lock():
        t = threading.Thread(target=lambda: result.update(
            r=Assistant(small_index).ingest([extra], on_wait=waited.set)), daemon=True)
        t.start()
        assert waited.wait(30)
        assert "r" not in result
    t.join(60)
    assert result["r"].ingested == [str(extra)]


# `pq ingest` that stays a moment with each document half-written (chunks in Chroma, not yet in
# the catalog), so that questions surely come in then.
SLOW_INGEST = r"""
import sys, time
from pq_assistant import indexing
from pq_assistant.storage import writer

indexing.INGEST_BATCH_CHUNKS = 1  # every document written on its own: 8 half-written moments

def slow(step):
    if step == "chunks-added":
        time.sleep(0.25)
writer._reached = slow
sys.argv = ["pq", *sys.argv[1:]]
from pq_assistant.cli import main
main()
"""


@pytest.mark.slow  # processes, signals or a browser: the slow tier
def test_ask_during_an_ingest_answers_from_a_consistent_state(small_index: Path, tmp_path: Path) -> None:
    """While another process ingests 8 documents, questions are answered (never an error), also
    while a document is half-written, and every passage belongs to a document the catalog lists."""
    big = tmp_path / "big"
    big.mkdir()
    n = 8
    for f in sorted(f for f in CORPUS.iterdir() if f.suffix in (".txt", ".pdf"))[:n]:
        shutil.copy(f, big / f"c-{f.name}")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PQ_INDEX": "", "PQ_MODEL": ""}
    proc = subprocess.Popen([sys.executable, "-c", SLOW_INGEST, "ingest", str(big), "--index", str(small_index)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    answered = half_written = 0
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            running = proc.poll() is None
            a = Assistant(small_index)
            pending = a.storage.catalog.pending()
            ans = a.ask("Hoeveel Huizen van het Kind zijn er erkend?", top_k=5)
            assert ans.passages
            listed = set(a.storage.catalog.doc_ids())
            assert all(p.doc_id in listed for p in ans.passages), [p.doc_id for p in ans.passages]
            half_written += bool(pending)
            if answered % 3 == 0:  # the command line too
                res = CliRunner().invoke(app, ["ask", "kraamzorg", "--index", str(small_index), "--json"])
                assert res.exit_code == 0, res.output
                assert json.loads(res.stdout)["results"]
            answered += 1
            if not running:
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        err = proc.communicate()[1]
    assert proc.returncode == 0, err
    assert half_written >= 2, f"no question came while a document was half-written ({answered} asked)"
    assert len(Assistant(small_index).documents()) == 3 + n


def test_search_skips_chunks_of_a_document_being_written(small_index: Path) -> None:
    """Chunks of a document that an ingest is writing (pending, not yet in the catalog) are not
    answered from, even when they match best."""
    a = Assistant(small_index)
    query = "kraamzorg bereik gezinnen"
    vec = a.embedder.embed_queries([query])[0]
    a.storage.catalog.begin(["new"])
    a.storage.vectors.add(["new:answer:0"], [vec], [query], [{"doc_id": "new", "doc": "new.txt"}])
    assert a.storage.vectors.query(vec, 1) == [("new:answer:0", pytest.approx(1.0))]  # the best match in Chroma
    passages = Assistant(small_index).search(query, top_k=5)
    assert passages and all(p.doc_id != "new" for p in passages)


# --------------------------------------------------------------------------- model and schema


def test_catalog_records_schema_model_and_dimension(small_index: Path) -> None:
    st = Assistant(small_index).storage.catalog.state()
    assert (st.schema, st.model, st.dim, st.lexical_stale, st.ledger_stale) == (2, MODEL, 256, False, False)
    assert Assistant(small_index).storage.catalog.pending() == []


def test_another_model_is_refused_with_the_fix(small_index: Path, tmp_path: Path) -> None:
    msg = (f"pq: fout: index {small_index} is gemaakt met model 'hash:256', niet 'hash:128'; vraag zonder --model, "
           f"of bouw opnieuw: pq ingest --rebuild <bestanden> --index {small_index} --model hash:128\n")
    res = CliRunner().invoke(app, ["ask", "kraamzorg", "--index", str(small_index), "--model", "hash:128"])
    assert (res.exit_code, res.stderr) == (1, msg)
    extra = tmp_path / "extra.txt"
    shutil.copy(CORPUS / "2024-301-kraamzorg.txt", extra)
    res = CliRunner().invoke(app, ["ingest", str(extra), "--index", str(small_index), "--model", "hash:128"])
    assert (res.exit_code, res.stderr) == (1, msg)
    a = Assistant(small_index)
    assert len(a.documents()) == 3 and a.stats()["model"] == MODEL
    # The real entry point says the same, with exit code 1.
    res = pq("ask", "kraamzorg", "--index", str(small_index), "--model", "hash:128")
    assert (res.returncode, res.stderr) == (1, msg)
    # The fix the message gives works.
    res = CliRunner().invoke(app, ["ingest", "--rebuild", str(extra), "--index", str(small_index), "--model", "hash:128"])
    assert res.exit_code == 0, res.output
    cat = Assistant(small_index).storage.catalog
    assert (cat.model, cat.dim, cat.doc_ids()) == ("hash:128", 128, ["extra"])
    assert check_index(Assistant(small_index)) == []


def test_dimension_mismatch_is_refused(small_index: Path) -> None:
    sql(small_index, "UPDATE meta SET value = '128' WHERE key = 'dim'")
    with pytest.raises(ModelMismatch) as info:
        Assistant(small_index).search("kraamzorg")
    assert str(info.value) == (f"index {small_index} bevat 128-d vectoren, het model geeft 256-d; "
                               f"bouw opnieuw: pq ingest --rebuild <bestanden> --index {small_index}")


@pytest.mark.parametrize("manifest, what", [
    ('{"schema": 99, "docs": {}}', "indexschema 99 is onbekend (deze pq leest schema 1 en 2)"),
    ('{"schema": 1}', "geen pq-manifest (deze pq leest schema 1 en 2)"),
    ('[1, 2]', "geen pq-manifest (deze pq leest schema 1 en 2)"),
    ('{"schema": 1, "docs"', "onleesbaar manifest (Expecting ':' delimiter)"),
])
def test_unknown_or_broken_old_manifest_is_a_clear_error(tmp_path: Path, manifest: str, what: str) -> None:
    """An index of the old layout (manifest.json, no catalog) that cannot be migrated."""
    index = tmp_path / "index"
    index.mkdir()
    (index / "manifest.json").write_text(manifest)
    msg = f"{index / 'manifest.json'}: {what}; bouw opnieuw met: pq ingest --rebuild <bestanden> --index {index}"
    res = CliRunner().invoke(app, ["docs", "--index", str(index)])
    assert (res.exit_code, res.stderr) == (1, f"pq: fout: {msg}\n")
    with pytest.raises(IndexError_):
        Assistant(index).search("kraamzorg")
    res = CliRunner().invoke(app, ["doctor", "--index", str(index), "--json"])
    assert res.exit_code == 1
    assert [p["message"] for p in json.loads(res.stdout)["problems"]] == [msg]


@pytest.mark.parametrize("damage, what", [
    (lambda p: [f.unlink() for f in p.parent.glob("catalog.sqlite*")] and p.write_bytes(b"not a database" * 200),
     "onleesbare catalogus"),
    (lambda p: sql(p.parent, "UPDATE meta SET value = '99' WHERE key = 'schema'"), "indexschema 99 is onbekend"),
])
def test_unknown_or_broken_catalog_is_a_clear_error(small_index: Path, damage, what: str) -> None:
    damage(small_index / "catalog.sqlite")
    res = CliRunner().invoke(app, ["docs", "--index", str(small_index)])
    assert res.exit_code == 1
    assert res.stderr.startswith(f"pq: fout: {small_index / 'catalog.sqlite'}: {what}")
    assert res.stderr.endswith(f"; bouw opnieuw met: pq ingest --rebuild <bestanden> --index {small_index}\n")
    with pytest.raises(IndexError_):
        Assistant(small_index).search("kraamzorg")
    res = CliRunner().invoke(app, ["doctor", "--index", str(small_index), "--json"])
    assert res.exit_code == 1
    assert [p["code"] for p in json.loads(res.stdout)["problems"]] == ["catalog"]


# --------------------------------------------------------------------------- pq doctor


def _state(index: Path) -> dict:
    a = Assistant(index)
    got = list(a.storage.vectors.scan())
    cat = a.storage.catalog
    return {"docs": cat.doc_ids(), "chunks": sorted(cid for cid, _t, _m in got), "texts": {c: t for c, t, _m in got},
            "lexical": sorted(a.lexical.ids), "records": sorted(d for d in cat.doc_ids() if cat.record(d) is not None)}


def test_doctor_on_a_sound_index(small_index: Path) -> None:
    res = CliRunner().invoke(app, ["doctor", "--index", str(small_index)])
    n = Assistant(small_index).storage.vectors.count()
    assert (res.exit_code, res.stdout) == (0, f"ok: index {small_index} klopt (3 documenten, {n} chunks)\n")
    res = CliRunner().invoke(app, ["doctor", "--index", str(small_index), "--json"])
    assert json.loads(res.stdout) == {"index": str(small_index), "ok": True, "fixed": [], "problems": []}


def test_doctor_names_what_is_broken_and_fix_repairs_it(small_index: Path) -> None:
    clean = _state(small_index)
    a = Assistant(small_index)
    vectors = a.storage.vectors
    # 1. a document record lost
    sql(small_index, "UPDATE documents SET record = NULL WHERE doc_id = ?", "2014-86-stand-van-zaken-erkenningen")
    # 2. an orphan chunk of a document the catalog does not know, and orphan catalog rows
    vectors.add(["ghost:answer:0"], [[0.1] * 256], ["boe"], [{"doc_id": "ghost"}])
    sql(small_index, "INSERT INTO chunks(chunk_id, doc_id, seq) VALUES ('ghost:answer:0', 'ghost', 0)")
    # 3. a chunk missing from one document, an extra one in another
    pdf_ids = [c for c in clean["chunks"] if c.startswith("2015-312-")]
    vectors.delete_ids([pdf_ids[-1]])
    vectors.add(["2018-503-regionale-spreiding:answer:99"], [[0.2] * 256], ["extra"],
                [{"doc_id": "2018-503-regionale-spreiding"}])
    # 4. the lexical index out of sync
    seg_file = small_index / "lexical" / "segments.json"
    segs = json.loads(seg_file.read_text())
    segs["segments"][0]["deleted"] = [0, 1]
    seg_file.write_text(json.dumps(segs))
    # 5. a temporary file of an interrupted write
    (small_index / ".figures.jsonabc.tmp").write_text("{")

    res = CliRunner().invoke(app, ["doctor", "--index", str(small_index), "--json"])
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["ok"] is False
    got = sorted((p["code"], p["doc_id"]) for p in out["problems"])
    assert got == sorted([
        ("missing-record", "2014-86-stand-van-zaken-erkenningen"),
        ("orphan-chunks", "ghost"), ("orphan-record", "ghost"),
        ("missing-chunks", "2015-312-spreiding-over-de-provincies"),
        ("extra-chunks", "2018-503-regionale-spreiding"),
        ("lexical", ""), ("temp-file", ""),
    ])
    assert all(p["fixable"] and p["fix"].startswith(f"pq doctor --fix --index {small_index}") for p in out["problems"])
    text = CliRunner().invoke(app, ["doctor", "--index", str(small_index)])
    assert text.exit_code == 1
    assert (f"fout: het record van document "
            f"2014-86-stand-van-zaken-erkenningen ontbreekt in de catalogus\n    herstel: pq doctor --fix --index {small_index} "
            f"(leest {(small_index.parent / 'small' / '2014-86-stand-van-zaken-erkenningen.txt')} opnieuw in)\n") in text.stdout
    assert ("fout: 1 verweesde chunks in Chroma van document ghost, dat de catalogus niet kent "
            "(bv. ghost:answer:0)\n") in text.stdout
    assert "fout: lexicale index loopt niet gelijk met Chroma: " in text.stdout

    res = CliRunner().invoke(app, ["doctor", "--fix", "--index", str(small_index), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["ok"] is True and out["problems"] == []
    assert "1 verweesde chunks van ghost verwijderd" in out["fixed"]
    assert "verweesde catalogusrijen van ghost verwijderd" in out["fixed"]
    assert "1 overtollige chunks van 2018-503-regionale-spreiding verwijderd" in out["fixed"]
    assert _state(small_index) == clean
    assert check_index(Assistant(small_index)) == []


def test_doctor_fixes_an_unreadable_lexical_index(small_index: Path) -> None:
    clean = _state(small_index)
    for f in (small_index / "lexical").rglob("*.npy"):
        f.write_bytes(b"garbage")
    problems = check_index(Assistant(small_index))
    assert [(p.code, p.message.split(" (")[0]) for p in problems] == [("lexical", "lexicale index is onleesbaar")]
    res = CliRunner().invoke(app, ["doctor", "--fix", "--index", str(small_index)])
    assert res.exit_code == 0, res.output
    assert res.stderr.endswith(f"pq doctor: hersteld: lexicale index opnieuw opgebouwd ({len(clean['chunks'])} chunks)\n")
    assert _state(small_index) == clean
    assert Assistant(small_index).search("kraamzorg")


def test_doctor_fixes_a_document_left_pending(small_index: Path) -> None:
    """An ingest killed in the middle of updating a document: doctor names it, --fix restores it."""
    clean = _state(small_index)
    did = "2018-503-regionale-spreiding"
    a = Assistant(small_index)
    a.storage.catalog.begin([did])
    a.storage.vectors.delete_ids([c for c in clean["chunks"] if c.startswith(did)][:1])
    problems = check_index(Assistant(small_index))
    assert [(p.code, p.doc_id) for p in problems] == [("pending", did), ("lexical", ""), ("ledger", "")]
    assert problems[0].message == (f"document {did} ({small_index.parent / 'small' / (did + '.txt')}) "
                                   f"is half geschreven door een afgebroken ingest")
    res = CliRunner().invoke(app, ["doctor", "--fix", "--index", str(small_index)])
    assert res.exit_code == 0, res.output
    assert f"pq doctor: hersteld: half geschreven document {did} verwijderd\n" in res.stderr
    assert _state(small_index) == clean


def test_doctor_on_a_missing_index(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["doctor", "--index", str(tmp_path / "nothing")])
    assert res.exit_code == 1
    assert res.stdout == (f"fout: index {tmp_path / 'nothing'} bestaat niet\n"
                          f"    herstel: pq ingest <bestanden> --index {tmp_path / 'nothing'}\n")
    assert not (tmp_path / "nothing").exists()


def test_doctor_fixes_a_missing_or_damaged_figures_ledger(small_index: Path) -> None:
    want = sum(d["figures"] for d in Assistant(small_index).documents())
    assert want > 0
    ledger = ledger_rows(Assistant(small_index))
    sql(small_index, "DELETE FROM ledger")
    problems = check_index(Assistant(small_index))
    assert [(p.code, p.message) for p in problems] == [
        ("ledger", f"cijferregister ontbreekt ({want} cijfers in de documenten)")]
    res = CliRunner().invoke(app, ["doctor", "--fix", "--index", str(small_index)])
    assert res.exit_code == 0, res.output
    assert f"pq doctor: hersteld: cijferregister opnieuw opgebouwd ({want} cijfers)\n" in res.stderr
    assert ledger_rows(Assistant(small_index)) == ledger
    # a phrase vector lost (the figures that use it have no description vector)
    sql(small_index, "DELETE FROM ledger_phrases WHERE pid = (SELECT MIN(pid) FROM ledger_phrases)")
    problems = check_index(Assistant(small_index))
    assert [p.code for p in problems] == ["ledger"]
    assert problems[0].message.startswith("cijferregister is beschadigd: ") and "zonder beschrijvingsvector" in problems[0].message
    assert CliRunner().invoke(app, ["doctor", "--fix", "--index", str(small_index)]).exit_code == 0
    assert check_index(Assistant(small_index)) == []
    assert ledger_rows(Assistant(small_index)) == ledger


def test_doctor_does_not_drop_a_damaged_document_whose_file_is_gone(small_index: Path) -> None:
    folder = small_index.parent / "small"
    did = "2014-86-stand-van-zaken-erkenningen"
    sql(small_index, "UPDATE documents SET record = NULL WHERE doc_id = ?", did)
    (folder / f"{did}.txt").unlink()
    [p] = check_index(Assistant(small_index))
    assert (p.code, p.fixable) == ("missing-record", False)
    assert p.fix == (f"zet {folder / (did + '.txt')} terug en voer pq doctor --fix --index {small_index} uit, "
                     f"of laat het document vallen: pq ingest --prune <bestanden> --index {small_index}")
    res = CliRunner().invoke(app, ["doctor", "--fix", "--index", str(small_index)])
    assert res.exit_code == 1 and "ontbreekt" in res.stdout
    a = Assistant(small_index)
    assert did in {d["doc_id"] for d in a.documents()} and any(c.startswith(did) for c in a.lexical.ids)
    # the fix it names works
    res = CliRunner().invoke(app, ["ingest", "--prune", str(folder), "--index", str(small_index)])
    assert res.exit_code == 0, res.output
    assert check_index(Assistant(small_index)) == []
