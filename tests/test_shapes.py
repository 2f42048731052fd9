"""Every shape of parliamentary question: types, metadata, parts, turns; filters that say why;
number lookups that say what they found; saved web pages; an index of an older parser upgraded.

Metadata and parts are pinned on one invented document of each type (tests/data/dev-formats,
invented people and figures). The filter and lookup cases run on a `hash:128` index of the whole
shipped corpus, through the library, CliRunner and the installed `pq` script."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS, DATA

from pq_assistant.errors import UsageError
from pq_assistant.loaders import load
from pq_assistant.parsing import detect_type, parse
from pq_assistant.search import Filters, closest, lookup_number, parse_number_query, widen_date

FORMATS = DATA / "dev-formats" / "corpus"


def doc(name: str):
    return parse(load(FORMATS / name))


def labels(parts):
    return [p.label for p in parts]


# -- one document of each type: exact metadata and parts ----------------------------------------

def test_written_question_with_header_block():
    d = doc("sv-2026-312-huizen-van-het-kind-na-de-fusies.txt")
    assert (d.type, d.parliament, d.number, d.session, d.date, d.answer_date) == (
        "schriftelijke-vraag", "Vlaams Parlement", "312", "", "2026-01-14", "")
    assert (d.askers, d.asker, d.minister) == (["Eline Maertens"], "Eline Maertens", "Jeroen Casteleyn")
    assert d.minister_function == "VLAAMS MINISTER VAN WELZIJN, GEZIN EN ARMOEDEBESTRIJDING"
    assert d.title == "Huizen van het Kind - Aantal erkende huizen en werking na de gemeentefusies"
    assert labels(d.question) == ["", "1", "2", "3", "4", "5"]
    assert labels(d.answer) == ["1", "2-3", "4-5"]
    # the header block is metadata, not question text
    assert not d.question[0].text.startswith("SCHRIFTELIJKE VRAAG")
    assert d.question[0].text.startswith("Op 1 januari 2025 daalde het aantal Vlaamse gemeenten")
    assert d.citation(2).startswith("Schriftelijke vraag nr. 312 van 14 januari 2026 — Eline Maertens aan minister "
                                    "Jeroen Casteleyn — p. 2")


def test_written_question_pdf_session_from_running_head():
    d = doc("sv-2025-41-consultatiebureaus-per-provincie.pdf")
    assert (d.number, d.session, d.date, d.askers, d.minister) == (
        "41", "2025-2026", "2025-10-02", ["Wannes Degroote"], "Jeroen Casteleyn")
    assert labels(d.answer) == ["1", "2", "3-4", "5"]


def test_committee_question_per_question_answer():
    d = doc("vou-2021-1471-lokale-verankering-na-schaalvergroting.txt")
    assert (d.type, d.number, d.session, d.date, d.meeting) == (
        "vraag-om-uitleg", "1471", "2020-2021", "2021-03-02", "commissie")
    assert (d.askers, d.minister) == (["Hanne Decock"], "Annelies Verschaeve")
    assert d.title.startswith("Vraag om uitleg van Hanne Decock aan minister Annelies Verschaeve over de lokale")
    assert labels(d.question) == ["", "1", "2", "3", "4"]
    assert d.question[2].text.startswith("Hoe volgt u op dat elke deelnemende gemeente")
    assert labels(d.answer) == ["", "1", "2", "3", "4"]
    assert d.answer[1].text.startswith("Wat uw eerste vraag betreft: op 1 januari 2021 waren er 124")
    assert d.answer[4].text.startswith("Wat ten slotte de middelen betreft")
    assert {p.speaker for p in d.answer} == {"Annelies Verschaeve"}
    # the reply is its own section, never an answer; the minister's last word too
    assert [(p.section, p.speaker) for p in d.replies] == [("repliek", "Hanne Decock"), ("slotwoord", "Annelies Verschaeve")]
    assert "17 gemeenten minder aanbod" in d.replies[0].text
    assert d.citation(1) == ("Vraag om uitleg nr. 1471 (2020-2021) van Hanne Decock aan minister Annelies Verschaeve "
                             "— commissie 2 maart 2021 — p. 1 — vou-2021-1471-lokale-verankering-na-schaalvergroting.txt")


def test_committee_interruption_is_not_a_reply():
    d = doc("vou-2022-389-sluiting-kinderopvanglocaties.txt")
    assert [p.section for p in d.replies][:2] == ["interruptie", "repliek"]
    answer = "\n".join(p.text for p in d.answer)
    assert "Tussen 1 januari en 31 oktober van dit jaar sloten 371 opvanglocaties" in answer
    assert "relanceplan voor de kinderopvang goedgekeurd" in answer  # the answer goes on after the interruption
    assert "bijna 760 minder" not in answer


def test_merged_committee_questions_two_askers():
    d = doc("vou-2025-412-437-consultatiebureaus-landelijke-gemeenten.txt")
    assert (d.number, d.numbers, d.session) == ("412", ["412", "437"], "2025-2026")
    assert d.askers == ["Wannes Degroote", "Fien Vanoverbeke"]
    assert [(p.label, p.asker) for p in d.question] == [("1", "Wannes Degroote"), ("2", "Fien Vanoverbeke")]
    assert [(p.label, p.asker) for p in d.answer] == [("1", "Wannes Degroote"), ("2", "Fien Vanoverbeke")]
    assert "Mijnheer Degroote, wat uw eerste vraag betreft: op 1 december 2025 zijn er 738" in d.answer[0].text
    assert [(p.section, p.speaker) for p in d.replies] == [("repliek", "Wannes Degroote"), ("repliek", "Fien Vanoverbeke"),
                                                          ("slotwoord", "Jeroen Casteleyn")]
    two = next(p for p in d.answer if p.asker == "Fien Vanoverbeke")
    assert two.text.startswith("Mevrouw Vanoverbeke, wat de verpleegkundige consulten betreft")
    assert d.citation(1).startswith("Samengevoegde vragen om uitleg nr. 412 en 437 (2025-2026) van Wannes Degroote en "
                                    "Fien Vanoverbeke aan minister Jeroen Casteleyn — commissie 9 december 2025 — p. 1")


def test_plenary_actuele_vragen():
    d = doc("av-2022-sluiting-kinderopvanglocaties.txt")
    assert (d.type, d.number, d.date, d.meeting) == ("actuele-vraag", "", "2022-10-19", "plenaire")
    assert (d.askers, d.minister) == (["Tijs Desmedt", "Kaat Sterckx"], "Marijke Van den Bossche")
    assert d.title.startswith("Actuele vraag van Tijs Desmedt aan minister Marijke Van den Bossche, over het")
    assert d.other_titles == ["Actuele vraag van Kaat Sterckx aan minister Marijke Van den Bossche, over de "
                              "ondersteuning van onthaalouders"]
    assert [(p.label, p.asker) for p in d.question] == [("1", "Tijs Desmedt"), ("2", "Kaat Sterckx")]
    assert labels(d.answer) == ["1", "2"]
    assert d.answer[1].text.startswith("Mevrouw Sterckx, specifiek voor de onthaalouders")
    assert d.citation() == ("Actuele vragen van Tijs Desmedt en Kaat Sterckx aan minister Marijke Van den Bossche — "
                            "plenaire 19 oktober 2022 — av-2022-sluiting-kinderopvanglocaties.txt")


def test_press_release():
    d = doc("pb-2021-05-12-lauwaert-minder-maar-sterkere-huizen.txt")
    assert (d.type, d.parliament, d.number, d.date) == ("persbericht", "", "", "2021-05-12")
    assert (d.askers, d.minister, d.title) == (["Sven Lauwaert"], "Annelies Verschaeve", "Minder, maar sterkere Huizen van het Kind")
    assert d.answer == [] and d.question[0].label == ""
    d2 = doc("krant-2025-08-kraamzorg-gezinnen-wachten.txt")
    assert (d2.date, d2.title, d2.askers, d2.minister) == ("2025-08-01", "", ["Hanne Decock"], "Jeroen Casteleyn")
    assert d.citation(1).startswith("Persbericht van 12 mei 2021: Minder, maar sterkere Huizen van het Kind — vraag van "
                                    "Sven Lauwaert aan minister Annelies Verschaeve — p. 1")


def test_kamervraag_openkamer_and_aanhangsel():
    d = doc("tk-2023Z17420-kinderopvang-sluit-groepen.txt")
    assert (d.type, d.parliament, d.number, d.date, d.answer_date) == (
        "kamervraag", "Tweede Kamer", "2023Z17420", "2023-10-12", "2023-11-14")
    assert (d.askers, d.minister) == (["Daan Wijnberg", "Sanne Brinkhorst"], "Karin Mulderij")
    assert labels(d.question) == labels(d.answer) == ["1", "2", "3", "4"]
    assert d.answer[1].text.startswith("In het tweede kwartaal van 2023 stonden er")
    assert d.header.startswith("Kamervraag 2023Z17420 Het bericht dat kinderopvangorganisaties")
    a = doc("tk-aanhangsel-2024-2025-1712-kraamzorg-minder-uren.pdf")
    assert (a.number, a.session, a.date, a.answer_date, a.askers, a.minister) == (
        "1712", "2024-2025", "2025-03-06", "2025-04-15", ["Brinkhorst"], "Dorrestijn")
    assert labels(a.question) == labels(a.answer) == ["1", "2", "3-4", "5", "6"]
    assert a.answer[0].text == "Ja."
    # the running footer in the middle of a paragraph is gone
    assert "moeilijk een woning in de buurt" in a.answer[2].text


def test_federal_written_question():
    d = doc("fv-7-1417-verblijfsduur-na-bevalling.txt")
    assert (d.type, d.parliament, d.number, d.date, d.answer_date) == (
        "federale-vraag", "Kamer/Senaat", "7-1417", "2022-03-08", "2022-04-26")
    assert (d.askers, d.minister) == (["Lien Vanhoutte"], "")
    assert d.minister_function == "de vice-eersteminister en minister van Sociale Zaken en Volksgezondheid"
    assert d.title.startswith("Bevalling - Verblijfsduur in het ziekenhuis")
    assert labels(d.question)[-4:] == ["1", "2", "3", "4"] and labels(d.answer)[-4:] == ["1", "2", "3", "4"]
    assert "Vraag nr. 7-1417 d.d. 8 maart 2022" in d.header


def test_headerless_answer_with_fused_numbering_and_footnotes():
    d = doc("huizen-van-het-kind-schaalvergroting-eerstelijnszones.txt")
    assert (d.type, d.number, d.date, d.askers, d.minister) == ("schriftelijke-vraag", "", "", [], "")
    assert labels(d.answer) == ["1-2", "3", "4"]
    assert labels(d.question) == ["", "1", "2", "3", "4"]  # footnotes "1 Besluit ..." are no sub-questions


def test_plain_text_is_overig():
    from pq_assistant.models import LoadedDocument

    d = parse(LoadedDocument("notes.txt", ["Boodschappen: melk, brood.\n\nNiets over het parlement."], "x", "txt"))
    assert (d.type, d.is_pq) == ("overig", False)
    assert detect_type("Mevrouw X heeft het woord.\nMinister Y heeft het woord.") == "transcript"


# -- filters: checked, and never silent ----------------------------------------------------------

@pytest.mark.parametrize("kw, reason", [
    ({"since": "2019-13"}, "maand 13 bestaat niet"),
    ({"until": "2019-02-30"}, "2019-02 heeft maar 28 dagen"),
    ({"since": "2021", "until": "2019"}, "de periode is omgekeerd"),
    ({"since": "mei 2019"}, "gebruik JJJJ, JJJJ-MM of JJJJ-MM-DD"),
    ({"type": "kamrvraag"}, "bedoelt u kamervraag?"),
])
def test_filters_are_checked(kw, reason):
    with pytest.raises(UsageError, match=reason):
        Filters(**kw)


def test_filter_values_widen_and_normalise():
    assert widen_date("2020-02", end=True) == "2020-02-29"
    assert Filters(type="Vraag om uitleg").type == "vraag-om-uitleg"
    assert Filters(type="av").type == "actuele-vraag"
    assert closest("verschave", ["Verschaeve", "Vandeurzen", "Casteleyn"]) == ["Verschaeve"]


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory):
    """The whole shipped corpus (both sets' shapes) in a hash:128 index."""
    from pq_assistant import Assistant

    index = tmp_path_factory.mktemp("shapes") / "index"
    a = Assistant(index, model="hash:128")
    report = a.ingest([CORPUS])
    assert not report.failed
    return index


@pytest.fixture
def assistant(corpus_index):
    from pq_assistant import Assistant

    return Assistant(corpus_index)


def test_type_filter_and_missing_field_notes(assistant):
    docs = assistant.documents(Filters(type="kamervraag"))
    assert {d["file"] for d in docs} == {"tk-2023Z17420-kinderopvang-sluit-groepen.txt",
                                         "tk-2025Z01234-tekort-jeugdartsen-consultatiebureau.txt",
                                         "tk-aanhangsel-2024-2025-1712-kraamzorg-minder-uren.pdf"}
    total = len(assistant.documents())
    no_minister = sum(1 for d in assistant.documents() if not d.get("minister"))
    notes = assistant.filter_notes(Filters(minister="casteleyn"))
    assert notes == [f"{no_minister} van {total} documenten hebben geen minister en vallen buiten deze filter"]
    no_date = sum(1 for d in assistant.documents() if not d.get("date"))
    assert f"{no_date} van {total} documenten hebben geen datum en vallen buiten deze filter" in \
        assistant.filter_notes(Filters(since="2020"))


def test_did_you_mean_for_unknown_names(assistant):
    notes = assistant.filter_notes(Filters(minister="verschave"))
    assert "geen minister 'verschave' in de index; bedoelt u Verschaeve?" in notes
    notes = assistant.filter_notes(Filters(asker="Eline Maartens"))
    assert "geen vraagsteller 'Eline Maartens' in de index; bedoelt u Eline Maertens?" in notes
    # accent- and case-insensitive: a name that is there gets no did-you-mean
    assert not [n for n in assistant.filter_notes(Filters(minister="VAN DEN BOSSCHÉ")) if "bedoelt" in n]


def test_asker_filter_matches_every_asker_of_a_joined_question(assistant):
    files = {d["file"] for d in assistant.documents(Filters(asker="vanoverbeke"))}
    assert "vou-2025-412-437-consultatiebureaus-landelijke-gemeenten.txt" in files


# -- number lookups that say what they found ----------------------------------------------------

def test_number_query_forms():
    got = {q: (n.numbers, n.year, n.session) for q in ("vraag om uitleg 1234", "1234 (2023-2024)", "2018Z15295",
                                                           "7-123", "503/2018", "vragen om uitleg 412 en 437")
           if (n := parse_number_query(q))}
    assert got == {"vraag om uitleg 1234": (["1234"], "", ""), "1234 (2023-2024)": (["1234"], "", "2023-2024"),
                   "2018Z15295": (["2018Z15295"], "", ""), "7-123": (["7-123"], "", ""),
                   "503/2018": (["503"], "2018", ""), "vragen om uitleg 412 en 437": (["412", "437"], "", "")}
    assert parse_number_query("Hoeveel Huizen van het Kind waren er in 2019?") is None


def test_number_absent_is_said_and_shows_nothing(assistant):
    ans = assistant.ask("vraag nr. 999")
    assert ans.passages == []
    assert ans.notes == [f"vraag nr. 999 staat niet in de index ({len(assistant.documents())} documenten doorzocht)"]


def test_number_with_two_documents_lists_both_with_years(assistant):
    ans = assistant.ask("vraag 214")
    assert ans.notes == ["nr. 214: 2 documenten — schriftelijke vraag van 2021 (2021-214-prenatale-ondersteuning.txt); "
                         "schriftelijke vraag van 2018 (2018-214-kleuterparticipatie.txt)"]
    assert {p.doc for p in ans.passages[:2]} <= {"2021-214-prenatale-ondersteuning.txt", "2018-214-kleuterparticipatie.txt"}


def test_number_with_slash_year_and_wrong_year(assistant):
    ans = assistant.ask("503/2018")
    assert ans.notes == [] and ans.passages[0].doc == "2018-503-regionale-spreiding.txt"
    ans = assistant.ask("vraag 503 van 2019")
    assert ans.notes == ["nr. 503 van 2019 staat niet in de index; nr. 503 bestaat wel, van 2018: "
                         "schriftelijke vraag van 2018 (2018-503-regionale-spreiding.txt)"]
    assert ans.passages[0].doc == "2018-503-regionale-spreiding.txt"


@pytest.mark.parametrize("query, doc", [
    ("vraag om uitleg 1234", "vou-2024-1234-bereik-kwetsbare-gezinnen.txt"),
    ("1234 (2023-2024)", "vou-2024-1234-bereik-kwetsbare-gezinnen.txt"),
    ("2025Z01234", "tk-2025Z01234-tekort-jeugdartsen-consultatiebureau.txt"),
    ("schriftelijke vraag 7-1417", "fv-7-1417-verblijfsduur-na-bevalling.txt"),
    ("vraag om uitleg 437", "vou-2025-412-437-consultatiebureaus-landelijke-gemeenten.txt"),
])
def test_number_lookup_across_types(assistant, query, doc):
    ans = assistant.ask(query, top_k=3)
    assert ans.passages[0].doc == doc and ans.notes == []


def test_lookup_number_is_a_pure_function():
    docs = [{"doc_id": "a", "file": "a.txt", "number": "5", "date": "2019-01-01", "type": "schriftelijke-vraag"}]
    res = lookup_number(docs, parse_number_query("vraag 6"))
    assert res.found == [] and res.notes[0].startswith("vraag nr. 6 staat niet in de index")


# -- the CLI: CliRunner and the installed script -------------------------------------------------

def _pq(*args: str, index: Path) -> subprocess.CompletedProcess:
    script = Path(sys.executable).parent / "pq"
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "pq_assistant"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.run(cmd + list(args) + ["--index", str(index)], capture_output=True, text=True, env=env, timeout=120)


def test_cli_script_number_absent_and_notes(corpus_index):
    r = _pq("ask", "vraag nr. 999", "--json", index=corpus_index)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["results"] == [] and out["notes"][0].startswith("vraag nr. 999 staat niet in de index")
    r = _pq("ask", "budget", "--minister", "verschave", index=corpus_index)
    assert "pq: geen minister 'verschave' in de index; bedoelt u Verschaeve?" in r.stderr


@pytest.mark.parametrize("args, reason", [
    (["--since", "2019-13"], "maand 13 bestaat niet"),
    (["--until", "2019-02-30"], "2019-02 heeft maar 28 dagen"),
    (["--since", "2021", "--until", "2019"], "de periode is omgekeerd"),
    (["--type", "kamrvraag"], "bedoelt u kamervraag?"),
])
def test_cli_script_bad_filters_are_usage_errors(corpus_index, args, reason):
    r = _pq("docs", *args, index=corpus_index)
    assert r.returncode == 2 and reason in r.stderr and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_cli_docs_json_type_fields_and_missing(corpus_index):
    from typer.testing import CliRunner

    from pq_assistant.cli import app

    r = CliRunner().invoke(app, ["docs", "--type", "persbericht", "--json", "--index", str(corpus_index)])
    assert r.exit_code == 0, r.output
    rows = {d["doc"]: d for d in json.loads(r.stdout)["documents"]}
    pb = rows["pb-2026-02-24-maertens-huizen-van-het-kind-na-fusies.txt"]
    assert (pb["type"], pb["date"], pb["askers"], pb["minister"]) == ("persbericht", "2026-02-24", ["Eline Maertens"],
                                                                      "Jeroen Casteleyn")
    assert pb["missing"] == []
    r = CliRunner().invoke(app, ["docs", "--json", "--index", str(corpus_index)])
    rows = {d["doc"]: d for d in json.loads(r.stdout)["documents"]}
    assert rows["huizen-van-het-kind-schaalvergroting-eerstelijnszones.txt"]["missing"] == ["number", "date", "askers",
                                                                                          "minister"]
    # the human table names them in Dutch (the JSON keeps the keys)
    r = CliRunner().invoke(app, ["docs", "--type", "schriftelijke-vraag", "--index", str(corpus_index)],
                           env={"COLUMNS": "80"})
    assert "ontbreekt: nummer, datum, vraagsteller, minister" in r.stdout and "askers" not in r.stdout
    r = CliRunner().invoke(app, ["show", "fv-7-1417-verblijfsduur-na-bevalling.txt", "--json", "--index", str(corpus_index)])
    shown = json.loads(r.stdout)
    assert (shown["type"], shown["number"], shown["answer_date"]) == ("federale-vraag", "7-1417", "2022-04-26")
    r = CliRunner().invoke(app, ["ask", "vraag 214", "--json", "--index", str(corpus_index)])
    assert json.loads(r.stdout)["notes"][0].startswith("nr. 214: 2 documenten")


# -- saved web pages ------------------------------------------------------------------------------

HTML = """<!doctype html><html><head><meta charset="utf-8"><title>Verslag</title><script>var nav = 1;</script>
<style>p { color: red }</style></head><body><nav><a href="/">Home</a> Commissies</nav><header>Menu zoeken</header>
<main><p>Commissievergadering</p><p>dinsdag 12 maart 2024, 14.00u</p>
<h1>Vraag om uitleg van Eline Maertens aan minister Jeroen Casteleyn over het <em>bereik</em> van gezinnen</h1>
<p>1234 (2023-2024)</p><p>De voorzitter</p><p>Mevrouw Maertens heeft het woord.</p><p>Eline Maertens (cd&amp;v)</p>
<p>Minister, hoeveel gezinnen
bereikten de Huizen van het Kind vorig jaar?</p><p>De voorzitter</p><p>Minister Casteleyn heeft het woord.</p>
<p>Minister Jeroen Casteleyn</p><p>Collega, in 2023 waren dat er 27.900.</p><p>De voorzitter</p>
<p>De vraag om uitleg is afgehandeld.</p></main><footer>Contact | Privacy</footer></body></html>"""


def test_saved_html_page_is_read_without_navigation(tmp_path):
    page = tmp_path / "verslag.html"
    page.write_text(HTML, encoding="utf-8")
    loaded = load(page)
    text = loaded.pages[0]
    assert loaded.kind == "html"
    for noise in ("Home", "Menu zoeken", "Privacy", "var nav", "color: red", "<p>"):
        assert noise not in text
    assert "over het bereik van gezinnen" in text  # inline markup joined
    assert "Minister, hoeveel gezinnen bereikten de Huizen van het Kind vorig jaar?" in text
    d = parse(loaded)
    assert d.citation(1) == ("Vraag om uitleg nr. 1234 (2023-2024) van Eline Maertens aan minister Jeroen Casteleyn "
                             "— commissie 12 maart 2024 — p. 1 — verslag.html")
    assert [p.text for p in d.answer] == ["Collega, in 2023 waren dat er 27.900."]


def test_html_saved_as_pdf_stays_a_clear_error(tmp_path):
    from pq_assistant.errors import LoadError

    bad = tmp_path / "verslag.pdf"
    bad.write_text(HTML, encoding="utf-8")
    with pytest.raises(LoadError, match="geen PDF"):
        load(bad)


# -- an index built before the shapes -------------------------------------------------------------

def test_old_index_is_upgraded_at_the_next_ingest(tmp_path):
    from pq_assistant import Assistant

    folder = tmp_path / "c"
    folder.mkdir()
    for name in ("vou-2024-1234-bereik-kwetsbare-gezinnen.txt", "2018-503-regionale-spreiding.txt"):
        shutil.copy(CORPUS / name, folder / name)
    index = tmp_path / "index"
    a = Assistant(index, model="hash:128")
    a.ingest([folder])
    # make it look like an index of the parser before the types: no type, no parser version
    import json
    import sqlite3

    db = sqlite3.connect(index / "catalog.sqlite", isolation_level=None)
    for did, extra in db.execute("SELECT doc_id, extra FROM documents").fetchall():
        entry = json.loads(extra)
        for key in ("type", "parser", "askers", "numbers", "session"):
            entry.pop(key, None)
        db.execute("UPDATE documents SET extra = ? WHERE doc_id = ?", (json.dumps(entry), did))
    db.close()
    old = Assistant(index)
    assert "2 van 2 documenten hebben geen documenttype" in old.filter_notes(Filters(type="vraag-om-uitleg"))[0]
    r = _pq("ingest", str(folder), "--json", index=index)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert sorted(Path(p).name for p in report["upgraded"]) == ["2018-503-regionale-spreiding.txt",
                                                                "vou-2024-1234-bereik-kwetsbare-gezinnen.txt"]
    assert "pq: 2 documenten uit een index van vóór de documenttypes opnieuw gelezen" in r.stderr
    again = Assistant(index)
    assert [d["file"] for d in again.documents(Filters(type="vraag-om-uitleg"))] == ["vou-2024-1234-bereik-kwetsbare-gezinnen.txt"]
    assert again.filter_notes(Filters(type="vraag-om-uitleg")) == []


# -- variants the dev files do not show (invented texts in the genre's formulae) ------------------

def _text_doc(name: str, text: str):
    from pq_assistant.models import LoadedDocument

    return parse(LoadedDocument(name, [text], "x", "txt"))


def test_committee_report_without_speaker_lines():
    d = _text_doc("v.txt", "Commissievergadering\n\ndonderdag 5 mei 2022, 10.00u\n\n"
                  "Vraag om uitleg van mevrouw Els Peeters aan minister Jan Van der Kerken over de wachttijden\n\n"
                  "2345 (2021-2022)\n\nMevrouw Peeters heeft het woord.\n\n"
                  "Minister, hoeveel jongeren wachten vandaag op hulp?\n\nMinister Van der Kerken heeft het woord.\n\n"
                  "Collega, op 1 april wachtten 3.200 jongeren.\n\nMevrouw Peeters heeft het woord.\n\n"
                  "Dank u, minister.\n\nDe vraag om uitleg is afgehandeld.")
    assert (d.type, d.number, d.session, d.date, d.askers, d.minister) == (
        "vraag-om-uitleg", "2345", "2021-2022", "2022-05-05", ["Els Peeters"], "Jan Van der Kerken")
    assert [(p.label, p.text) for p in d.question] == [("1", "Minister, hoeveel jongeren wachten vandaag op hulp?")]
    assert [(p.label, p.text) for p in d.answer] == [("1", "Collega, op 1 april wachtten 3.200 jongeren.")]
    assert [(p.section, p.speaker, p.text) for p in d.replies] == [("repliek", "Els Peeters", "Dank u, minister.")]


def test_tweede_kamer_answer_letter_without_aanhangsel_header():
    d = _text_doc("tk.txt", "Vragen van de leden Jansen (VVD) en De Boer (GL) aan de Staatssecretaris van Volksgezondheid, "
                  "Welzijn en Sport over wachtlijsten (ingezonden 3 februari 2021).\n\nAntwoord van Staatssecretaris "
                  "Blokhuis (Volksgezondheid, Welzijn en Sport) (ontvangen 1 maart 2021).\n\nVraag 1\nKent u het bericht?\n\n"
                  "Antwoord 1\nJa.\n\nVraag 2\nHoeveel kinderen wachten er?\n\nAntwoord 2\nCirca 4.000 kinderen.")
    assert (d.type, d.date, d.answer_date, d.askers, d.minister) == (
        "kamervraag", "2021-02-03", "2021-03-01", ["Jansen", "De Boer"], "Blokhuis")
    assert [(p.label, p.text) for p in d.answer] == [("1", "Ja."), ("2", "Circa 4.000 kinderen.")]


def test_plenary_question_of_one_asker():
    d = _text_doc("av.txt", "Plenaire vergadering\n\nwoensdag 10 maart 2021, 14.00u\n\n"
                  "Actuele vraag van de heer Tom De Smet aan minister Jan Van der Kerken, over de vaccinatie\n\n"
                  "De voorzitter\n\nDe heer De Smet heeft het woord.\n\nTom De Smet (Open Vld)\n\n"
                  "Minister, hoeveel bewoners zijn gevaccineerd?\n\nDe voorzitter\n\nMinister Van der Kerken heeft het woord.\n\n"
                  "Minister Jan Van der Kerken\n\nCollega, 95 procent.\n\nDe voorzitter\n\nDe actuele vraag is afgehandeld.")
    assert (d.type, d.date, d.askers, d.minister) == ("actuele-vraag", "2021-03-10", ["Tom De Smet"], "Jan Van der Kerken")
    assert [p.label for p in d.question] == ["1"] and [p.text for p in d.answer] == ["Collega, 95 procent."]
    assert d.citation() == ("Actuele vraag van Tom De Smet aan minister Jan Van der Kerken — plenaire 10 maart 2021 — av.txt")


def test_press_item_with_city_date_line_and_surname_only_minister():
    d = _text_doc("p.txt", "Vanaf 1 januari 2027 meer plaatsen in de kinderopvang\n\nBrussel, 12 mei 2021\n\n"
                  "Er komen 2.000 plaatsen bij. Dat antwoordde minister Crevits op een schriftelijke vraag van "
                  "N-VA-parlementslid Sven Lauwaert. Minister Crevits wil nog verder gaan.")
    assert (d.type, d.date, d.askers, d.minister) == ("persbericht", "2021-05-12", ["Sven Lauwaert"], "Crevits")
    assert d.title == "Vanaf 1 januari 2027 meer plaatsen in de kinderopvang"


@pytest.mark.parametrize("query, doc, note", [
    ("vraag om uitleg 1234", "vou-2024-1234-bereik-kwetsbare-gezinnen.txt", None),
    ("1234 (2023-2024)", "vou-2024-1234-bereik-kwetsbare-gezinnen.txt", None),
    ("2025Z01234", "tk-2025Z01234-tekort-jeugdartsen-consultatiebureau.txt", None),
    ("schriftelijke vraag 7-1417", "fv-7-1417-verblijfsduur-na-bevalling.txt", None),
    ("503/2018", "2018-503-regionale-spreiding.txt", None),
    ("vraag 503 van 2019", "2018-503-regionale-spreiding.txt", "nr. 503 bestaat wel, van 2018"),
    ("vraag 214", "2021-214-prenatale-ondersteuning.txt", "nr. 214: 2 documenten"),
])
def test_cli_script_number_lookup_forms(corpus_index, query, doc, note):
    r = _pq("ask", query, "--json", "--top-k", "2", index=corpus_index)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["results"][0]["doc"] == doc
    assert (note is None and out["notes"] == []) or (note is not None and note in out["notes"][0])


def test_cli_script_missing_field_note_on_stderr_and_in_json(corpus_index):
    r = _pq("docs", "--minister", "casteleyn", index=corpus_index)
    assert r.returncode == 0 and "documenten hebben geen minister en vallen buiten deze filter" in r.stderr
    r = _pq("docs", "--minister", "casteleyn", "--json", index=corpus_index)
    assert "documenten hebben geen minister en vallen buiten deze filter" in json.loads(r.stdout)["notes"][0]
