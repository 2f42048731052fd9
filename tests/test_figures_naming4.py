"""What a figure counts, for the genre's recurring shapes: the rules that put one quantity's values
(of several answers and years) under one name, so that its timeline lists them all."""
from __future__ import annotations

from pq_assistant.figures import extract_figures
from pq_assistant.figures.grouping import group_quantities


def named(text: str, date: str = "2022-03-01") -> list[tuple[str, str, str]]:
    return [(f.value, f.quantity, f.scope) for f in extract_figures(text, fallback_date=date)]


# --- a budget distributed by criteria: the share of that budget, its criterion the scope ---------

KEY_2021 = ("Voor 2021 is 12,1 miljoen euro beschikbaar voor de subsidiëring van de Huizen van het Kind. "
            "Het resterende budget wordt verdeeld op basis van het aantal minderjarigen in het werkingsgebied "
            "(60 %) en het aantal kinderen geboren in een kansarm gezin (40 %).")
KEY_2022 = ("Het budget van de Huizen van het Kind bedraagt in 2022 12,6 miljoen euro. Na aftrek van de vaste "
            "bedragen wordt 40 % van dat budget verdeeld op basis van het aantal kinderen geboren in een kansarm gezin.")


def test_criteria_in_parentheses_are_shares_of_the_budget_named_before():
    assert named(KEY_2021, "2021-03-01")[1:] == [
        ("60", "aandeel budget Huizen van het Kind", "minderjarigen in het werkingsgebied"),
        ("40", "aandeel budget Huizen van het Kind", "kinderen geboren in een kansarm gezin")]


def test_a_share_of_that_budget_distributed_by_a_criterion():
    assert named(KEY_2022)[1:] == [("40", "aandeel budget Huizen van het Kind", "kinderen geboren in een kansarm gezin")]


def test_the_key_of_two_years_is_one_timeline_one_series_a_criterion():
    figs = extract_figures(KEY_2021, fallback_date="2021-03-01") + extract_figures(KEY_2022, fallback_date="2022-03-01")
    shares = [i for i, f in enumerate(figs) if f.unit == "%"]
    groups = group_quantities(figs)
    assert any(set(shares) <= set(g) for g in groups)
    assert {(figs[i].date, figs[i].scope) for i in shares} == {
        ("2021", "minderjarigen in het werkingsgebied"), ("2021", "kinderen geboren in een kansarm gezin"),
        ("2022", "kinderen geboren in een kansarm gezin")}


def test_a_percentage_in_parentheses_without_a_distribution_is_not_a_budget_share():
    got = named("Het budget van de Huizen van het Kind bedraagt 12,6 miljoen euro. Het aantal kinderen geboren "
                "in een kansarm gezin (14 %) stijgt.")
    assert got[1][1] != "aandeel budget Huizen van het Kind"


def test_without_a_budget_named_before_no_budget_share():
    got = named("Het aantal plaatsen wordt verdeeld op basis van het aantal kinderen (60 %).")
    assert all(q != "aandeel budget Huizen van het Kind" and not q.startswith("aandeel budget") for _, q, _ in got)


# --- a share of something is "aandeel ...", also when the words after it name an index ------------

def test_a_share_whose_words_name_an_index_is_still_a_share():
    got = named("In 2014 bereikten de inloopteams samen 5.870 gezinnen. Van die gezinnen leefde 71 % in "
                "kansarmoede volgens de criteria van de kansarmoede-index.", "2015-06-01")
    assert got[1][1].startswith("aandeel gezinnen")


def test_an_index_itself_is_named_by_itself():
    assert named("In 2014 bedroeg de kansarmoede-index 14,6 %.", "2015-06-01")[0][1] == "kansarmoede-index"


# --- "In 42 daarvan wordt ...": the same count, restricted by the clause (its own series) ---------

PARTS = ("Op 1 oktober 2021 telde Kind en Gezin 309 consultatiebureaus. In 42 daarvan wordt een prenataal "
         "consult aangeboden.")


def test_the_part_in_which_something_happens_is_the_whole_count_with_a_scope():
    assert named(PARTS, "2021-12-13") == [("309", "consultatiebureaus", ""),
                                          ("42", "consultatiebureaus", "prenataal consult aangeboden")]


def test_such_a_part_is_its_own_series_not_a_conflict_nor_a_replacement():
    from pq_assistant.figures.timelines import annotate_timeline

    figs = extract_figures(PARTS, fallback_date="2021-12-13")
    notes = annotate_timeline(figs, group_quantities(figs))
    assert len({n["group"] for n in notes}) == 1
    assert sorted(n["status"] for n in notes) == ["latest", "latest"]


