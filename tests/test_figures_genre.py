"""Rules for the other shapes of the genre (committee transcripts, plenary questions, press
items, Kamervragen): how a spoken or printed text dates its figures, repeats of a figure in one
document, shares in words, scopes, and which timelines `pq figures` names for a question. Each
rule on a small invented text, with exact expectations."""
from __future__ import annotations

from pq_assistant.figures import extract_figures, figures_for_document
from pq_assistant.figures.ledger import LedgerEntry, named_groups, timeline_keys
from pq_assistant.figures.timelines import current_entries, quantity_key
from pq_assistant.models import Figure, Paragraph, Part, PQDocument


def dated(text: str, doc_date: str = "", **kw) -> list[tuple[str, str, str]]:
    return [(f.value, f.date, f.date_source) for f in extract_figures(text, fallback_date=doc_date, **kw)]


def spoken(paragraphs: list[str], date: str, kind: str = "vraag-om-uitleg") -> list[tuple[str, str, str]]:
    """The figures of a text read whole (a meeting, a release): one paragraph per item."""
    doc = PQDocument(doc_id="d", file="d.txt", path="d.txt", sha256="x", pages=1, date=date, is_pq=False,
                     question=[Part("question", "", [], [Paragraph(p, 1) for p in paragraphs])])
    doc.type = kind  # type: ignore[attr-defined]
    return [(f.value, f.date, f.date_source) for f in figures_for_document(doc)]


# ---------------------------------------------------------------------------------------------
# Reference dates in spoken and printed texts


def test_a_repeat_in_one_document_takes_the_date_of_the_first_statement():
    # the MP's reply repeats the minister's figures without a date of its own
    assert spoken(["Het klopt dat er dit jaar tot eind september 318 locaties definitief sloten.",
                   "Minister, 318 sluitingen is te veel."], "2022-10-19", "actuele-vraag") == [
        ("318", "2022-09-30", "relative"), ("318", "2022-09-30", "context")]
    # a number without a unit of its own ("tussen 96,6 en 95,4 procent") is found too
    assert spoken(["In 2016 had 95,4 procent de eerste dosis gekregen. In 2012 was dat nog 96,6 procent.",
                   "Minister, het verschil tussen 96,6 en 95,4 procent is groot."], "2019-12-10") == [
        ("95,4", "2016", "explicit"), ("96,6", "2012", "explicit"), ("96,6", "2012", "context"),
        ("95,4", "2016", "context")]


def test_a_sentence_that_goes_on_from_a_redated_repeat_moves_with_it():
    # the MP's 318 repeats the minister's "tot eind september 318" (2022-09-30); "Daarmee" goes on
    # from it, so its 3.150 is of that time too, not of the meeting's day
    got = spoken(["Sinds januari sloten 318 opvanglocaties definitief de deuren. Daarmee gingen 3.150 "
                  "plaatsen verloren.",
                  "Het klopt dat er dit jaar tot eind september 318 locaties definitief sloten."],
                 "2022-10-19", "actuele-vraag")
    assert got[:2] == [("318", "2022-09-30", "context"), ("3.150", "2022-09-30", "context")]
    # without the link the next sentence keeps its own date
    got = spoken(["Sinds januari sloten 318 opvanglocaties definitief de deuren. Vandaag wachten 3.150 "
                  "gezinnen op een plaats.",
                  "Het klopt dat er dit jaar tot eind september 318 locaties definitief sloten."],
                 "2022-10-19", "actuele-vraag")
    assert got[1] == ("3.150", "2022-10-19", "relative")


def test_a_restated_total_takes_the_date_of_its_statement():
    assert dated("Op 1 juni 2017 zijn er 27 inloopteams erkend.\n\n"
                 "Op dit ogenblik maken 24 van de 27 inloopteams deel uit van een huis.", "2017-06-19") == [
        ("27", "2017-06-01", "explicit"), ("24", "2017", "relative"), ("27", "2017", "relative")]
    doc = PQDocument(doc_id="d", file="d.txt", path="d.txt", sha256="x", pages=1, date="2017-06-19",
                     answer=[Part("answer", "1", [1], [Paragraph("Op 1 juni 2017 zijn er 27 inloopteams erkend.", 1)]),
                             Part("answer", "2", [2], [Paragraph("Op dit ogenblik maken 24 van de 27 inloopteams "
                                                                 "deel uit van een huis.", 1)])])
    assert [(f.value, f.date) for f in figures_for_document(doc)] == [
        ("27", "2017-06-01"), ("24", "2017"), ("27", "2017-06-01")]


