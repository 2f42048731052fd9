"""Reference dates carried between sentences of a written answer: the rules that keep a quantity's
values on their own dates (so that its timeline lists each one where it belongs)."""
from __future__ import annotations

from pq_assistant.figures import figures_for_document
from pq_assistant.models import Paragraph, Part, PQDocument


def answer(paragraphs: list[str], date: str) -> list[tuple[str, str]]:
    """(value, date) of the figures of a written answer of these paragraphs, dated `date`."""
    doc = PQDocument(doc_id="d", file="d.txt", path="d.txt", sha256="x", pages=1, date=date, is_pq=True,
                     answer=[Part("answer", str(n), [n], [Paragraph(p, 1)]) for n, p in enumerate(paragraphs, 1)])
    return [(f.value, f.date) for f in figures_for_document(doc)]


# --- "vandaag" in a consequence of the state just given: that state's day -----------------------

def test_now_in_a_consequence_is_the_day_of_the_state_it_follows_from():
    got = answer(["Op 1 november 2014 waren er 64 erkende Huizen van het Kind. Dat betekent dat iets minder "
                  "dan een derde van de 308 Vlaamse gemeenten vandaag al deel uitmaakt van een erkend Huis."],
                 "2014-12-10")
    assert got == [("64", "2014-11-01"), ("een derde", "2014-11-01"), ("308", "2014-11-01")]


def test_now_without_a_consequence_stays_the_answers_year():
    # a new statement in the present is not the earlier day: 50 and 64 must not share a date
    got = answer(["Op 1 januari 2014 waren er 50 erkende Huizen van het Kind. Vandaag zijn er 64 erkende Huizen."],
                 "2014-12-10")
    assert got == [("50", "2014-01-01"), ("64", "2014")]


def test_now_in_a_consequence_of_another_year_stays_the_answers_year():
    got = answer(["Op 1 november 2013 waren er 40 erkende Huizen van het Kind. Dat betekent dat vandaag "
                  "308 gemeenten nog geen Huis hebben."], "2014-12-10")
    assert got == [("40", "2013-11-01"), ("308", "2014")]


# --- a sentence that announces a plan does not date what follows ---------------------------------

STUDY = ("De meest recente studie naar de vaccinatiegraad dateert van 2012. Voor het vaccin tegen "
         "pneumokokken bedroeg de vaccinatiegraad 93,2 %. Een nieuwe studie wordt in 2016 uitgevoerd; "
         "de resultaten worden begin 2017 verwacht.")


def test_a_plan_without_figures_does_not_carry_its_year_to_the_next_paragraph():
    got = answer([STUDY, "In de stad Antwerpen bedroeg de vaccinatiegraad 94,1 %."], "2016-04-20")
    assert got == [("93,2", "2012"), ("94,1", "2012")]


def test_a_stated_year_without_a_plan_still_carries():
    got = answer(["De meest recente studie dateert van 2012. In 2016 werd een nieuwe studie uitgevoerd.",
                  "In de stad Antwerpen bedroeg de vaccinatiegraad 94,1 %."], "2016-04-20")
    assert got == [("94,1", "2016")]


def test_a_plan_with_figures_carries_as_before():
    # a sentence with its own figure is a statement, not only an announcement
    got = answer(["In 2016 zullen 20 projecten steun krijgen.", "Daarvoor is 2 miljoen euro voorzien."],
                 "2016-04-20")
    assert got == [("20", "2016"), ("2", "2016")]


# --- a sentence whose figure repeats a firmer statement speaks of that statement's day ------------

INLOOP = "Op 1 mei 2015 zijn er 24 opvoedingswinkels en 26 inloopteams erkend. Voor de opvoedingswinkels " \
         "wordt in 2015 in totaal 2,6 miljoen euro ingezet."


def test_a_sentence_mate_of_a_repeated_figure_takes_its_firmer_day():
    got = answer([INLOOP, "Alle 24 opvoedingswinkels en 23 van de 26 inloopteams zijn betrokken bij een Huis."],
                 "2015-06-08")
    assert ("23", "2015-05-01") in got and ("24", "2015-05-01") in got[3:]


