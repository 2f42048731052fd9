"""The figures ledger: extraction (values, units, reference dates, scopes), quantity keys and
grouping, timelines. The two real seed documents are pinned exactly."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pq_assistant.figures import (
    annotate_timeline,
    extract_figures,
    figures_for_document,
    group_quantities,
    quantity_key,
    timeline,
)
from pq_assistant.models import Figure, Paragraph, Part, PQDocument
from pq_assistant.textutil import normalize

DATA = Path(__file__).parent / "data"


def paragraphs(raw: str) -> str:
    """Undo hard wraps and hyphenation per paragraph (paragraphs are separated by blank lines)."""
    return "\n\n".join(p for p in (normalize(x) for x in re.split(r"\n[ \t\f]*\n", raw)) if p)


def rows(figs: list[Figure]) -> list[tuple]:
    return [(f.value, f.number_value, f.unit, f.date, f.date_source, f.scope) for f in figs]


def one(text: str, **kw) -> Figure:
    figs = extract_figures(text, **kw)
    assert len(figs) == 1, rows(figs)
    return figs[0]


# ---------------------------------------------------------------------------------------------
# The real seeds


def seed_004() -> str:
    return (DATA / "004_20b2bb69adfdfb62.txt").read_text(encoding="utf-8")


def seed_000() -> str:
    return (DATA / "000_0f26ff140619a531.txt").read_text(encoding="utf-8")


def test_seed_004_answer_figures_exactly():
    answer = seed_004().split("ANTWOORD", 1)[1]
    figs = extract_figures(paragraphs(answer), fallback_date="2018-05-23")
    assert rows(figs) == [
        ("153", 153.0, "Huizen van het Kind", "2018-05-01", "explicit", ""),
        # the next sentence: its date comes from the sentence before ("context")
        ("153", 153.0, "Huizen van het Kind", "2018-05-01", "context", ""),
        ("231", 231.0, "gemeenten", "2018-05-01", "context", ""),
        ("212", 212.0, "gemeenten", "2018-05-01", "context", "Vlaams Gewest"),
        ("19", 19.0, "gemeenten", "2018-05-01", "context", "Brussels Hoofdstedelijk Gewest"),
        ("308", 308.0, "gemeenten", "2018-05-01", "context", "Vlaams Gewest"),
        ("19", 19.0, "gemeenten", "2018-05-01", "context", "Brussels Hoofdstedelijk Gewest"),
        ("128", 128.0, "Huizen van het Kind", "2016", "explicit", ""),
    ]
    # the value's offsets point at the value in its sentence
    for f in figs:
        assert f.sentence[f.start:f.end] == f.value
    first = figs[0]
    assert first.sentence.startswith("Volgens de laatste stand van zaken op 1/5/2018 zijn er 153 erkende")
    # the caller fills the document fields
    assert (first.doc, first.doc_id, first.number, first.chunk_id, first.minister, first.doc_date) == ("",) * 6


def test_seed_004_quantities_keep_survey_apart_from_recognised_count():
    figs = extract_figures(paragraphs(seed_004().split("ANTWOORD", 1)[1]), fallback_date="2018-05-23")
    by_value = {f.value: f for f in figs}
    assert quantity_key(by_value["153"].quantity) == quantity_key("aantal erkende Huizen van het Kind")
    assert "bevraagd" in quantity_key(by_value["128"].quantity)
    assert quantity_key(by_value["128"].quantity) != quantity_key(by_value["153"].quantity)
    # "op 308 gemeenten": the total the 212 are part of, not a second count of the same thing
    assert "totaal" in quantity_key(by_value["308"].quantity)


def test_quantity_keys_unify_singular_and_plural_of_irregular_words():
    """"lokaal loket" and "lokale loketten" (and "uur"/"uren", "jaar"/"jaren") are one quantity
    word each: before, the irregular plural kept its long vowel and the singular lost it."""
    assert quantity_key("gemeenten met een lokaal loket") == quantity_key("gemeenten met lokale loketten")
    assert quantity_key("uren kraamzorg") == quantity_key("uur kraamzorg")
    assert quantity_key("jaren") == quantity_key("jaar")
    assert quantity_key("lokale besturen") == quantity_key("lokaal bestuur")


def test_seed_004_whole_file_has_no_other_figures():
    """The question text, the header 'op vraag nr. 503 van 23 mei 2018', list numbering and the
    URL give nothing."""
    figs = extract_figures(paragraphs(seed_004()), fallback_date="2018-05-23")
    assert [(f.value, f.date) for f in figs] == [
        ("153", "2018-05-01"), ("153", "2018-05-01"), ("231", "2018-05-01"), ("212", "2018-05-01"),
        ("19", "2018-05-01"), ("308", "2018-05-01"), ("19", "2018-05-01"), ("128", "2016"),
    ]


def test_seed_000_answer_figures_exactly():
    raw = seed_000()
    answer = raw[raw.index(" 1-2.Huizen"):]
    figs = extract_figures(paragraphs(answer))  # no header: no answer date
    assert rows(figs) == [
        ("123", 123.0, "Huizen van het Kind", "", "undated", ""),
        ("177", 177.0, "gemeenten", "", "undated", ""),  # Flanders and Brussels together: the whole, no scope
        ("36", 36.0, "praktijken", "2015", "context", ""),
        ("127", 127.0, "Huizen van het Kind", "2016-05-31", "explicit", ""),
        ("1", 1.0, "Huizen van het Kind", "2016-05-31", "context", "Brussels Hoofdstedelijk Gewest"),
        ("22", 22.0, "Huizen van het Kind", "2016-05-31", "context", "Vlaams Gewest"),
        ("104", 104.0, "Huizen van het Kind", "2016-05-31", "context", "Vlaams Gewest"),
        ("17", 17.0, "%", "2016-05-31", "context", ""),
        ("1 op 5", 0.2, "verhouding", "2016-05-31", "context", ""),
    ]
    by_value = {f.value: f for f in figs}
    # "127 HvhK" counts the same thing as "153 erkende Huizen van het Kind"
    assert quantity_key(by_value["127"].quantity) == quantity_key("erkende Huizen van het Kind")
    # "waarvan 22 intergemeentelijke ...": a part of the 127, not the 127 again
    assert quantity_key(by_value["22"].quantity) != quantity_key(by_value["127"].quantity)
    # 17 % and "1 op 5" are the same share
    assert by_value["17"].quantity == by_value["1 op 5"].quantity
    assert by_value["17"].sentence.startswith("Met andere woorden")


def test_seed_000_question_gives_no_figures():
    """art. 7/8/9, 'nr. 465 van 12 maart 2015', the decree of 29 november 2013 and the decision
    of 28 maart 2014, 'Op 20 november 2013' and the sub-question numbering are not figures."""
    raw = seed_000()
    question = raw[:raw.index(" 1-2.Huizen")]
    assert extract_figures(paragraphs(question)) == []
    whole = extract_figures(paragraphs(raw))
    assert [f.value for f in whole] == ["123", "177", "36", "127", "1", "22", "104", "17", "1 op 5"]


# ---------------------------------------------------------------------------------------------
# Values and units


@pytest.mark.parametrize("text, value, number, unit", [
    ("Dat is 17% van de gezinnen.", "17", 17.0, "%"),
    ("Dat is 17 procent van de gezinnen.", "17", 17.0, "%"),
    ("Het aandeel bedroeg 12,6 %.", "12,6", 12.6, "%"),
    ("Ongeveer 1 op 5 gezinnen is kwetsbaar.", "1 op 5", 0.2, "verhouding"),
    ("Zo zijn 8 op de 10 ouders tevreden.", "8 op de 10", 0.8, "verhouding"),
    ("Er is 1,2 miljoen euro voorzien.", "1,2", 1_200_000.0, "miljoen euro"),
    ("Er werd € 450.000 geïnvesteerd.", "450.000", 450_000.0, "euro"),
    ("Er werd 450 000 euro geïnvesteerd.", "450 000", 450_000.0, "euro"),
    ("Er werd EUR 450 000 vrijgemaakt.", "450 000", 450_000.0, "euro"),  # before: 450 euro and "000"
    ("Er werd € 1 200 000 voorzien.", "1 200 000", 1_200_000.0, "euro"),
    ("Daarvan gaat € 85 mln. naar de gemeenten.", "85", 85_000_000.0, "miljoen euro"),
    ("Het gaat om 1,5 miljard euro.", "1,5", 1.5e9, "miljard euro"),
    ("De bijdrage bedroeg 7,85 euro per uur.", "7,85", 7.85, "euro per uur"),
    ("Er waren 52.302 plaatsen met een inkomenstarief.", "52.302", 52302.0, "plaatsen"),
    ("Er zijn 153 erkende Huizen van het Kind.", "153", 153.0, "Huizen van het Kind"),
    ("Er zijn 127 HvhK.", "127", 127.0, "Huizen van het Kind"),
    ("Zij werken in 212 gemeenten.", "212", 212.0, "gemeenten"),
    ("Een Huis omvat gemiddeld 2,6 gemeenten.", "2,6", 2.6, "gemeenten"),
])
def test_values_units_and_numbers(text, value, number, unit):
    f = one(text)
    assert (f.value, f.number_value, f.unit) == (value, number, unit)
    assert f.sentence[f.start:f.end] == value


def test_counts_in_words_only_on_request_shares_in_words_always():
    # a share in words is a figure whatever follows it ("twee derde van", "zeven op de tien");
    # a count in words ("drie inloopteams", but also "drie sporen") only with words=True
    text = "Dat is twee derde van de gemeenten; drie inloopteams werken mee."
    assert [(f.value, round(f.number_value, 3), f.unit) for f in extract_figures(text)] == [
        ("twee derde", 0.667, "verhouding")]
    figs = extract_figures(text, words=True)
    assert [(f.value, round(f.number_value, 3), f.unit) for f in figs] == [
        ("twee derde", 0.667, "verhouding"), ("drie", 3.0, "inloopteams")]


@pytest.mark.parametrize("text", [
    "Dat staat in art. 7 en artikel 8, § 2 van het decreet.",
    "Zie mijn schriftelijke vraag nr. 465 en vraag nr. 503 van 23 mei 2018.",
    "Het decreet van 29 november 2013 werd gewijzigd op 1/5/2018.",
    "In 2019 bevestigde het regeerakkoord 2019-2024 die keuze.",
    "Dat werd besproken in de zitting 2022-2023.",
    "Bel de lijn op 078 150 100 of kijk op www.kindengezin.be/cijfers-2019.",
    "Meer informatie op http://www.expoo.be/sites/default/files/atoms/files/Publicatie2016.pdf",
    "Zie pagina 3 en bijlage 2.",
    "Het gaat om kinderen van 18 tot 24 maanden en kinderen jonger dan 3 jaar.",
    "Het consult rond de leeftijd van 30 maanden blijft behouden.",
    "De dekkingsgraad wordt uitgedrukt per 100 kinderen.",
    "1. Hoe evolueert het aanbod?",
    "1-2. Het aanbod groeit.\n\n3 en 4. Dat blijft zo.",
    "4. Heeft de minister cijfers? 1-2.Huizen van het Kind zijn lokale samenwerkingsverbanden.",
])
def test_non_figures(text):
    assert extract_figures(text) == [], rows(extract_figures(text))


# ---------------------------------------------------------------------------------------------
# Reference dates


@pytest.mark.parametrize("text, date", [
    ("Op datum van 31 mei 2016 waren er 127 HvhK.", "2016-05-31"),
    ("Op 1/5/2018 waren er 153 erkende Huizen van het Kind.", "2018-05-01"),
    ("In 2019 waren er 160 erkende Huizen van het Kind.", "2019"),
    ("Per 1 januari 2020 waren er 161 erkende Huizen van het Kind.", "2020-01-01"),
    ("In het schooljaar 2018-2019 waren 1.942 kleuters onvoldoende aanwezig.", "2019"),
    ("Op 1 oktober 2019 waren er 160 erkende Huizen van het Kind.", "2019-10-01"),
    ("Eind 2020 waren er 12 antennes.", "2020-12-31"),
    ("Tot eind april 2020 werden 12.000 gezinnen opgebeld.", "2020-04-30"),
    ("In maart 2020 werden 9.000 oproepen beantwoord.", "2020-03-01"),
    ("Alle 318 consultatiebureaus die Kind en Gezin op 18 maart 2020 telde, bleven open.", "2020-03-18"),
    ("Tussen 1 september 2013 en 1 september 2016 werden 58 locaties gesloten.", "2016-09-01"),
    ("Het budget bedraagt 4,3 miljoen euro in 2016.", "2016"),
])
def test_explicit_dates(text, date):
    f = one(text, fallback_date="2021-01-15")
    assert (f.date, f.date_source) == (date, "explicit")


def test_each_figure_takes_the_date_written_with_it():
    figs = extract_figures("Op 1 oktober 2020 waren er 109.870 plaatsen, op 1 oktober 2021 109.214 plaatsen.")
    assert [(f.value, f.date) for f in figs] == [("109.870", "2020-10-01"), ("109.214", "2021-10-01")]
    figs = extract_figures("In 2019 was dat 17 %, 15 procent in 2018 en 12,6 % in 2017.")
    assert [(f.value, f.date) for f in figs] == [("17", "2019"), ("15", "2018"), ("12,6", "2017")]


def test_money_is_dated_by_its_year():
    f = one("Op 1 januari 2021 kreeg elk Huis van het Kind 25.000 euro.")
    assert (f.date, f.unit) == ("2021", "euro")


def test_date_from_previous_sentence_and_context():
    figs = extract_figures("Het magazine verscheen in 2015. Het bevat onder meer 36 inspirerende praktijken.")
    assert [(f.value, f.date, f.date_source) for f in figs] == [("36", "2015", "context")]
    f = one("Er waren 40 consultatiebureaus.", context="Op 1 oktober 2019 maakte Kind en Gezin de balans op.",
            fallback_date="2021-01-15")
    assert (f.date, f.date_source) == ("2019-10-01", "context")


def test_fallback_is_the_answer_year_and_none_without_it():
    assert (one("Er waren 40 consultatiebureaus.", fallback_date="2021-01-15").date,
            one("Er waren 40 consultatiebureaus.", fallback_date="2021-01-15").date_source) == ("2021", "document-date")
    f = one("Er waren 40 consultatiebureaus.")
    assert (f.date, f.date_source) == ("", "undated")


def test_list_lines_take_the_date_of_their_lead_sentence():
    text = ("Er zijn op datum van 31 mei 2016 127 HvhK:\n\n- waarvan 1 in het BHG\n\n"
            "- waarvan 22 intergemeentelijke samenwerkingsverbanden in Vlaanderen")
    figs = extract_figures(text)
    assert [(f.value, f.date, f.unit, f.scope) for f in figs] == [
        ("127", "2016-05-31", "Huizen van het Kind", ""),
        ("1", "2016-05-31", "Huizen van het Kind", "Brussels Hoofdstedelijk Gewest"),
        ("22", "2016-05-31", "Huizen van het Kind", "Vlaams Gewest"),
    ]


def test_citation_comparison_and_future_dates_do_not_carry():
    # a decree date is never a reference date
    f = one("Het decreet van 29 november 2013 geldt nu voor 12 gemeenten.", fallback_date="2014-11-21")
    assert (f.date, f.date_source) == ("2014", "relative")  # "nu" in a written answer: its year
    # "ten opzichte van 2015": dates the 12,6 in its own sentence, but does not carry
    figs = extract_figures("In 2016 werd 13,1 % van de kinderen geboren in een kansarm gezin. Dat is een stijging "
                           "ten opzichte van 2015, toen het aandeel 12,6 % bedroeg. "
                           "In de centrumsteden ligt het op 21,8 %.")
    assert [(f.value, f.date, f.scope) for f in figs] == [("13,1", "2016", ""), ("12,6", "2015", ""),
                                                         ("21,8", "2016", "centrumsteden")]
    # a planned date (after the answer) dates its own paragraph only
    figs = extract_figures("Op 1 november 2014 waren er 64 erkende Huizen van het Kind. Voor 2015 is 3,1 miljoen "
                           "euro voorzien.\n\nElk erkend Huis van het Kind ontvangt 12.500 euro.",
                           fallback_date="2014-11-21")
    assert [(f.value, f.date) for f in figs] == [("64", "2014-11-01"), ("3,1", "2015"), ("12.500", "2014")]


def test_now_words_use_the_answer_date():
    text = "Op 1 januari 2014 waren er 10 Huizen.\n\nOp dit moment zijn er 123 Huizen van het Kind."
    figs = extract_figures(text, fallback_date="2016-04-01")
    assert [(f.value, f.date, f.date_source) for f in figs] == [("10", "2014-01-01", "explicit"),
                                                                 ("123", "2016", "relative")]


def test_same_period_of_another_year():
    text = ("In de periode van 18 maart tot en met 30 april 2020 vonden 41.380 consulten plaats. "
            "Ter vergelijking: in dezelfde periode van 2019 vonden 96.200 consulten plaats.")
    figs = extract_figures(text, fallback_date="2020-05-02")
    assert [(f.value, f.date) for f in figs] == [("41.380", "2020-04-30"), ("96.200", "2019-04-30")]


def test_older_value_in_a_change_has_no_date_of_its_own():
    f = extract_figures("Op 1 januari 2025 daalt het aantal gemeenten van 300 naar 285.")
    assert [(x.value, x.date, x.date_source) for x in f] == [("300", "", "undated"), ("285", "2025-01-01", "explicit")]


def test_period_and_year_columns():
    f = one("In de periode 2019-2021 werden 25 projecten gesubsidieerd.", fallback_date="2022-06-01")
    assert (f.date, f.date_source) == ("2021", "explicit")
    table = "Provincie 2019 2020 2021\nAntwerpen 30 29 29\nTotaal 160 161 124"
    figs = extract_figures(table, section="annex", context="Aantal Huizen van het Kind per provincie")
    assert [(f.value, f.date, f.scope, f.unit) for f in figs] == [
        ("30", "2019", "Antwerpen", "Huizen van het Kind"), ("29", "2020", "Antwerpen", "Huizen van het Kind"),
        ("29", "2021", "Antwerpen", "Huizen van het Kind"), ("160", "2019", "", "Huizen van het Kind"),
        ("161", "2020", "", "Huizen van het Kind"), ("124", "2021", "", "Huizen van het Kind")]


def test_parts_changes_and_recipients():
    # "waarvan": a part of the count before it, in the same province
    figs = extract_figures("De provincie Limburg telt 42 gemeenten, waarvan 38 met een Huis van het Kind.")
    assert [(f.value, f.scope) for f in figs] == [("42", "Limburg"), ("38", "Limburg")]
    assert quantity_key(figs[0].quantity) != quantity_key(figs[1].quantity)
    # "1,2 miljoen euro meer dan in 2022" is a change, not a second budget for 2023
    figs = extract_figures("In 2023 werd 14,8 miljoen euro uitgetrokken voor de Huizen van het Kind, dat is "
                           "1,2 miljoen euro meer dan in 2022.")
    assert [(f.value, f.date) for f in figs] == [("14,8", "2023"), ("1,2", "2023")]
    assert "verandering" in quantity_key(figs[1].quantity) and "verandering" not in quantity_key(figs[0].quantity)
    # each amount takes the recipient written next to it
    figs = extract_figures("Het gaat om € 1,2 miljoen voor de kinderopvang en € 250.000 voor de evaluatie.")
    assert [f.quantity for f in figs] == ["budget kinderopvang", "budget evaluatie"]
    # "Daarvan gaat 1,6 miljoen euro naar ...": a part of the 2,5 million, not another budget
    figs = extract_figures("In 2020 werd 2,5 miljoen euro vrijgemaakt. Daarvan gaat 1,6 miljoen euro naar de "
                           "Huizen van het Kind.")
    assert "deel" in quantity_key(figs[1].quantity)


# ---------------------------------------------------------------------------------------------
# Annex tables

ANNEX = """\
Aantal erkende Huizen van het Kind en aantal gemeenten binnen hun werkingsgebied, per provincie, \
op 1 februari 2015
Provincie Erkende HvhK Gemeenten HvhK Gemeenten totaal Dekking
Antwerpen 21 38 70 54 %
Brussels Hoofdstedelijk Gewest 1 19 19 100 %
Totaal 96 161 327 49 %"""


def test_annex_one_figure_per_cell_with_row_scope_and_caption_date():
    figs = extract_figures(ANNEX, section="annex", fallback_date="2015-03-04")
    assert [(f.value, f.unit, f.date, f.scope) for f in figs[:4]] == [
        ("21", "Huizen van het Kind", "2015-02-01", "Antwerpen"),
        ("38", "Gemeenten", "2015-02-01", "Antwerpen"),  # "Gemeenten HvhK": it counts municipalities
        ("70", "Gemeenten", "2015-02-01", "Antwerpen"),
        ("54", "%", "2015-02-01", "Antwerpen"),
    ]
    assert len(figs) == 12
    assert [f.scope for f in figs[-4:]] == [""] * 4  # the total row is the overall value
    assert all(f.sentence.split()[0] in ("Antwerpen", "Brussels", "Totaal") for f in figs)
    assert all(f.sentence[f.start:f.end] == f.value for f in figs)
    # the recognised-houses column is the same quantity as "153 erkende Huizen van het Kind"
    assert quantity_key(figs[0].quantity) == quantity_key("erkende Huizen van het Kind")


def test_annex_caption_as_context_and_money_columns_by_year():
    table = ("Provincie Aantal Huizen van het Kind Aantal gemeenten Subsidie 2021 (euro)\n"
             "Limburg 17 42 1.498.700\nTotaal 124 319 12.100.000")
    caption = "Huizen van het Kind en subsidies per provincie op 1 januari 2021"
    figs = extract_figures(table, section="annex", context=caption)
    assert [(f.value, f.number_value, f.unit, f.date, f.scope) for f in figs] == [
        ("17", 17.0, "Huizen van het Kind", "2021-01-01", "Limburg"),
        ("42", 42.0, "gemeenten", "2021-01-01", "Limburg"),
        ("1.498.700", 1_498_700.0, "euro", "2021", "Limburg"),
        ("124", 124.0, "Huizen van het Kind", "2021-01-01", ""),
        ("319", 319.0, "gemeenten", "2021-01-01", ""),
        ("12.100.000", 12_100_000.0, "euro", "2021", ""),
    ]


def test_annex_without_numbers_gives_nothing():
    text = ("Gemeenten die op 1 oktober 2019 geen deel uitmaken van een Huis van het Kind\n"
            "Provincie Gemeente\nAntwerpen Baarle-Hertog\nLimburg Voeren")
    assert extract_figures(text, section="annex") == []


# ---------------------------------------------------------------------------------------------
# Quantities


def test_quantity_key_normalises():
    k = quantity_key("aantal erkende Huizen van het Kind")
    assert k == quantity_key("HvhK") == quantity_key("huis van het kind") == quantity_key("Huis van het Kind erkend")
    assert quantity_key("Kansarmoede-index") == quantity_key("kansarmoede-índex")
    assert quantity_key("consultatiebureaus") == quantity_key("het consultatiebureau")
    assert quantity_key("kinderopvangplaatsen") == quantity_key("kinderopvangplaats")
    assert quantity_key("verwacht aantal Huizen van het Kind") != k
    assert quantity_key("bevraagde Huizen van het Kind") != k
    assert quantity_key("gemeenten") != k


def test_forecast_and_survey_get_their_own_quantity():
    forecast = one("Opgroeien verwacht dat het aantal Huizen van het Kind tegen eind 2025 zal dalen tot ongeveer 105.",
                   fallback_date="2024-11-26")
    assert (forecast.value, forecast.date, forecast.unit) == ("105", "2025-12-31", "Huizen van het Kind")
    assert "verwacht" in quantity_key(forecast.quantity)
    survey = one("In 2016 werd bij 128 Huizen van het Kind een bevraging afgenomen.")
    assert "bevraagd" in quantity_key(survey.quantity)
    actual = one("Op 1 januari 2025 zijn er 109 erkende Huizen van het Kind.")
    keys = {quantity_key(x.quantity) for x in (forecast, survey, actual)}
    assert len(keys) == 3


def _fig(value: str, number: float, unit: str, quantity: str, date: str, doc: str, scope: str = "") -> Figure:
    return Figure(value=value, number_value=number, unit=unit, quantity=quantity, date=date, date_source="explicit",
                  sentence="", scope=scope, doc=doc, doc_date=date[:4] + "-12-31")


LEDGER = [
    _fig("127", 127, "Huizen van het Kind", "HvhK", "2016-05-31", "a.txt"),
    _fig("153", 153, "Huizen van het Kind", "erkende Huizen van het Kind", "2018-05-01", "b.txt"),
    _fig("105", 105, "Huizen van het Kind", "verwacht Huizen van het Kind", "2025-12-31", "c.txt"),
    _fig("128", 128, "Huizen van het Kind", "bevraagd Huizen van het Kind", "2016", "b.txt"),
    _fig("17", 17, "%", "aandeel intergemeentelijke Huizen van het Kind", "2016-05-31", "a.txt"),
    _fig("4,3", 4.3e6, "miljoen euro", "budget werkingsmiddelen Huizen van het Kind", "2016", "d.txt"),
    _fig("12,1", 12.1e6, "miljoen euro", "budget subsidiëring Huizen van het Kind", "2021", "e.txt"),
    _fig("2,5", 2.5e6, "miljoen euro", "extra budget gezinsondersteuning", "2020", "f.txt"),
]


def test_group_quantities_by_key():
    groups = group_quantities(LEDGER)
    assert [0, 1] in groups  # 127 HvhK (2016) and 153 erkende Huizen van het Kind (2018): one timeline
    assert [2] in groups and [3] in groups and [4] in groups  # forecast, survey, share stay apart
    assert sorted(i for g in groups for i in g) == list(range(len(LEDGER)))


def test_group_quantities_with_embeddings_respects_markers_and_families():
    vocab = ["budget", "werkingsmiddelen", "subsidiëring", "huizen", "kind", "extra", "gezinsondersteuning", "verwacht",
             "bevraagd", "aandeel", "intergemeentelijke", "erkende", "hvhk"]

    def embed(texts: list[str]) -> np.ndarray:
        # a crude bag of words where both budget phrasings look alike
        out = np.zeros((len(texts), len(vocab)))
        for i, t in enumerate(texts):
            for w in t.lower().split():
                if w in vocab:
                    out[i, vocab.index(w)] = 1.0
            out[i, vocab.index("budget")] += 0  # keep shape
            if "werkingsmiddelen" in t.lower() or "subsidiëring" in t.lower():
                out[i, vocab.index("werkingsmiddelen")] = out[i, vocab.index("subsidiëring")] = 1.0
        out += 1e-9
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    groups = group_quantities(LEDGER, embed=embed, threshold=0.9)
    assert [5, 6] in groups  # the two budget phrasings merge
    assert [7] in groups  # "extra" money never merges with the budget
    assert [2] in groups and [3] in groups


def test_timeline_orders_by_reference_date():
    ordered = timeline([LEDGER[1], LEDGER[0]])
    assert [f.value for f in ordered] == ["127", "153"]


def test_annotate_timeline_latest_superseded_conflict_and_repeats():
    ledger = [
        _fig("64", 64, "Huizen van het Kind", "erkende Huizen van het Kind", "2014-11-01", "a.txt"),
        _fig("64", 64, "Huizen van het Kind", "Huizen van het Kind erkend", "2014-11-01", "b.txt"),  # a repeat
        _fig("96", 96, "Huizen van het Kind", "erkende Huizen van het Kind", "2015-02-01", "b.txt"),
        _fig("97", 97, "Huizen van het Kind", "erkende Huizen van het Kind", "2015-02-01", "c.txt"),  # conflict
        _fig("21", 21, "Huizen van het Kind", "erkende Huizen van het Kind", "2015-02-01", "b.txt", "Antwerpen"),
        _fig("6,8", 6.8e6, "miljoen euro", "budget Huizen van het Kind", "2019", "d.txt"),
        _fig("6.812.300", 6_812_300, "euro", "budget Huizen van het Kind", "2019", "e.txt"),  # rounding agrees
        _fig("96,3", 96.3, "%", "vaccinatiegraad", "2012", "f.txt"),
        _fig("96,6", 96.6, "%", "vaccinatiegraad", "2012", "f.txt"),  # same document: a variant, no conflict
    ]
    notes = {a["index"]: a for a in annotate_timeline(ledger)}
    assert notes[0]["status"] == notes[1]["status"] == "superseded"
    assert notes[0]["repeats"] == [1]
    assert notes[2]["status"] == notes[3]["status"] == "conflict"
    assert notes[4]["status"] == "latest"  # Antwerpen is its own timeline
    assert notes[5]["status"] == "latest" and notes[6]["status"] == "confirmed"  # a newer source repeats it
    assert notes[6]["confirms"] == 5 and notes[0]["replaced_by"] == notes[1]["replaced_by"] == 3
    assert notes[7]["status"] == notes[8]["status"] == "latest" and notes[7]["same_date"] == [8]
    assert notes[0]["group"] == notes[2]["group"] == notes[4]["group"]


def test_annotate_timeline_a_big_date_bucket_is_grouped_by_value_and_its_lists_are_capped():
    from pq_assistant.figures.timelines import LISTED

    # one quantity, one reference date, 600 statements of two values from 300 documents (a whole
    # parliament's ledger has such buckets): every figure is in conflict with the other value,
    # the old value is replaced by the newest source's figure, and no list grows with the bucket
    ledger = [_fig(v, float(v), "plaatsen", "plaatsen", "2020", f"d{n % 300:03d}.txt")
              for n, v in enumerate(["100", "101"] * 300)]
    ledger.append(_fig("105", 105.0, "plaatsen", "plaatsen", "2021", "z.txt"))
    notes = {a["index"]: a for a in annotate_timeline(ledger, [list(range(len(ledger)))])}
    assert notes[600]["status"] == "latest"
    assert {notes[i]["status"] for i in range(600)} == {"conflict"}
    assert {notes[i]["replaced_by"] for i in range(600)} == {600}
    assert all(len(notes[i][k]) == LISTED for i in range(600) for k in ("repeats", "same_date", "conflicts_with"))
    assert all(ledger[j].value != ledger[0].value for j in notes[0]["conflicts_with"])
    assert all(ledger[j].value == ledger[0].value for j in notes[0]["repeats"])


def test_percentage_and_ratio_agree():
    ledger = [_fig("17", 17, "%", "aandeel intergemeentelijk", "2016-05-31", "a.txt"),
              _fig("1 op 5", 0.2, "verhouding", "aandeel intergemeentelijk", "2016-05-31", "b.txt")]
    assert [a["status"] for a in annotate_timeline(ledger)] == ["latest", "confirmed"]


# ---------------------------------------------------------------------------------------------
# Documents


def _doc(**kw) -> PQDocument:
    base = dict(doc_id="2019-38-x", file="2019-38-x.txt", path="corpus/2019-38-x.txt", sha256="0", pages=2,
                number="38", date="2019-10-21", minister="ANNELIES VERSCHAEVE")
    base.update(kw)
    return PQDocument(**base)


def test_figures_for_document_fills_document_fields_and_reads_question_context():
    doc = _doc(
        question=[
            Part("question", "", [], [Paragraph("Door de fusies van 1 januari 2019 telt Vlaanderen nog 300 "
                                                "gemeenten.", 1)]),
            Part("question", "1", [1], [Paragraph("Hoeveel Huizen van het Kind waren er in 2019 op 120 "
                                                  "gemeenten?", 1)]),
        ],
        answer=[
            Part("answer", "1", [1], [Paragraph("Op 1 oktober 2019 waren er 160 erkende Huizen van het Kind.", 1)]),
            Part("answer", "2", [2], [Paragraph("Samen bestrijken zij 290 van de 300 Vlaamse gemeenten.", 2)]),
        ],
        annex=[Part("annex", "", [], [Paragraph("Provincie Huizen van het Kind\nLimburg 17", 2)])],
    )
    figs = figures_for_document(doc)
    assert [(f.value, f.date, f.page) for f in figs] == [
        ("300", "2019-01-01", 1),  # the question's context states it (sub-questions are not read)
        ("160", "2019-10-01", 1),
        ("290", "2019-10-01", 2),  # the date carries into the next answer part
        ("300", "2019-10-01", 2),
        ("17", "2019", 2),  # annex without caption: the answer's year
    ]
    f = figs[1]
    assert (f.doc, f.doc_id, f.number, f.minister, f.doc_date) == (
        "2019-38-x.txt", "2019-38-x", "38", "ANNELIES VERSCHAEVE", "2019-10-21")
    assert [f.value for f in figures_for_document(doc, include_question=False)] == ["160", "290", "300", "17"]


def test_figures_for_document_without_header_infers_the_year():
    doc = _doc(date="", number="", minister="", answer=[
        Part("answer", "1", [1], [Paragraph("Op dit moment zijn er 123 Huizen van het Kind.", 1),
                                  Paragraph("Op 31 mei 2016 waren er 127 HvhK.", 1)])])
    figs = figures_for_document(doc)
    assert [(f.value, f.date, f.date_source) for f in figs] == [
        ("123", "2016", "inferred"), ("127", "2016-05-31", "explicit")]
    # a plan does not count: the year comes from the dated figures, not from "in de loop van 2020"
    doc = _doc(date="", answer=[Part("answer", "1", [1], [Paragraph(
        "Op 1 januari 2019 waren er 160 Huizen. Het is mijn ambitie om in de loop van 2020 een volledige "
        "dekking te halen. Op dit moment zijn er 12 antennes.", 1)])])
    assert [(f.value, f.date) for f in figures_for_document(doc)] == [("160", "2019-01-01"), ("12", "2019")]


def test_figures_for_document_on_the_parsed_seed():
    parsing = pytest.importorskip("pq_assistant.parsing")
    loaders = pytest.importorskip("pq_assistant.loaders")
    doc = parsing.parse(loaders.load(DATA / "004_20b2bb69adfdfb62.txt"))
    figs = figures_for_document(doc)
    assert [(f.value, f.date) for f in figs] == [
        ("153", "2018-05-01"), ("153", "2018-05-01"), ("231", "2018-05-01"), ("212", "2018-05-01"),
        ("19", "2018-05-01"), ("308", "2018-05-01"), ("19", "2018-05-01"), ("128", "2016"),
    ]
    assert {f.number for f in figs} == {"503"} and {f.doc_date for f in figs} == {"2018-05-23"}


def test_import_is_light():
    code = "import sys, pq_assistant.figures; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