def test_a_question_never_dates_the_answer_by_a_repeat():
    doc = PQDocument(doc_id="d", file="d.txt", path="d.txt", sha256="x", pages=1, date="2019-11-05",
                     question=[Part("question", "", [], [Paragraph("Sinds 1 januari 2019 telt Vlaanderen 300 gemeenten.", 1)])],
                     answer=[Part("answer", "1", [1], [Paragraph("Op 1 oktober 2019 bestrijken zij 290 van de 300 "
                                                                 "Vlaamse gemeenten.", 1)])])
    assert [(f.value, f.date) for f in figures_for_document(doc)] == [
        ("300", "2019-01-01"), ("290", "2019-10-01"), ("300", "2019-10-01")]


def test_last_year_in_a_spoken_text_dates_a_next_sentence_in_the_past_tense_only():
    assert spoken(["Vorig jaar bleven 2.650 aanvragen onbeantwoord. Tegelijk kregen 18.390 gezinnen steun.",
                   ], "2025-08-01", "persbericht") == [
        ("2.650", "2024", "relative"), ("18.390", "2024", "context")]
    # a present-tense sentence speaks of the day
    assert spoken(["Vorig jaar werd 17,8 procent van de kinderen in armoede geboren. "
                   "De 104 Huizen van het Kind blijven een partner."], "2026-03-25", "actuele-vraag") == [
        ("17,8", "2025", "relative"), ("104", "2026-03-25", "document-date")]


def test_next_year_dates_the_plan_in_its_paragraph():
    assert spoken(["Volgend jaar stijgt dat tot 12,1 miljoen euro. Elk huis krijgt een vast bedrag van 25.000 euro.",
                   "Er zijn 161 huizen."], "2020-10-07", "actuele-vraag") == [
        ("12,1", "2021", "relative"), ("25.000", "2021", "context"), ("161", "2020-10-07", "document-date")]


def test_this_year_in_a_meeting_dates_a_later_present_count_at_the_meeting_day():
    assert spoken(["Dit jaar ontvangen de besturen 20,4 miljoen euro. De 104 huizen blijven partner."],
                  "2026-03-25", "actuele-vraag") == [
        ("20,4", "2026", "relative"), ("104", "2026-03-25", "document-date")]


def test_since_a_date_or_an_event_said_in_a_meeting_counts_up_to_its_day():
    assert spoken(["Sinds 1 januari 2025 werden er 21.600 consulten door een verpleegkundige uitgevoerd."],
                  "2025-12-09") == [("21.600", "2025-12-09", "relative")]
    assert spoken(["Uit een bevraging blijkt dat in 17 gemeenten het aanbod sinds de samenvoeging werd verminderd."],
                  "2021-03-02") == [("17", "2021-03-02", "relative")]
    # a written answer: up to the date it reports on
    assert dated("Op 1 september 2025 waren er 742 locaties. Sinds 1 januari 2024 werden 23 locaties gesloten.",
                 "2025-10-02") == [("742", "2025-09-01", "explicit"), ("23", "2025-09-01", "context")]
    # "sinds de start van <event> op <date>", and "zijn … bijgekomen": counted up to the text's date
    assert spoken(["Kind en Gezin meldt dat er sinds de start van het nieuwe decreet op 1 april 2014 2.004 "
                   "kinderopvangplaatsen zijn bijgekomen."], "2018-09-01", "persbericht")[0][:2] == ("2.004", "2018-09-01")


def test_a_share_without_a_date_in_a_meeting_is_of_its_year():
    assert spoken(["Meer dan 9 op 10 jonge kinderen komen er langs. Er zijn 37 vacatures."], "2025-12-09") == [
        ("9 op 10", "2025", "document-date"), ("37", "2025-12-09", "document-date")]


