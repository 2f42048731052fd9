"""The installed console script, run as the user runs it (a subprocess of the `pq` that pip put
beside this Python): every user mistake is one line on stderr and exit 2, a failure of the work
exit 1, Ctrl-C exit 130 — never a traceback. CliRunner does not see what the installed Typer
(0.29 vendors its own click) raises, so these tests do not use it."""
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
from conftest import ROOT, copy_docs

from pq_assistant import Assistant

PQ = shutil.which("pq", path=str(Path(sys.executable).parent)) or shutil.which("pq")
pytestmark = pytest.mark.skipif(PQ is None, reason="the pq console script is not installed (pip install -e .)")
MODEL = "hash:128"


def env() -> dict:
    e = {k: v for k, v in os.environ.items() if not k.startswith("PQ_")}
    e["PYTHONPATH"] = str(ROOT)  # this checkout's code, whatever the install points at
    return e


def run(*args: str, cwd: Path | None = None, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([PQ, *args], capture_output=True, text=True, env=env(), cwd=cwd, input=stdin, timeout=120)


def one_line(res: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in res.stderr, res.stderr
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


@pytest.fixture(scope="module")
def tiny_index(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("entry")
    folder = copy_docs(["2018-503-regionale-spreiding.txt", "2014-86-stand-van-zaken-erkenningen.txt"], base / "c")
    rep = Assistant(base / "index", model=MODEL).ingest([folder])
    assert not rep.failed
    return base / "index"


@pytest.mark.parametrize("args, message", [
    (["ask", "Huizen", "--topk", "3"], "pq: fout: onbekende optie --topk; bedoelt u --top-k? (zie 'pq ask --help')"),
    (["ask", "Huizen", "--top-k", "0"], "pq: fout: ongeldige waarde voor --top-k: moet minstens 1 zijn (zie 'pq ask --help')"),
    (["ask", "Huizen", "--top-k", "-1"], "pq: fout: ongeldige waarde voor --top-k: moet minstens 1 zijn (zie 'pq ask --help')"),
    (["ask", "Huizen", "--top-k", "abc"],
     "pq: fout: ongeldige waarde voor --top-k: moet een geheel getal zijn (zie 'pq ask --help')"),
    (["ask", "Huizen", "--top-k"], "pq: fout: optie --top-k vraagt een waarde (zie 'pq ask --help')"),
    (["show"], "pq: fout: argument DOC ontbreekt (zie 'pq show --help')"),
    (["ingest"], "pq: fout: argument PATHS ontbreekt (zie 'pq ingest --help')"),
    (["figurs", "x"], "pq: fout: onbekend commando 'figurs'; bedoelt u figures?"),
    (["ask", "Huizen", "van"], "pq: fout: onverwacht extra argument: van (zet een vraag van meer woorden tussen "
                               "aanhalingstekens) (zie 'pq ask --help')"),
    (["--frobnicate"], "pq: fout: onbekende optie --frobnicate (zie 'pq --help')"),
    (["ask", "   "], "pq: fout: de vraag is leeg (alleen spaties of leestekens): geef een vraag met woorden"),
    (["ask", "?!…"], "pq: fout: de vraag is leeg (alleen spaties of leestekens): geef een vraag met woorden"),
    (["ask"], "pq: fout: geef een vraag, of --batch BESTAND.jsonl"),
])
def test_usage_errors_are_one_line_and_exit_2(args, message, tmp_path):
    # an index that does not exist: the mistake must be reported before any index is looked at
    res = run(args[0], "--index", str(tmp_path / "none"), *args[1:]) if args[0] == "ask" else run(*args)
    assert one_line(res) == message
    assert res.returncode == 2
    assert res.stdout == ""


def test_unknown_command_lists_the_commands_when_nothing_is_close():
    res = run("zzzzzz")
    line = one_line(res)
    assert res.returncode == 2 and line.startswith("pq: fout: onbekend commando 'zzzzzz'; commando's: ask, ")


def test_pq_alone_prints_help_and_exits_0():
    res = run()
    assert res.returncode == 0 and res.stderr == ""
    assert res.stdout.startswith("Usage: pq [OPTIONS] COMMAND [ARGS]...") and "ask" in res.stdout


def test_version():
    from importlib.metadata import version

    res = run("--version")
    assert (res.returncode, res.stdout, res.stderr) == (0, f"pq {version('pq-assistant')}\n", "")


@pytest.mark.parametrize("cmd", [["ask", "Huizen"], ["docs"], ["show", "503"], ["stats"], ["figures", "Huizen"],
                                 ["figures", "--all"]])
def test_missing_index_is_the_same_message_for_every_command(cmd, tmp_path):
    idx = tmp_path / "nergens"
    res = run(*cmd, "--index", str(idx))
    assert one_line(res) == f"pq: fout: geen index in {idx} (of hij is leeg): maak hem met  pq ingest corpus/ --index {idx}"
    assert res.returncode == 1
    assert not idx.exists()  # reading commands do not create an index


def test_damaged_record_names_doctor(tiny_index, tmp_path):
    idx = tmp_path / "index"
    shutil.copytree(tiny_index, idx)
    import sqlite3

    db = sqlite3.connect(idx / "catalog.sqlite", isolation_level=None)
    did = db.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchone()[0]
    db.execute("UPDATE documents SET record = ? WHERE doc_id = ?", ('{"broken": ', did))
    db.close()
    res = run("show", did, "--index", str(idx))
    line = one_line(res)
    assert res.returncode == 1
    assert line == (f"pq: fout: {idx / 'catalog.sqlite'}: document {did}: beschadigd documentrecord (JSONDecodeError); "
                    f"herstel met  pq doctor --fix --index {idx}")


def _damage_the_ledger(tiny_index, tmp_path, damage) -> tuple[Path, int, str]:
    """A copy of the tiny index with its ledger damaged by `damage(db) -> (fid, doctor's words)`."""
    import sqlite3

    idx = tmp_path / "index"
    shutil.copytree(tiny_index, idx)
    db = sqlite3.connect(idx / "catalog.sqlite", isolation_level=None)
    fid, words = damage(db)
    db.close()
    return idx, fid, words


def _names_doctor_and_doctor_repairs_it(idx: Path, fid: int, error: str, words: str) -> None:
    """`pq figures --all` says in one line which figure is damaged and names pq doctor --fix;
    `pq doctor` finds it, `--fix` repairs it, and the ledger reads again."""
    res = run("figures", "--all", "--index", str(idx))
    assert res.returncode == 1
    assert one_line(res) == (f"pq: fout: {idx / 'catalog.sqlite'}: beschadigd cijferregister (cijfer {fid}: "
                             f"{error}); herstel met  pq doctor --fix --index {idx}")
    res = run("doctor", "--index", str(idx))
    assert res.returncode == 1 and words in res.stdout + res.stderr
    assert run("doctor", "--fix", "--index", str(idx)).returncode == 0
    assert run("figures", "--all", "--index", str(idx)).returncode == 0


@pytest.mark.slow  # four processes each (ask, figures, doctor, doctor --fix): 3-4 s
def test_damaged_ledger_row_names_doctor_and_doctor_repairs_it(tiny_index, tmp_path):
    def damage(db):
        fid = db.execute("SELECT MIN(fid) FROM ledger").fetchone()[0]
        assert fid is not None
        db.execute("UPDATE ledger SET data = '{broken' WHERE fid = ?", (fid,))
        return fid, "cijferregister is beschadigd: 1 onleesbare cijfers"

    idx, fid, words = _damage_the_ledger(tiny_index, tmp_path, damage)
    _names_doctor_and_doctor_repairs_it(idx, fid, "JSONDecodeError", words)


@pytest.mark.slow  # four processes each (ask, figures, doctor, doctor --fix): 3-4 s
def test_a_lost_series_pointer_names_doctor_and_doctor_repairs_it(tiny_index, tmp_path):
    """A replaced figure's pointer is its series' row in ledger_current: without that row the
    figure is reported as damage (one line naming pq doctor --fix), not shown without it."""
    def damage(db):
        fid = db.execute("SELECT MIN(fid) FROM ledger WHERE past = 1").fetchone()[0]
        assert fid is not None
        grp, series = db.execute("SELECT grp, series FROM ledger WHERE fid = ?", (fid,)).fetchone()
        lost = db.execute("SELECT COUNT(*) FROM ledger WHERE past = 1 AND grp = ? AND series = ?",
                          (grp, series)).fetchone()[0]
        db.execute("DELETE FROM ledger_current WHERE grp = ? AND series = ?", (grp, series))
        return fid, f"{lost} vervangen cijfers zonder hun nieuwere cijfer"

    idx, fid, words = _damage_the_ledger(tiny_index, tmp_path, damage)
    _names_doctor_and_doctor_repairs_it(idx, fid, "ValueError", words)


def test_batch_bad_lines_are_named_and_the_others_answered(tiny_index, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "a", "query": "erkende Huizen van het Kind"}\nnot json\n{"id": "c", "query": " "}\n'
                     '{"id": "d", "query": "x", "filters": {"since": "20x"}}\n{"query": "vraag 503"}\n', encoding="utf-8")
    res = run("ask", "--batch", str(batch), "--json", "-k", "2", "--index", str(tiny_index))
    assert "Traceback" not in res.stderr
    assert res.returncode == 1
    assert [ln.split(":")[2] for ln in res.stderr.splitlines()] == ["2", "3", "4"]
    assert res.stderr.splitlines()[0] == f"pq: {batch}:2: geen JSON (Expecting value); regel overgeslagen"
    out = [json.loads(ln) for ln in res.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "regel5"]
    assert all(o["results"] for o in out)


def test_batch_without_json_is_readable(tiny_index, tmp_path):
    batch = tmp_path / "b.jsonl"
    batch.write_text('{"id": "q1", "query": "erkende Huizen van het Kind"}\n', encoding="utf-8")
    res = run("ask", "--batch", str(batch), "-k", "1", "--index", str(tiny_index))
    assert res.returncode == 0 and res.stderr == ""
    assert "## q1: erkende Huizen van het Kind" in res.stdout and "{" not in res.stdout.splitlines()[1]


def _as_at_a_terminal() -> None:
    """In the child: Ctrl-C as a terminal delivers it. A shell runs a background job (CI started
    with `&`) with SIGINT ignored, and `pq` rightly keeps an ignored SIGINT ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_while_waiting_for_input():
    proc = subprocess.Popen([PQ, "draft", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env(), preexec_fn=_as_at_a_terminal)
    time.sleep(1.5)  # the script is reading stdin by now (imports done)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err, out) == (130, "pq: afgebroken\n", "")


# `pq ingest`, interrupted (SIGINT, as Ctrl-C sends it) after the chunks of its 3rd document are
# written (each document written on its own), or after its 3rd document is embedded (all in one
# batch, not written yet): it says so and exits 130, and the index it leaves is consistent and
# completes.
INTERRUPTER = r"""
import os, signal, sys
from pq_assistant import cli, indexing
from pq_assistant.storage import writer

when, sys.argv = sys.argv[1], ["pq", *sys.argv[2:]]
seen = [0]
def hit():
    seen[0] += 1
    if seen[0] == 3:
        os.kill(os.getpid(), signal.SIGINT)
if when == "chunks-added":
    indexing.INGEST_BATCH_CHUNKS = 1
    writer._reached = lambda step: hit() if step == "chunks-added" else None
else:  # "embedded": the 3rd document handed to the writer, which holds it in its batch
    indexing.INGEST_BATCH_CHUNKS = 10 ** 6
    put = writer.Writer.put
    def put_then_hit(self, doc):
        put(self, doc)
        hit()
    writer.Writer.put = put_then_hit
cli.main()
"""


@pytest.mark.slow  # processes, signals or a browser: the slow tier
@pytest.mark.parametrize("when", ["chunks-added", "embedded"])
def test_ctrl_c_during_ingest_leaves_a_consistent_index(tmp_path, when):
    folder = copy_docs(["2018-503-regionale-spreiding.txt", "2014-86-stand-van-zaken-erkenningen.txt",
                        "2019-38-volledige-gebiedsdekking.txt", "2021-214-prenatale-ondersteuning.txt",
                        "2018-214-kleuterparticipatie.txt"], tmp_path / "c")
    idx = tmp_path / "index"
    res = subprocess.run([sys.executable, "-c", INTERRUPTER, when, "ingest", str(folder), "--index", str(idx),
                          "--model", MODEL], capture_output=True, text=True, env=env(), timeout=120,
                         preexec_fn=_as_at_a_terminal)
    assert res.returncode == 130, res.stderr
    assert res.stderr.splitlines()[-1] == "pq: afgebroken" and "Traceback" not in res.stderr
    a = Assistant(idx, model=MODEL)
    done = a.stats()["documents"]
    # One at a time: the first two documents are in, the third was not marked done. In one batch:
    # the three embedded documents are written before `pq` stops.
    assert done == (2 if when == "chunks-added" else 3)
    again = run("ingest", str(folder), "--index", str(idx), "--model", MODEL, "--json")
    assert again.returncode == 0, again.stderr
    a = Assistant(idx, model=MODEL)
    assert a.stats()["documents"] == 5
    assert a.check() == []