def test_a_part_that_is_the_subject_keeps_a_quantity_of_its_own():
    # "Daarvan zijn er 20 intergemeentelijk georganiseerd": a kind of the whole, its own timeline
    got = named("Op 1 januari 2019 waren er 120 erkende Huizen van het Kind. Daarvan zijn er 20 intergemeentelijk "
                "georganiseerd.", "2019-03-01")
    assert got[1][1] != got[0][1] and got[1][2] == ""


# --- "Dat is 2,7 % van alle vijfjarigen": the share the count before is --------------------------

def test_a_share_restating_the_count_before_is_the_share_of_that_count():
    got = named("In 2016 hadden 36 gemeenten een lokaal loket. Dat is ongeveer 12 % van alle gemeenten.", "2017-03-01")
    assert got == [("36", "gemeenten lokaal loket", ""), ("12", "aandeel gemeenten lokaal loket", "")]


def test_a_restated_share_needs_the_sentence_right_before():
    got = named("In 2016 hadden 36 gemeenten een lokaal loket. De regering plant meer loketten. Dat is ongeveer "
                "12 % van alle gemeenten.", "2017-03-01")
    assert got[1][1] != "aandeel gemeenten lokaal loket"


def test_a_change_is_not_a_restated_share():
    got = named("In 2016 hadden 36 gemeenten een lokaal loket. Dat is 12 % meer dan in 2015.", "2017-03-01")
    assert got[1][1] != "aandeel gemeenten lokaal loket"


# --- a part of extra means is extra too ------------------------------------------------------------

def test_the_rest_of_an_extra_budget_is_an_extra_part():
    got = named("In het kader van het noodfonds werd 2,5 miljoen euro vrijgemaakt voor de gezinsondersteuning. "
                "Daarvan gaat 1,6 miljoen euro naar de Huizen van het Kind. De overige 900.000 euro wordt "
                "ingezet voor de inloopteams.", "2020-06-01")
    assert [q for _, q, _ in got] == ["extra budget gezinsondersteuning", "extra deel budget Huizen van het Kind",
                                     "extra deel budget inloopteams"]


def test_the_rest_of_a_plain_budget_is_a_plain_part():
    got = named("In 2020 gaat 2,5 miljoen euro naar de gezinsondersteuning. Daarvan gaat 1,6 miljoen euro naar "
                "de Huizen van het Kind.", "2020-06-01")
    assert [q for _, q, _ in got] == ["budget gezinsondersteuning", "deel budget Huizen van het Kind"]


# --- one value, one date, two phrases in one document: one quantity named twice --------------------

def _doc_figs(text: str, date: str):
    """The figures of a written answer, one answer part a line (what carries between sentences
    starts again in each part)."""
    from pq_assistant.figures import figures_for_document
    from pq_assistant.models import Paragraph, Part, PQDocument

    doc = PQDocument(doc_id="d", file="d.txt", path="d.txt", sha256="x", pages=1, date=date, is_pq=True,
                     answer=[Part("answer", str(n), [n], [Paragraph(p, 1)]) for n, p in enumerate(text.split("\n"), 1)])
    return figures_for_document(doc)


INDEX = ("De kansarmoede-index voor 2025 bedraagt 17,8 procent.\n"
         "In 2025 werd 17,8 procent van de kinderen geboren in een kansarm gezin. In 2024 was dat 17,4 procent.")


def test_a_distinctive_value_restated_under_another_phrase_joins_the_timelines():
    figs = _doc_figs(INDEX, "2026-03-25")
    assert [(f.value, f.date) for f in figs] == [("17,8", "2025"), ("17,8", "2025"), ("17,4", "2024")]
    assert figs[0].quantity != figs[1].quantity
    assert len(group_quantities(figs)) == 1


def test_a_round_value_said_twice_joins_nothing():
    figs = _doc_figs("De kansarmoede-index voor 2025 bedraagt 18 procent.\n"
                     "In 2025 had 18 procent van de gemeenten een loket.", "2026-03-25")
    assert len(group_quantities(figs)) == 2


def test_two_table_cells_with_one_value_join_nothing():
    from dataclasses import replace

    figs = [replace(f, date_source="table") for f in _doc_figs(INDEX, "2026-03-25")]
    assert len(group_quantities(figs)) == 2


def test_a_vague_phrase_takes_the_phrase_of_the_same_value_said_with_one():
    figs = _doc_figs("Uit de laatste studie blijkt dat in 2016 95,4 procent van de kinderen de eerste dosis had gekregen.\n"
                     "Het verschil tussen 96,6 en 95,4 procent betekent duizenden kinderen die niet beschermd zijn.",
                     "2019-12-10")
    got = {f.quantity for f in figs if f.value == "95,4"}
    assert len(got) == 1 and got != {"aandeel"}