def test_a_survey_date_with_words_between_and_before_a_period_up_to_now():
    assert dated("Uit een peiling van brancheorganisaties in september 2023 blijkt dat 41 procent van de "
                 "organisaties in het afgelopen half jaar groepen sloot.", "2023-11-14") == [
        ("41", "2023-09-01", "context")]


def test_a_span_of_years_is_not_carried():
    assert dated("Op 1 januari 2026 zijn er 104 huizen. Het overzicht voor de jaren 2023 tot en met 2026 staat "
                 "in de bijlage. Alle 285 Vlaamse gemeenten blijven gedekt.", "2026-01-14") == [
        ("104", "2026-01-01", "explicit"), ("285", "2026-01-01", "context")]


def test_before_an_event_far_from_the_date_does_not_stop_the_carry():
    assert dated("In 2014 kregen 2.960 vrouwen steun via een huisbezoek vóór de geboorte. "
                 "Ongeveer 1 op 5 van die vrouwen had geen verzekering.", "2015-12-09") == [
        ("2.960", "2014", "explicit"), ("1 op 5", "2014", "context")]
    # next to its date it does: the state before an event
    assert dated("Op 30/09/2015 waren er 648 verpleegkundigen. Op 1 januari 2014, vóór de hervorming, waren er "
                 "600. Er zijn 12 teams.", "2015-12-09") == [
        ("648", "2015-09-30", "explicit"), ("600", "2014-01-01", "explicit"), ("12", "2015-09-30", "context")]


def test_a_change_against_a_named_year_is_dated_by_its_paragraph():
    assert dated("Op 1 juni 2017 zijn er 27 teams.\n\nIn 2016 bereikten de teams 6.340 gezinnen. "
                 "Dat is een stijging met 8 % ten opzichte van 2014.", "2017-06-19") == [
        ("27", "2017-06-01", "explicit"), ("6.340", "2016", "explicit"), ("8", "2016", "context")]
    # without a named comparison: the newest date so far
    assert dated("Op 31 december 2023 stonden 2.410 minderjarigen op een wachtlijst. Op 31 december 2022 waren "
                 "dat er 2.685. Dat is een daling met 10 %.") == [
        ("2.410", "2023-12-31", "explicit"), ("2.685", "2022-12-31", "explicit"), ("10", "2023-12-31", "context")]


def test_a_period_of_a_year_dates_its_own_count_and_the_year_what_follows():
    assert spoken(["In het eerste semester van dit jaar waren het er al 28.140. "
                   "Ongeveer 23 procent van de aanvragen komt van een gezin met voorrang."], "2025-10-03",
                  "persbericht") == [("28.140", "2025-06-30", "relative"), ("23", "2025", "context")]


def test_a_forecast_takes_the_start_its_paragraph_names():
    assert dated("Op 1 januari 2020 waren er 160 huizen.\n\nVanaf 1 januari 2021 geldt een nieuw kader. "
                 "Opgroeien verwacht dat er ongeveer 125 Huizen van het Kind zullen overblijven.") == [
        ("160", "2020-01-01", "explicit"), ("125", "2021-01-01", "context")]


# ---------------------------------------------------------------------------------------------
# What is a figure, what it counts, where


def test_shares_in_words_are_figures():
    figs = extract_figures("Ongeveer zeven op de tien locaties die sloten, waren gezinsopvang. "
                           "Drie kwart van alle vaccinaties gebeurt op het bureau. "
                           "In de steden is een op vier kinderen kansarm.", fallback_date="2022-10-19")
    assert [(f.value, round(f.number_value, 3), f.unit) for f in figs] == [
        ("zeven op de tien", 0.7, "verhouding"), ("Drie kwart", 0.75, "verhouding"), ("een op vier", 0.25, "verhouding")]


def test_a_place_right_before_a_figure_is_its_scope():
    figs = extract_figures("In Antwerpen zijn er 8, in Limburg 4, in Vlaams-Brabant 3 en in West-Vlaanderen 4.")
    assert [(f.value, f.scope) for f in figs] == [
        ("8", "Antwerpen"), ("4", "Limburg"), ("3", "Vlaams-Brabant"), ("4", "West-Vlaanderen")]
    figs = extract_figures("Op 1 januari waren er in Vlaanderen en Brussel 144 huizen.", fallback_date="2017-03-14")
    assert [(f.value, f.scope) for f in figs] == [("144", "")]  # Flanders and Brussels: the whole, no scope
    figs = extract_figures("In Limburg en Antwerpen zijn er 12 teams.")
    assert [(f.value, f.scope) for f in figs] == [("12", "Limburg en Antwerpen")]


