"""`pq ask` answers first: time in the question, the answer line, the Cijfers that matter, the
calibrated score and the 'no passage answers' note, `pq figures` on an unknown quantity, and the
briefing — over the shipped corpus with the real default model (slow tier), plus the pure rules."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, ROOT

from pq_assistant.answerline import _unit_fits, is_figure_question
from pq_assistant.querytime import query_time


# -- pure rules (fast) ---------------------------------------------------------------------------
@pytest.mark.parametrize("question, kind, start, end", [
    ("Hoeveel Huizen van het Kind zijn er erkend?", "present", "", ""),
    ("How many Houses of the Child are there today?", "present", "", ""),
    ("Wat is de laatste stand van de dekkingsgraad?", "present", "", ""),
    ("Welk budget is er dit jaar uitgetrokken?", "present", "", ""),
    ("Hoeveel Huizen van het Kind waren er in mei 2016?", "named", "2016-05-01", "2016-05-31"),
    ("How many Houses of the Child were there in May 2016?", "named", "2016-05-01", "2016-05-31"),
    ("Hoeveel Huizen waren er eind 2018?", "named", "2018-10-01", "2018-12-31"),
    ("Wat was het budget in 2019?", "named", "2019-01-01", "2019-12-31"),
    ("op 1/5/2018", "named", "2018-05-01", "2018-05-01"),
    ("op 1 januari 2021", "named", "2021-01-01", "2021-01-01"),
    ("in het schooljaar 2022-2023", "named", "2022-09-01", "2023-08-31"),
    ("Welke taken hebben de Huizen van het Kind?", "", "", ""),
    ("Hoeveel Huizen van het Kind waren er destijds?", "", "", ""),
])
def test_query_time(question, kind, start, end):
    qt = query_time(question)
    assert (qt.kind, qt.start, qt.end) == (kind, start, end)


def test_a_question_number_year_is_not_a_time():
    assert query_time("vraag 503 van 2018", {"2018"}).kind == ""


def test_figure_questions_and_units():
    assert is_figure_question("Hoeveel Huizen van het Kind zijn er?")
    assert is_figure_question("Wat is het budget voor 2025?")
    assert is_figure_question("How many Houses of the Child are there?")
    assert not is_figure_question("Welke taken hebben de Huizen van het Kind?")
    assert not _unit_fits("Hoeveel Huizen van het Kind waren er in 2019?", "miljoen euro")
    assert _unit_fits("Hoeveel budget ging er in 2019 naar de Huizen?", "miljoen euro")
    assert not _unit_fits("Hoeveel consultatiebureaus zijn er?", "%")
    assert _unit_fits("Hoeveel procent van de gemeenten heeft er een?", "%")


# -- over the shipped corpus, real model (slow) ---------------------------------------------------
@pytest.fixture(scope="module")
def corpus_assistant(tmp_path_factory):
    from pq_assistant import Assistant

    index = tmp_path_factory.mktemp("answer-first") / "index"
    a = Assistant(index)
    report = a.ingest([CORPUS])
    assert not report.failed
    return a


@pytest.mark.slow
def test_readme_example_answer_line_and_cijfers(corpus_assistant):
    ans = corpus_assistant.ask("Hoeveel Huizen van het Kind zijn er erkend?")
    line = ans.answer
    assert line is not None and line.mode == "latest"
    assert (line.value, line.date, line.doc_id) == ("104", "2026-01-01", "sv-2026-312-huizen-van-het-kind-na-de-fusies")
    assert line.replaces["value"] == "109" and line.replaces["date"] == "2025-01-01"
    assert line.source.startswith("Schriftelijke vraag nr. 312 van 14 januari 2026 — Eline Maertens aan minister "
                                  "Jeroen Casteleyn — p. 2")
    # the passage the line cites comes first
    assert ans.passages[0].chunk_id == line.chunk_id and "104 erkende Huizen van het Kind" in ans.passages[0].text
    # Cijfers: the question's quantity only, newest reference date first
    assert ans.figures and all("Huizen van het Kind" in (f.quantity + " " + f.unit) for f in ans.figures)
    dates = [f.date for f in ans.figures]
    assert dates[0] == "2026-01-01"
    # newest first within each timeline (answerline.relevant_figures: timeline rank, then date); the
    # passages of two earlier answers to the same question can bring a second timeline (issue 14)
    group = {id(e.figure): e.group for e in corpus_assistant.ledger()}
    for g in dict.fromkeys(group.get(id(f)) for f in ans.figures):
        ds = [f.date for f in ans.figures if group.get(id(f)) == g]
        assert ds == sorted(ds, key=lambda d: d + ("-12-31" if len(d) == 4 else ""), reverse=True)
    d = ans.to_dict()
    assert d["answered"] is True and d["note"] is None
    assert set(d["answer"]) >= {"value", "unit", "quantity", "date", "source", "replaces"}
    assert all({"status", "scope", "replaced_by"} <= set(f) for f in d["figures"])
    superseded = [f for f in d["figures"] if f["status"] == "superseded"]
    assert superseded and all(f["replaced_by"] and f["replaced_by"]["value"] for f in superseded)


@pytest.mark.slow
def test_a_named_time_gets_the_figure_of_that_time(corpus_assistant):
    ans = corpus_assistant.ask("Hoeveel Huizen van het Kind waren er in februari 2015?")
    assert ans.answer is not None and (ans.answer.value, ans.answer.date, ans.answer.mode) == ("96", "2015-02-01", "named")
    assert any("96" in p.text for p in ans.passages[:3])


@pytest.mark.slow
def test_a_question_about_one_kind_of_house_is_answered_by_that_kind(corpus_assistant):
    """"Hoeveel gemeentelijke Huizen van het Kind zijn er?": the houses with a municipal area (41
    on 1 January 2025), not all recognised houses (before: "104 erkende Huizen van het Kind");
    their timeline is not the intergemeentelijke one (the grouping kept them apart)."""
    muni = corpus_assistant.ask("Hoeveel gemeentelijke Huizen van het Kind zijn er?").answer
    inter = corpus_assistant.ask("Hoeveel intergemeentelijke Huizen van het Kind zijn er?").answer
    assert muni is not None and (muni.value, muni.date) == ("41", "2025-01-01") and "intergemeentelijk" not in muni.quantity
    assert inter is not None and (inter.value, inter.date) == ("67", "2025-01-01")
    listed = corpus_assistant.figures("aantal gemeentelijke Huizen van het Kind")
    assert {"41", "121", "53"} <= {e.figure.value for e in listed}
    assert not any("intergemeentelijk" in e.figure.quantity for e in listed)


@pytest.mark.slow
def test_scores_mean_the_same_across_questions_and_nothing_answering_is_said(corpus_assistant):
    good = corpus_assistant.ask("Hoeveel erkende Huizen van het Kind waren er op 1 mei 2018?")
    off = corpus_assistant.ask("Hoeveel windturbines staan er in de Noordzee?")
    assert good.answered and good.note == ""
    assert not off.answered and off.answer is None
    assert off.note.startswith("geen passage lijkt deze vraag te beantwoorden (beste score 0,")
    assert max(p.score for p in off.passages) < min(p.score for p in good.passages[:1])
    assert off.passages[0].score < 1.0  # rank 1 is not 1.00 by construction


@pytest.mark.slow
def test_figures_of_an_unknown_quantity_are_none(corpus_assistant):
    assert corpus_assistant.figures("windturbines in de Noordzee") == []
    assert corpus_assistant.figures("aantal erkende Huizen van het Kind")


@pytest.mark.slow
def test_the_briefing_quotes_the_newest_rules_and_the_coverage_answer(corpus_assistant):
    from pq_assistant.draft import draft, load_question

    q = load_question(str(ROOT / "tests" / "data" / "new-questions" / "2026-erkenning-gebiedsdekking-budget.txt"))
    b = draft(corpus_assistant, q, per_part=3).to_dict()
    part2, part3 = b["parts"][1]["passages"], b["parts"][2]["passages"]
    assert any(p["doc_id"] == "2025-287-aantal-en-werkingsgebied-per-provincie" and p["section"] == "answer"
               for p in part2)
    # the rules of the newest answers: 2026 (nr. 312, answer 2-3) or 2025 (nr. 287, answer 3)
    assert (part3[0]["doc_id"], part3[0]["part"]) in {("sv-2026-312-huizen-van-het-kind-na-de-fusies", "2-3"),
                                                      ("2025-287-aantal-en-werkingsgebied-per-provincie", "3")}


@pytest.mark.slow
def test_cli_shows_the_answer_line_first(corpus_assistant):
    env = {"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent), "COLUMNS": "100"}
    res = subprocess.run([sys.executable, "-m", "pq_assistant", "ask", "Hoeveel Huizen van het Kind zijn er erkend?",
                          "-k", "2", "--index", str(corpus_assistant.index)], capture_output=True, text=True, env=env,
                         timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Laatste cijfer: 104 erkende Huizen van het Kind op 1 januari 2026 — Schriftelijke vraag nr. 312")
    assert "antwoord 1 · score 0," in res.stdout
    js = subprocess.run([sys.executable, "-m", "pq_assistant", "ask", "Hoeveel Huizen van het Kind zijn er erkend?",
                         "-k", "2", "--json", "--index", str(corpus_assistant.index)], capture_output=True, text=True,
                        env=env, timeout=300)
    assert json.loads(js.stdout)["answer"]["value"] == "104"


def _pq(index, *args, columns: int = 80) -> subprocess.CompletedProcess:
    env = {"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent), "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-m", "pq_assistant", *args, "--index", str(index)], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.mark.slow
def test_readable_at_80_columns_words_are_never_cut(corpus_assistant):
    """`pq docs` and `pq ask` at 80 columns: no line is wider, and every word of every title,
    asker and minister appears whole (a cell wraps on word boundaries, not 'CASTELEY/N')."""
    docs = json.loads(_pq(corpus_assistant.index, "docs", "--json").stdout)["documents"]
    res = _pq(corpus_assistant.index, "docs")
    assert res.returncode == 0, res.stderr
    assert max(len(line) for line in res.stdout.splitlines()) <= 80
    printed = set(res.stdout.split())
    for d in docs:
        for field in ("title", "minister"):
            for word in (d.get(field) or "").split():
                assert word in printed or any(word in w for w in printed), (field, word, d["doc"])
    ask = _pq(corpus_assistant.index, "ask", "Hoeveel Huizen van het Kind zijn er erkend?")
    assert ask.returncode == 0, ask.stderr
    assert max(len(line) for line in ask.stdout.splitlines()) <= 80
    assert "Casteleyn" in ask.stdout.split() and "antwoord 1 · score 0," in ask.stdout


@pytest.mark.slow
def test_one_voice_stats_in_dutch_json_keys_in_english(corpus_assistant):
    text = _pq(corpus_assistant.index, "stats").stdout
    assert text.splitlines()[0].split() == ["documenten", "54"] and "passages" in text and "cijfers" in text
    assert json.loads(_pq(corpus_assistant.index, "stats", "--json").stdout)["documents"] == 54


def _line(quantity: str, unit: str, named: int, wording: int, held_at: int | None):
    from pq_assistant.answerline import AnswerLine

    return AnswerLine(value="160", unit=unit, quantity=quantity, date="2019-10-01", source="", chunk_id="c", doc_id="d",
                      page=1, mode="named", extra={"named": named, "wording": wording, "held_at": held_at})


def test_a_line_below_the_passage_threshold_needs_the_question_to_name_its_quantity():
    from pq_assistant.answerline import confident, unexplained
    from pq_assistant.models import Passage
    from pq_assistant.thesaurus import explained

    weak = [Passage(chunk_id="c", doc_id="d", doc="d.txt", text="", score=0.01, page=1, section="answer", part="1", metadata={})]
    strong = [Passage(chunk_id="c", doc_id="d", doc="d.txt", text="", score=0.5, page=1, section="answer", part="1", metadata={})]
    line = _line("erkende Huizen van het Kind", "Huizen van het Kind", named=2, wording=3, held_at=0)
    q = "How many Houses of the Child were there in October 2019?"
    assert explained(q) == "houses of the child"
    assert unexplained(q, line, explained(q)) == set()  # month names are the time, not the quantity
    assert confident(line, weak, query=q, explained=explained(q))
    # a content word the wording does not hold: another quantity ("intermunicipal" houses)
    q2 = "What is the latest number of intermunicipal Houses of the Child?"
    assert unexplained(q2, line, explained(q2)) == {"intermunicipal"}
    assert not confident(line, weak, query=q2, explained=explained(q2))
    assert confident(line, strong, query=q2, explained=explained(q2))  # a passage that answers decides
    # one word named, or a timeline held only by the fourth passage: no line
    assert not confident(_line("budget Huizen van het Kind", "euro", 1, 3, 0), weak, query="Wat kost het?")
    assert not confident(_line("erkende Huizen van het Kind", "Huizen van het Kind", 2, 3, 3), weak, query=q,
                         explained=explained(q))
    assert not confident(None, strong)


@pytest.mark.slow
def test_an_english_question_gets_the_dutch_figure_and_off_topic_questions_none(corpus_assistant):
    ans = corpus_assistant.ask("How many Houses of the Child were there in 2019?")
    assert ans.answer is not None and (ans.answer.value, ans.answer.date) == ("160", "2019-10-01")
    for q in ("Hoeveel kilometer fietspad werd in 2022 aangelegd langs gewestwegen?",
              "What is the budget for public transport in Brussels?",
              "Hoeveel pendelaars nemen dagelijks de trein naar Brussel?",
              "What is the latest number of intermunicipal Houses of the Child?"):
        assert corpus_assistant.ask(q).answer is None, q


def test_the_line_quotes_a_firm_date_over_a_later_repeat_dated_by_nu():
    """'Er zijn er nu nog 104' in a press release of 24 February confirms the written answer's
    '104 op 1 januari 2026': the line quotes the answer and its date, and what it replaces with
    its written-out date rather than the same value dated by 'een jaar eerder'."""
    from pq_assistant.answerline import choose
    from pq_assistant.figures.ledger import LedgerEntry, sort_key
    from pq_assistant.models import Figure, Passage

    def fig(value, date, source, doc, doc_date, chunk):
        return Figure(value=value, number_value=float(value), unit="Huizen van het Kind", quantity="Huizen van het Kind",
                      date=date, date_source=source, sentence="", doc=doc + ".txt", doc_id=doc, chunk_id=chunk,
                      doc_date=doc_date)

    entries = [LedgerEntry(fig("104", "2026-01-01", "explicit", "sv-312", "2026-01-14", "sv-312:answer:0"), 0, "latest"),
               LedgerEntry(fig("109", "2025-01-01", "explicit", "sv-312", "2026-01-14", "sv-312:answer:0"), 0, "superseded"),
               LedgerEntry(fig("104", "2026-02-24", "relative", "pb-0224", "2026-02-24", "pb-0224:text:0"), 0, "confirmed"),
               LedgerEntry(fig("109", "2025", "relative", "pb-0224", "2026-02-24", "pb-0224:text:0"), 0, "superseded")]
    passages = [Passage(chunk_id=c, doc_id=c.split(":")[0], doc="", text="", score=0.5, page=1, section="answer",
                        part="1", metadata={}) for c in ("pb-0224:text:0", "sv-312:answer:0")]
    line = choose("Hoeveel Huizen van het Kind zijn er?", query_time("Hoeveel Huizen van het Kind zijn er?"), passages,
                  entries, [0], sort_key, lambda d, p: d)
    assert (line.value, line.date, line.doc_id) == ("104", "2026-01-01", "sv-312")
    assert (line.replaces["value"], line.replaces["date"]) == ("109", "2025-01-01")
