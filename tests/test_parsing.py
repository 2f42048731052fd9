"""The parser on both real seeds (exact fields) and on the shapes the corpus shows."""
from __future__ import annotations

from conftest import CORPUS, SEED_000, SEED_004

from pq_assistant.loaders import load
from pq_assistant.models import LoadedDocument
from pq_assistant.parsing import _label, doc_id_for, is_footer, parse


def test_seed_004_metadata():
    doc = parse(load(SEED_004))
    assert doc.title == "Huizen van het Kind - Regionale spreiding"
    assert (doc.subject, doc.subtopic) == ("Huizen van het Kind", "Regionale spreiding")
    assert doc.number == "503"
    assert doc.date == "2018-05-23"
    assert doc.asker == "Bart Van Malderen"
    assert doc.minister == "Jo Vandeurzen"
    assert doc.minister_function == "VLAAMS MINISTER VAN WELZIJN, VOLKSGEZONDHEID EN GEZIN"
    assert doc.header.startswith("JO VANDEURZEN VLAAMS MINISTER")
    assert "op vraag nr. 503 van 23 mei 2018 van BART VAN MALDEREN" in doc.header
    assert doc.citation(1) == ("Schriftelijke vraag nr. 503 van 23 mei 2018 — Bart Van Malderen aan minister "
                               "Jo Vandeurzen — p. 1 — 004_20b2bb69adfdfb62.txt")


def test_seed_004_parts_and_pages():
    doc = parse(load(SEED_004))
    assert [p.label for p in doc.question] == ["", "1", "2"]
    assert doc.question[0].text.startswith("Een Huis van het Kind is een samenwerkingsverband")
    assert doc.question[1].text == "Kan de minister een overzicht geven van het aantal Huizen van het Kind, opgesplitst per gemeente?"
    assert doc.question[2].text.endswith("Graag opgesplitst per gemeente.")
    assert [p.label for p in doc.answer] == ["1", "2"]
    assert [p.numbers for p in doc.answer] == [[1], [2]]
    assert doc.answer[0].text.startswith("Volgens de laatste stand van zaken op 1/5/2018 zijn er 153 erkende Huizen van het Kind.")
    # the hard wrap "Huizen van het \nKind" is undone
    assert "153 erkende Huizen van het Kind. Deze 153 Huizen van het Kind omvatten 231 gemeenten" in doc.answer[0].text
    assert doc.answer[1].paragraphs[-1].text == "http://www.expoo.be/sites/default/files/atoms/files/PublicatieHvhKKGFinaal.pdf"
    assert [p.page for p in doc.question] == [1, 1, 1]
    assert [p.page for p in doc.answer] == [2, 2]
    assert len(doc.annex) == 1 and doc.annex[0].text == "Overzicht van de gemeenten met een Huis van het Kind"
    assert doc.pages == 2


def test_seed_000_headerless():
    doc = parse(load(SEED_000))
    # no header, no number: nothing invented
    assert (doc.number, doc.date, doc.asker, doc.minister, doc.header) == ("", "", "", "", "")
    assert doc.title == "Huizen van het Kind - Aandacht voor ouders en adolescenten"
    assert [p.label for p in doc.question] == ["", "1", "2", "3", "4"]
    assert [p.label for p in doc.answer] == ["1-2", "3", "4"]
    assert doc.answer[0].numbers == [1, 2]
    assert doc.answer[0].text.startswith("Huizen van het Kind zijn lokale samenwerkingsverbanden")
    # "ge-\nmeentelijk" joined, "intra- of intergemeentelijk" kept
    ctx = doc.question[0].text
    assert "intragemeentelijk, gemeentelijk of intergemeentelijk vorm krijgt (art. 9)" in ctx
    assert "preventieve gezinsondersteuning, kan een initiatief" in ctx
    assert "dan wel intra- of intergemeentelijk georganiseerd is?" in doc.question[4].text
    # a paragraph cut by the page break is joined ("zelfs \n\n\n\novertroeft")
    assert "als de hulpverlener zich gelijk stelt aan de ouders of hen zelfs overtroeft. Dat maakt" in ctx
    last = doc.answer[2]
    assert [p.text for p in last.paragraphs][1:5] == [
        "Er zijn op datum van 31 mei 2016 127 HvhK:",
        "- waarvan 1 in het BHG",
        "- waarvan 22 intergemeentelijke samenwerkingsverbanden in Vlaanderen",
        "- waarvan 104 gemeentelijke samenwerkingsverbanden in Vlaanderen",
    ]
    assert [p.page for p in doc.answer] == [2, 3, 3]