def test_a_locative_of_the_clause_scopes_all_its_figures_and_brussel_is_the_region():
    """"in Brussel" before the first figure of a clause is where the second is too; in Flemish
    answers "Brussel" is the Brussels-Capital Region, one series with "Brussels Hoofdstedelijk
    Gewest" and "Brusselse" in a table or another answer. Another place named since wins, and a
    new clause after a comma keeps its own."""
    figs = extract_figures("Kind en Gezin heeft in Brussel 9 Nederlandstalige consultatiebureaus met samen 17 "
                           "consultatieplaatsen.", fallback_date="2017-03-01")
    assert [(f.value, f.scope) for f in figs] == [("9", "Brussels Hoofdstedelijk Gewest"),
                                                  ("17", "Brussels Hoofdstedelijk Gewest")]
    figs = extract_figures("In Limburg zijn er 12 teams met 30 medewerkers in Antwerpen.")
    assert [(f.value, f.scope) for f in figs] == [("12", "Limburg"), ("30", "Antwerpen")]


def test_a_place_before_the_next_figure_is_that_figures_not_this_ones():
    """"In Limburg is dat aandeel 86 procent en in West-Vlaanderen 79 procent": 86 is Limburg's
    (before: West-Vlaanderen, the place named after it but before the next figure). The figure's
    own adjective of place wins over a place named later, and the region's long name is a place."""
    figs = extract_figures("In Limburg bijvoorbeeld is dat aandeel 86 procent en in West-Vlaanderen 79 procent.")
    assert [(f.value, f.scope) for f in figs] == [("86", "Limburg"), ("79", "West-Vlaanderen")]
    figs = extract_figures("Er zijn 212 in Vlaanderen en 12 in Brussel.")
    assert [(f.value, f.scope) for f in figs] == [("212", "Vlaams Gewest"), ("12", "Brussels Hoofdstedelijk Gewest")]
    figs = extract_figures("Samen bestrijken ze alle 300 Vlaamse gemeenten en het Brusselse Hoofdstedelijke Gewest.")
    assert [(f.value, f.scope) for f in figs] == [("300", "Vlaams Gewest")]
    figs = extract_figures("In het Brusselse Hoofdstedelijke Gewest bedroeg ze 3,3 dagen en in het Waalse Gewest 3,2 dagen.")
    assert [(f.value, f.scope) for f in figs] == [("3,3", "Brussels Hoofdstedelijk Gewest"), ("3,2", "Waals Gewest")]


def test_a_place_adjective_in_a_locative_scopes_the_clause():
    """"In Brusselse ziekenhuizen steeg het aantal van 21.974 naar 24.807": both Brussels; an
    institution ("in de Vlaamse Gemeenschap") is no place."""
    figs = extract_figures("In Brusselse ziekenhuizen steeg het aantal bevallingen van 21.974 in 2004 naar 24.807 in 2009.")
    assert [(f.value, f.scope) for f in figs] == [("21.974", "Brussels Hoofdstedelijk Gewest"),
                                                  ("24.807", "Brussels Hoofdstedelijk Gewest")]
    assert [f.scope for f in extract_figures("In de Vlaamse Gemeenschap waren er 12 teams.")] == [""]


def test_the_paragraphs_number_of_names_what_a_bare_count_counts(monkeypatch):
    from pq_assistant.figures import extraction

    monkeypatch.setattr(extraction, "TOPIC_NOUNS", True)  # on by default; set here so the test says what it needs
    figs = extract_figures("Het aantal Huizen van het Kind is fors gestegen. Op 1 januari waren er 144 erkend, "
                           "een jaar eerder nog maar 118.", fallback_date="2017-03-14")
    assert [(f.value, f.date, f.unit) for f in figs] == [
        ("144", "2017-01-01", "Huizen van het Kind"), ("118", "2016-01-01", "Huizen van het Kind")]
    assert {quantity_key(f.quantity) for f in figs} == {quantity_key("aantal erkende Huizen van het Kind")}