# --- "De 104 Huizen van het Kind blijven een belangrijke partner": what they are, not which ---------

def test_a_predicate_noun_does_not_restrict_what_is_counted():
    got = named("De 104 Huizen van het Kind blijven ook een belangrijke partner.", "2026-03-25")
    assert got[0][1] == "Huizen van het Kind"


def test_a_count_in_a_prepositional_phrase_keeps_its_clause():
    # "In 171 gemeenten is het lokaal loket ...": the loket is the subject, the clause says which gemeenten
    got = named("In 171 gemeenten is het lokaal loket ondergebracht in het Huis van het Kind.", "2021-12-01")
    assert got[0][1] != "gemeenten"


def test_a_verb_with_an_object_still_restricts():
    got = named("Op 1 oktober 2023 hebben 52.302 plaatsen een inkomenstarief.", "2023-12-01")
    assert got[0][1] != "plaatsen"


# --- a relative clause with "waar/waarmee/waarin/waarbij" describes, it is not the quantity --------

def test_a_relative_clause_with_waar_ends_the_phrase():
    got = named("Het magazine verscheen in 2015. Het bevat onder meer 36 inspirerende praktijken waar "
                "opvoedingsondersteuners mee aan de slag kunnen.", "2016-05-31")
    assert got == [("36", "inspirerende praktijken", "")]


def test_a_reflexive_pronoun_is_no_content_word():
    got = named("In 2020 ondersteunde Kind en Gezin 4.870 zwangere vrouwen. Van hen bevond 58 % zich in een "
                "kansarme situatie.", "2021-12-13")
    assert "zich" not in got[1][1].split() and "kansarme" in got[1][1].split()


# --- "tegenover 161 een jaar eerder": when, not what --------------------------------------------

def test_a_relative_time_after_a_compared_value_is_not_part_of_its_quantity():
    got = named("Op 1 januari 2021 waren er 124 erkende Huizen van het Kind, tegenover 161 een jaar eerder.", "2021-03-10")
    assert got == [("124", "erkende Huizen van het Kind", ""), ("161", "erkende Huizen van het Kind", "")]
    got = named("Op 1 oktober telden we 108.455 plaatsen voor baby's en peuters, tegenover 109.214 twee jaar eerder.",
                "2022-11-10")
    assert [q for _, q, _ in got] == ["plaatsen baby's", "plaatsen baby's"]


# --- whose count: a named kind of thing that has, gets or does what is counted -------------------

LINE = ("In 2017 ontving de Kind en Gezin-lijn 286.410 telefonische oproepen. Daarnaast werden 61.230 e-mails "
        "en contactformulieren behandeld.")


def test_the_named_subject_of_a_count_is_its_holder_and_a_next_addition_has_the_same():
    got = named(LINE, "2018-03-01")
    assert [q for _, q, _ in got] == ["telefonische oproepen Kind en Gezin-lijn", "e-mails Kind en Gezin-lijn"]


def test_a_reporting_agency_or_a_name_the_quantity_holds_is_no_holder():
    assert named("Op 1 januari telde Kind en Gezin 362 consultatiebureaus.", "2016-03-01")[0][1] == "consultatiebureaus"
    got = named("Op 1 mei 2018 telden de Huizen van het Kind samen 153 erkende Huizen van het Kind.", "2018-06-01")
    assert got[0][1] == "erkende Huizen van het Kind"


def test_an_addition_without_a_holder_before_it_gets_none():
    got = named("In 2017 werden 286.410 telefonische oproepen beantwoord. Daarnaast werden 61.230 e-mails behandeld.",
                "2018-03-01")
    assert [q for _, q, _ in got] == ["telefonische oproepen beantwoord", "e-mails behandeld"]


def test_the_change_of_a_sibling_count_keeps_the_holder_of_the_paragraph():
    """"… ontving de Kind en Gezin-lijn 286.410 oproepen … Het aantal oproepen daalt, terwijl het
    aantal brieven met 12 % stijgt": the letters to that line (before: "verandering brieven" of
    nothing). Without a holder before, none; a sentence that names its own holds its own."""
    got = named(LINE + " Het aantal oproepen daalt licht, terwijl het aantal brieven jaarlijks met 12 % stijgt.",
                "2018-03-01")
    assert got[-1][:2] == ("12", "verandering brieven Kind en Gezin-lijn")
    got = named("In 2017 werden 286.410 oproepen beantwoord. Het aantal brieven stijgt jaarlijks met 12 %.", "2018-03-01")
    assert got[-1][:2] == ("12", "verandering brieven")