def test_number_only_in_title_area():
    doc = parse(load(CORPUS / "2018-247-bereikbaarheid-kind-en-gezin-lijn.txt"))
    assert (doc.number, doc.date, doc.asker, doc.minister) == ("247", "2018-01-08", "Tijs Desmedt", "")
    assert doc.title == "Kind en Gezin - Bereikbaarheid van de Kind en Gezin-lijn"
    assert [p.label for p in doc.answer] == ["1", "2", "3", "4"]


def test_pdf_with_footers_and_annex_table():
    doc = parse(load(CORPUS / "2015-312-spreiding-over-de-provincies.pdf"))
    assert (doc.number, doc.date, doc.minister, doc.asker) == ("312", "2015-03-04", "Pieter Roelandts", "Bram Heirwegh")
    assert [p.label for p in doc.answer] == ["1-2", "3", "4"]
    full = "\n".join(p.text for p in doc.question + doc.answer)
    assert "- 1 -" not in full and "- 2 -" not in full
    # the paragraph that runs over the page break keeps going ("Gelet\n- 2 -\nop de specifieke")
    assert "Gelet op de specifieke Brusselse context" in doc.answer[2].text
    rows = doc.annex[0].text.split("\n")
    assert rows[0] == ("Aantal erkende Huizen van het Kind en aantal gemeenten binnen hun werkingsgebied, per "
                       "provincie, op 1 februari 2015")
    assert "Limburg 13 15 44 34 %" in rows
    assert rows[-1] == "Totaal 96 161 327 49 %"
    assert doc.annex[0].page == 3


def test_footer_lines_in_text_exports_are_dropped():
    doc = parse(load(CORPUS / "2016-71-consultatiebureaus-en-locaties.txt"))
    full = "\n".join(p.text for p in doc.answer)
    assert "pagina 1" not in full and "Schriftelijke vraag 71" not in full
    doc = parse(load(CORPUS / "2023-456-evaluatie-van-de-hervorming.txt"))
    assert "p. 1" not in "\n".join(p.text for p in doc.question + doc.answer)


def test_labels():
    assert _label("1-2") == ("1-2", [1, 2])
    assert _label("1 en 2") == ("1-2", [1, 2])
    assert _label("3, 4 en 5") == ("3-5", [3, 4, 5])
    assert _label("2 en 4") == ("2,4", [2, 4])


def test_footer_patterns():
    assert is_footer("- 2 -") and is_footer("Schriftelijke vraag 71 - pagina 1")
    assert is_footer("Vlaams Parlement  -  Schriftelijke vraag nr. 456 (2022-2023)  -  p. 1")
    assert not is_footer("Limburg 13 15 44 34 %")
    assert not is_footer("1. Hoeveel Huizen van het Kind zijn er?")


def test_plain_document_is_not_a_pq():
    doc = parse(LoadedDocument(path="notes.txt", pages=["Some plain notes.\n\nNothing numbered here."], sha256="x", kind="txt"))
    assert not doc.is_pq and doc.number == "" and doc.answer == []
    assert [p.text for p in doc.question[0].paragraphs] == ["Some plain notes.", "Nothing numbered here."]


def test_inner_numbering_does_not_break_answer_mapping():
    text = ("Titel  -  Sub\n\nContext.\n\n1. Vraag een?\n\n2. Vraag twee?\n\nJAN JANSSENS\nVLAAMS MINISTER VAN X\n\n"
            "ANTWOORD\nop vraag nr. 12 van 3 maart 2020\nvan PIET PIETERS\n\n1. Antwoord een met een lijst:\n"
            "1. eerste punt\n2. tweede punt\n\n2. Antwoord twee.\n")
    doc = parse(LoadedDocument(path="x.txt", pages=[text], sha256="x", kind="txt"))
    assert [p.label for p in doc.answer] == ["1", "2"]
    assert "1. eerste punt" in doc.answer[0].text and doc.answer[1].text == "Antwoord twee."


def test_doc_id():
    assert doc_id_for("corpus/2018-503-Regionale spreiding.txt") == "2018-503-regionale-spreiding"