def test_money_words_share_one_key():
    assert quantity_key("middelen voor de Huizen van het Kind") == quantity_key("budget Huizen van het Kind") \
        == quantity_key("werkingsmiddelen Huizen van het Kind")
    assert quantity_key("bedrag per Huis van het Kind") != quantity_key("budget Huizen van het Kind")


# ---------------------------------------------------------------------------------------------
# Timelines a question names, and the current value of a series


def _entry(quantity: str, unit: str, group: int, value: str = "1", date: str = "2020", status: str = "latest",
           scope: str = "") -> LedgerEntry:
    return LedgerEntry(Figure(value=value, number_value=float(value.replace(",", ".")), unit=unit, quantity=quantity,
                              date=date, date_source="explicit", sentence="", scope=scope, doc=f"d{group}.txt",
                              doc_date=date), group, status)


def test_pq_figures_names_the_series_that_specify_the_quantity():
    entries = [
        _entry("aandeel Huizen van het Kind prenataal aanbod", "%", 0),
        _entry("aandeel Huizen van het Kind digitaal aanbod", "%", 1),
        _entry("Huizen van het Kind samenwerking zelfstandige vroedvrouwen", "Huizen van het Kind", 2),
        _entry("deel Huizen van het Kind prenataal aanbod", "Huizen van het Kind", 3),
        _entry("gemiddeld bedrag per Huis van het Kind", "euro", 4),
        _entry("bedrag per Huis van het Kind", "euro", 5),
        _entry("extra budget antennes", "euro", 6),
        _entry("budget antennes", "euro", 7),
    ]
    assert named_groups("aandeel Huizen van het Kind met specifiek aanbod", timeline_keys(entries)) == [0, 1]
    assert named_groups("aantal erkende Huizen van het Kind", timeline_keys(entries)) == []
    assert named_groups("bedrag per Huis van het Kind", timeline_keys(entries)) == [4, 5]
    assert named_groups("extra middelen gezinsondersteuning", timeline_keys(entries)) == [6]


def test_current_entries_are_the_newest_reference_date_of_each_series():
    old = _entry("budget", "euro", 0, "14,6", "2016", "superseded")
    new = _entry("budget", "euro", 0, "15,1", "2026", "latest")
    again = _entry("budget", "euro", 0, "15,1", "2026", "confirmed")
    again.figure.doc_date = "2026-03-01"
    prov = _entry("budget", "euro", 0, "2,0", "2019", "latest", scope="Limburg")
    cur = current_entries([old, new, again, prov])
    assert {k: [(e.figure.value, e.status) for e in v] for k, v in cur.items()} == {
        (0, ("", "measurement")): [("15,1", "latest"), ("15,1", "confirmed")],
        (0, ("limburg", "measurement")): [("2,0", "latest")]}


def test_the_value_before_a_change_in_a_year_is_of_the_year_before():
    assert dated("Het aantal opleidingsplaatsen wordt in 2025 verhoogd van 60 naar 80.", "2025-02-19") == [
        ("60", "2024", "relative"), ("80", "2025", "explicit")]
    # a change on a day: the value before it has no date of its own
    assert dated("Op 1 januari 2025 daalde het aantal gemeenten van 300 naar 285.", "2026-01-14") == [
        ("300", "", "undated"), ("285", "2025-01-01", "explicit")]


def test_counts_in_words_stay_on_request_even_of_a_named_kind():
    # "Van de negen Huizen van het Kind die door een fusie werden geraakt": a count in words is
    # mostly a part in a subordinate clause; read as a figure it lands on the line of all Huizen
    text = "Van de negen Huizen van het Kind die door een fusie werden geraakt, zijn er vijf opgegaan."
    assert extract_figures(text, fallback_date="2026-01-14") == []
    assert [f.value for f in extract_figures(text, fallback_date="2026-01-14", words=True)] == ["negen", "vijf"]