def test_a_restated_whole_alone_does_not_move_its_sentence():
    # "in 23 van de 26": only the whole (26) repeats the day; the part keeps the carried year
    got = answer([INLOOP, "In 2015 werden nieuwe afspraken gemaakt.", "In 23 van de 26 inloopteams is er een "
                  "vrijwilliger actief."], "2015-06-08")
    assert ("23", "2015") in got


def test_a_repeat_of_another_year_does_not_move_its_sentence():
    # the firmer date must make the carried one more precise (the same year), not replace it
    got = answer(["Op 1 mei 2014 waren er 24 opvoedingswinkels erkend.", "In 2015 waren er nog steeds 24 "
                  "opvoedingswinkels en 23 inloopteams."], "2015-06-08")
    assert ("23", "2015") in got


# --- the end of a span dates its paragraph; beyond it, its year ---------------------------------

def test_the_end_of_a_span_dates_its_paragraph_and_beyond_it_the_year():
    doc = PQDocument(doc_id="d", file="d.txt", path="d.txt", sha256="x", pages=1, date="2019-12-10", is_pq=True,
                     answer=[Part("answer", "", [], [
                         Paragraph("Tussen 1 januari en 30 november van dit jaar werden 83 gevallen gemeld. "
                                   "In dezelfde periode werden 12 scholen verwittigd.", 1),
                         Paragraph("Kind en Gezin zet in op drie sporen.", 1),
                         Paragraph("Ongeveer drie kwart van alle vaccinaties gebeurt op het consultatiebureau.", 1)])])
    got = [(f.value, f.date) for f in figures_for_document(doc)]
    assert got == [("83", "2019-11-30"), ("12", "2019-11-30"), ("drie kwart", "2019")]


# --- "in dezelfde periode" in a paragraph that speaks in years: a year -----------------------------

def test_the_same_period_of_a_paragraph_in_years_is_a_year():
    got = answer(["In 2024 werkten er circa 1.310 fte aan jeugdartsen. In 2019 was dat nog circa 1.420 fte. Eind 2024 "
                  "stonden er 146 vacatures open. Het aantal verpleegkundigen is in dezelfde periode licht gestegen, "
                  "tot circa 3.050 fte."], "2025-02-01")
    assert got[-1] == ("3.050", "2024") and ("146", "2024-12-31") in got


def test_the_same_period_of_a_paragraph_in_days_stays_the_day():
    got = answer(["Tussen 1 september 2013 en 1 september 2016 werden 58 locaties gesloten. In dezelfde periode werden "
                  "21 nieuwe locaties geopend."], "2016-10-01")
    assert got == [("58", "2016-09-01"), ("21", "2016-09-01")]


# --- a new answer part in the present, without a date of its own --------------------------------

def test_a_new_part_in_the_present_is_about_the_answers_time():
    got = answer(["In 2022 volgden 1.250 professionals een vorming.",
                  "De samenwerking verloopt lokaal. In 64 Huizen van het Kind is het CLB een partner.",
                  "Ik trek in 2023 350.000 euro uit voor een projectoproep."], "2023-03-20")
    assert ("64", "2023") in got and ("1.250", "2022") in got


def test_a_new_part_in_the_present_keeps_the_year_the_answer_reports_up_to():
    # the answer reports on 2017 only (a plan for 2018 without figures does not count)
    got = answer(["In 2017 werd 81 % van de oproepen binnen de minuut beantwoord.",
                  "Ongeveer 38 % van de vragen heeft betrekking op kinderopvang.",
                  "Daarnaast wordt in 2018 een chatfunctie getest."], "2018-01-08")
    assert ("38", "2017") in got


def test_a_new_part_in_the_past_keeps_the_carried_year():
    got = answer(["In 2022 volgden 1.250 professionals een vorming.",
                  "In 64 Huizen van het Kind was het CLB een partner.",
                  "Ik trek in 2023 350.000 euro uit voor een projectoproep."], "2023-03-20")
    assert ("64", "2022") in got