def test_a_part_with_words_of_its_own_is_that_quantity_a_bare_part_stays_a_part():
    part, whole = extract_figures("Op 1 januari 2023 beschikken 288 van de 300 Vlaamse gemeenten over een lokaal loket "
                                  "kinderopvang.")
    alle = extract_figures("Sinds 1 januari 2025 beschikken alle 285 Vlaamse gemeenten over een lokaal loket kinderopvang.")
    assert quantity_key(part.quantity) == quantity_key(alle[0].quantity)
    assert quantity_key(whole.quantity) == "gement totaal"
    bare = extract_figures("Er zijn 142 van de 308 Vlaamse gemeenten.")
    assert "deel" in quantity_key(bare[0].quantity).split()
    # what the part is said of may stand before it
    said = extract_figures("In totaal bestrijken de erkende Huizen van het Kind 142 van de 308 Vlaamse gemeenten.")
    assert said[0].quantity == "Vlaamse gemeenten bestrijken erkende Huizen van het Kind"


def test_a_noun_less_count_stays_without_noun_while_topic_nouns_are_off(monkeypatch):
    from pq_assistant.figures import extraction

    monkeypatch.setattr(extraction, "TOPIC_NOUNS", False)
    figs = extract_figures("Het aantal Huizen van het Kind is fors gestegen. Op 1 januari waren er 144 erkend.",
                           fallback_date="2017-03-14")
    assert [(f.value, f.unit) for f in figs] == [("144", "")]


def test_their_budget_is_the_budget_of_what_the_text_spoke_of():
    figs = extract_figures("Het aantal Huizen van het Kind daalde. Dit jaar trekt de Vlaamse Regering 15,1 miljoen "
                           "euro uit voor hun werking.", fallback_date="2026-02-24")
    assert [(f.value, f.quantity) for f in figs] == [("15,1", "budget Huizen van het Kind")]


def test_a_one_word_quantity_names_its_qualified_series_and_its_total():
    entries = [
        _entry("Nederlandstalige consultatiebureaus", "consultatiebureaus", 0),
        _entry("totaal consultatiebureaus", "consultatiebureaus", 1),
        _entry("consultatiebureaus prenataal consult aangeboden", "consultatiebureaus", 2),
        _entry("verwacht consultatiebureaus", "consultatiebureaus", 3),
        _entry("consultatiebureaus open gebleven", "consultatiebureaus", 4),
    ]
    assert named_groups("aantal consultatiebureaus", timeline_keys(entries)) == [0, 1]


def test_close_pairs_of_a_big_block_are_found_without_comparing_all_pairs():
    import numpy as np

    from pq_assistant.figures.grouping import close_pairs

    rng = np.random.default_rng(7)
    base = rng.standard_normal((3000, 64))
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    # 40 near-duplicates (cosine >= 0.98) of the first 40 rows, at the end
    noise = rng.standard_normal((40, 64)) * 0.02
    dup = base[:40] + noise
    dup /= np.linalg.norm(dup, axis=1, keepdims=True)
    vecs = np.vstack([base, dup])
    exact = close_pairs(vecs, 0.97, exact_below=10**9)
    assert exact == [(i, 3000 + i) for i in range(40)]
    assert close_pairs(vecs, 0.97) == exact  # the hashed path (3040 rows >= 2048) finds the same pairs


def test_the_same_value_at_a_later_date_confirms_it_never_replaces_it():
    from pq_assistant.figures.grouping import group_quantities
    from pq_assistant.figures.timelines import annotate_timeline

    def f(value, date, doc, doc_date):
        return Figure(value=value, number_value=float(value), unit="Huizen van het Kind",
                      quantity="erkende Huizen van het Kind", date=date, date_source="explicit", sentence="",
                      doc=doc, doc_date=doc_date)

    figs = [f("109", "2025-01-01", "a.txt", "2025-02-01"), f("104", "2026-01-01", "b.txt", "2026-01-14"),
            f("104", "2026-02-24", "c.txt", "2026-02-24")]
    notes = {n["index"]: n for n in annotate_timeline(figs, group_quantities(figs))}
    assert [(figs[i].value, notes[i]["status"]) for i in range(3)] == [
        ("109", "superseded"), ("104", "latest"), ("104", "confirmed")]
    # 109 is replaced by the first statement of 104 (its own date, 1 januari 2026), not by the
    # release that repeats it a month later
    assert notes[2]["confirms"] == 1 and notes[0]["replaced_by"] == 1
