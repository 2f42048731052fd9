"""The rules an advisor relies on: how a reference date is found (each rule and its
`date_source`), what is never a figure, tables (years as columns or rows, wrapped rows, an .xlsx
annex), and the timeline statuses — with the four cases of the shipped corpus."""
from __future__ import annotations

from pathlib import Path

import pytest

from pq_assistant.figures import extract_figures, figures_for_document
from pq_assistant.figures.ledger import build, figure_dict
from pq_assistant.figures.grouping import group_quantities
from pq_assistant.figures.timelines import annotate_timeline, figure_kind
from pq_assistant.loaders import load
from pq_assistant.models import Figure, Paragraph, Part, PQDocument
from pq_assistant.parsing import parse

CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def dated(text: str, doc_date: str = "", **kw) -> list[tuple[str, str, str]]:
    return [(f.value, f.date, f.date_source) for f in extract_figures(text, fallback_date=doc_date, **kw)]


def doc_of(text: str, date: str, *, kind: str = "") -> PQDocument:
    """A plain document (no answer parts: a transcript or press text) of one paragraph per line."""
    doc = PQDocument(doc_id="d", file="d.txt", path="d.txt", sha256="x", pages=1, date=date, is_pq=False,
                     question=[Part("question", "", [], [Paragraph(p, 1) for p in text.split("\n")])])
    if kind:
        doc.type = kind  # type: ignore[attr-defined]  (the document type, where the parser gives it)
    return doc


# ---------------------------------------------------------------------------------------------
# Reference dates: one test per rule


@pytest.mark.parametrize("text, want", [
    ("Op 1 mei 2018 waren er 153 erkende Huizen.", ("153", "2018-05-01", "explicit")),
    ("Op 30/09/2015 waren er 648 verpleegkundigen.", ("648", "2015-09-30", "explicit")),
    ("Eind april 2020 waren er 40 wachtenden.", ("40", "2020-04-30", "explicit")),
    ("In 2019 telden we 96 consultatiebureaus.", ("96", "2019", "explicit")),
    ("Eind 2018 waren er 12 antennes.", ("12", "2018-12-31", "explicit")),
    ("In het schooljaar 2022-2023 volgden 410 leerlingen les.", ("410", "2023", "explicit")),
    ("In de eerste helft van 2024 kwamen 3.200 oproepen binnen.", ("3.200", "2024-06-30", "explicit")),
])
def test_explicit_dates(text, want):
    assert dated(text, "2024-03-12") == [want]


@pytest.mark.parametrize("text, doc_date, want", [
    ("Vorig jaar kregen 2.650 gezinnen geen kraamzorg.", "2025-08-01", ("2.650", "2024", "relative")),
    ("Dit jaar krijgen 20 projecten steun.", "2024-03-12", ("20", "2024", "relative")),
    ("Volgend jaar stijgt dat tot 125 huizen.", "2020-10-07", ("125", "2021", "relative")),
    ("Op 1 januari van dit jaar waren er 161 erkende huizen.", "2020-10-07", ("161", "2020-01-01", "relative")),
    # a day without a year: the document's year, or the year before when that lies after the document
    ("Op 1 oktober telden we 108.455 plaatsen.", "2022-10-19", ("108.455", "2022-10-01", "relative")),
    ("Op 1 december telden we 300 plaatsen.", "2023-03-01", ("300", "2022-12-01", "relative")),
    ("In het eerste semester van dit jaar waren het er al 9.610.", "2025-08-01", ("9.610", "2025-06-30", "relative")),
    ("In het tweede kwartaal van 2023 stonden er 9.800 vacatures open.", "2023-10-12", ("9.800", "2023-06-30", "explicit")),
    ("In de eerste negen maanden van dit jaar daalde het tot 4,8 procent.", "2025-12-09", ("4,8", "2025-09-30", "relative")),
    ("Tussen 1 januari en 31 oktober van dit jaar sloten 371 locaties.", "2022-11-15", ("371", "2022-10-31", "relative")),
    ("Eind vorig jaar waren er 109 Huizen van het Kind.", "2024-10-15", ("109", "2023-12-31", "relative")),
    ("In de tweede helft van vorig jaar kwamen 2.900 oproepen binnen.", "2024-10-15", ("2.900", "2023-12-31", "relative")),
])
def test_relative_dates_resolve_against_the_document_date(text, doc_date, want):
    assert dated(text, doc_date) == [want]


def test_now_is_the_day_of_a_meeting_or_release_and_the_year_of_a_written_answer():
    # a written answer: the day it was written is not known, only its question's date -> the year
    assert dated("Op dit ogenblik maken 24 inloopteams deel uit van een huis.", "2017-06-19") == \
        [("24", "2017", "relative")]
    # a committee meeting or a press release speaks on its day
    for word in ("nu", "vandaag", "momenteel", "op dit ogenblik"):
        doc = doc_of(f"Vlaanderen telt {word} 104 Huizen van het Kind.", "2026-02-24", kind="persbericht")
        assert [(f.value, f.date, f.date_source) for f in figures_for_document(doc)] == \
            [("104", "2026-02-24", "relative")], word


def test_a_year_earlier_is_one_year_before_what_it_is_compared_with():
    # a day stays a day
    assert dated("Op 1 oktober 2022 waren er 108.455 plaatsen. Een jaar eerder waren dat er 109.214.") == [
        ("108.455", "2022-10-01", "explicit"), ("109.214", "2021-10-01", "relative")]
    # the same sentence: "124 ..., tegenover 161 een jaar eerder"
    assert dated("Op 1 januari 2021 waren er 124 erkende huizen, tegenover 161 een jaar eerder.") == [
        ("124", "2021-01-01", "explicit"), ("161", "2020-01-01", "relative")]
    # against "nu": the year before
    doc = doc_of("Vlaanderen en Brussel tellen er nu nog 104.\nEen jaar eerder waren dat er 109.", "2026-02-24",
                 kind="persbericht")
    assert [(f.value, f.date) for f in figures_for_document(doc)] == [("104", "2026-02-24"), ("109", "2025")]


def test_a_difference_with_a_year_earlier_is_of_the_newer_date():
    """"Dat zijn er 76 minder dan een jaar voordien": the 76 is the change up to the state just
    given (end of 2018), not a count of the year before."""
    assert dated("Eind 2018 bedroeg de capaciteit 93.438 plaatsen. Dat zijn er 76 minder dan een jaar voordien.",
                 "2019-03-21") == [("93.438", "2018-12-31", "explicit"), ("76", "2018-12-31", "context")]


def test_each_side_of_a_comparison_has_its_own_date():
    assert dated("Het aandeel steeg van 12,82 procent in 2016 naar 14 procent nu.", "2019-12-10") == [
        ("12,82", "2016", "explicit"), ("14", "2019", "relative")]
    assert dated("Dit jaar gaat 5,2 miljoen euro naar de huizen, tegenover 4,3 miljoen euro vorig jaar.",
                 "2017-03-14") == [("5,2", "2017", "relative"), ("4,3", "2016", "relative")]
    # a change over a span of years: the value it changed from is of the span's first year
    assert dated("Tussen 2019 en 2022 steeg het aantal van 100 naar 120 plaatsen.", "2023-03-01") == [
        ("100", "2019", "explicit"), ("120", "2022", "explicit")]


def test_the_survey_or_report_dates_its_figures_not_a_nearby_comparison():
    text = ("Uit de bevraging van 2022 blijkt dat 61 % van de ouders tevreden is, tegenover 55 % in 2016. "
            "Ook 38 % vindt de openingsuren te beperkt.")
    assert dated(text, "2023-05-02") == [("61", "2022", "context"), ("55", "2016", "explicit"),
                                         ("38", "2022", "context")]
    # a time said after the survey's, nearer the figure, is the figure's
    assert dated("Volgens de cijfers van 2020 waren er toen 6720 plaatsen; vandaag zijn er 7100.", "2024-02-01") == [
        ("6720", "2020", "context"), ("7100", "2024", "relative")]


def test_a_date_carries_to_the_next_sentence_but_now_and_comparisons_do_not():
    assert dated("Op 1 januari 2021 waren er 124 huizen, tegenover 161 een jaar eerder. "
                 "Van die 124 huizen zijn er 63 intergemeentelijk.") == [
        ("124", "2021-01-01", "explicit"), ("161", "2020-01-01", "relative"), ("124", "2021-01-01", "context"),
        ("63", "2021-01-01", "context")]


def test_the_findings_of_a_survey_named_before_are_of_its_date():
    # a meeting: "vorig jaar" dates its own sentence only, but the findings of the survey it
    # introduced, reported later ("Uit de bevraging blijkt ..."), are of the survey's year
    doc = doc_of("Vorig jaar is er een bevraging gebeurd in de 128 Huizen van het Kind. Er is gepeild naar hun "
                 "ervaringen. Uit de bevraging blijkt dat 8 op de 10 Huizen van het Kind de link maken met "
                 "armoedebestrijding.", "2016-06-07", kind="vraag-om-uitleg")
    got = {f.value: (f.date, f.date_source) for f in figures_for_document(doc)}
    assert got == {"128": ("2015", "relative"), "8 op de 10": ("2015", "context")}


def test_the_date_of_an_event_dates_only_what_refers_back_to_it():
    start = "De nieuwe regelgeving ging van start op 1 januari 2019. "
    # the state described next is the document's (or undated), not the day the rules started
    assert dated(start + "Er zijn 5 consultatiebureaus in Brussel.") == [("5", "", "undated")]
    assert dated(start + "Er zijn 5 consultatiebureaus in Brussel.", "2021-03-02") == [("5", "2021", "document-date")]
    assert dated("Het decreet is op 1 april 2014 in werking getreden. In 280 gemeenten is er een lokaal loket.",
                 "2017-03-01") == [("280", "2017", "document-date")]
    # "op dat moment" refers back: dated by the event
    assert dated(start + "Op dat moment waren er 120 Huizen van het Kind erkend.") == [("120", "2019-01-01", "context")]
    # a sentence with figures of its own on that day still dates what follows
    assert dated("Op 1 januari 2019 startten 120 Huizen van het Kind. Daarvan zijn er 30 intergemeentelijk.") == [
        ("120", "2019-01-01", "explicit"), ("30", "2019-01-01", "context")]


def named(text: str) -> list[tuple[str, str, float | None, str]]:
    return [(f.value, f.unit, f.number_value, f.quantity) for f in extract_figures(text, fallback_date="2016-05-01")]


def test_a_range_is_one_figure_in_the_unit_written_after_it():
    assert named("Zo'n 70 tot 80 procent van de Huizen van het Kind richt zich op de prenatale fase.") == [
        ("70 tot 80", "%", 75.0, "aandeel Huizen van het Kind richt prenatale fase")]
    assert named("Het gaat om 300 à 400 gezinnen per jaar.") == [("300 à 400", "gezinnen per jaar", 350.0, "gezinnen")]
    assert [v for v, *_ in named("Tussen 1.200 en 1.500 kinderen wachten op een plaats.")] == ["Tussen 1.200 en 1.500"]
    # "tussen 96,6 en 95,4 procent" names two values (the larger first), not a range
    assert named("Het verschil tussen 96,6 en 95,4 procent is groot.")[0][:3] == ("96,6", "%", 96.6)
    assert named("Afhankelijk van de leeftijd werd tussen de 92 en 96 procent opnieuw uitgevoerd.")[0][:3] == (
        "tussen de 92 en 96", "%", 94.0)


def test_a_hyphen_range_of_shares_is_one_figure_but_codes_are_none():
    assert [(v, u, round(n, 2)) for v, u, n, _ in named("Het aandeel bleef constant op 51,3-51,4%.")] == [
        ("51,3-51,4", "%", 51.35)]
    assert [x[:2] for x in named("Het gaat om 20-25 procent van de gezinnen.")] == [("20-25", "%")]
    assert named("Zie vraag 3-4.") == []


def test_a_footnote_mark_glued_to_a_year_is_no_figure():
    """Web copies of footnoted texts glue the mark to the word: "sinds 19572" is 1957 and note 2."""
    assert named("Nederland heeft al sinds 19572 een vaccin.") == []
    # a Belgian clock time in a news page's byline
    assert named("28 januari 2020 om 11u32 in Aarschot.") == []
    # a news page's reactions counter before the town of its dateline: "5 Aarschot" counts nothing
    assert named("11u32 5 Aarschot In een Huis van het Kind kunnen ouders terecht.") == []
    assert [x[:2] for x in named("Het gaat om 20 OESO-landen en 12 Huizen van het Kind.")] == [
        ("20", "OESO-landen"), ("12", "Huizen van het Kind")]


def test_participles_before_a_noun_and_a_noun_left_out():
    """"3.946 verdwenen plaatsen" counts plaatsen (before: the unit "verdwenen"); "en 21 nieuwe
    geopend" counts the locaties of the figure before (before: the unit "geopend")."""
    assert named("Het gaat om 3.946 verdwenen plaatsen.")[0][1] == "plaatsen"
    assert [(v, u, q) for v, u, _n, q in named("Er werden 58 locaties gesloten en 21 nieuwe geopend.")] == [
        ("58", "locaties", "locaties gesloten"), ("21", "locaties", "nieuwe locaties geopend")]
    assert named("Er zijn 12 gesloten locaties en 4 nieuwe.")[1][:2] == ("4", "locaties")


def test_a_unit_written_once_is_shared_by_both_values_of_a_change_or_a_list():
    # the value before a change is in the unit of the value it changed to — with its scale
    assert named("Het aandeel steeg van 12 naar 14 procent.") == [("12", "%", 12.0, "aandeel"), ("14", "%", 14.0, "aandeel")]
    assert named("Het budget stijgt van 12 naar 14,6 miljoen euro.")[0][:3] == ("12", "miljoen euro", 12_000_000.0)
    assert [f[:2] for f in named("De vaccinatiegraad steeg van 91 tot 94 %.")] == [("91", "%"), ("94", "%")]
    # and the other way: the counted noun named once, with the first value
    assert [f[:2] for f in named("Het aantal steeg van 120 Huizen van het Kind in 2015 naar 130 in 2016.")] == [
        ("120", "Huizen van het Kind"), ("130", "Huizen van het Kind")]
    assert [f[:2] for f in named("Er zijn 12 en 14 locaties in Gent en Antwerpen.")] == [("12", "locaties"), ("14", "locaties")]


def test_a_share_named_by_its_subject_and_the_age_it_is_measured_at():
    """"Het percentage kinderen geboren in een kansarm gezin steeg tot 17,8 %" (before: "aandeel");
    "Bij kinderen uit kansarme gezinnen ligt het bereik op 91,2 %": the reach, of that group;
    "94,1 % bij 18 maanden": 18 months is the age, no figure."""
    assert named("Het percentage kinderen geboren in een kansarm gezin steeg tot 17,8 %.")[0][3] == \
        "aandeel kinderen geboren kansarm gezin"
    figs = extract_figures("Bij kinderen uit kansarme gezinnen ligt het bereik op 91,2 %.")
    assert [(f.quantity, f.scope) for f in figs] == [("bereik", "kinderen uit kansarme gezinnen")]
    assert [v for v, *_ in named("De vaccinatiegraad voor mazelen bedraagt 94,1 % bij 18 maanden.")] == ["94,1"]


def test_a_share_followed_at_once_by_a_plural_noun_counts_that_noun():
    assert named("Toen zat er in die school 88 procent kansarme kinderen.") == [("88", "%", 88.0, "aandeel kansarme kinderen")]
    assert named("Het gaat om 12 % kwetsbare gezinnen in het bereik.")[0][3] == "aandeel kwetsbare gezinnen"
    # not a time or a comparison after the share
    assert named("Het aandeel steeg tot 14 procent nu.")[0][3] == "aandeel"
    assert named("Dat is 20 % hogere kosten.")[0][3] != "aandeel hogere kosten"


def test_words_of_time_and_linking_adverbs_do_not_name_a_quantity():
    assert named("Dat zijn er 5 meer dan vorig jaar.")[0][3] == "verandering"
    q = named("Uit een peiling blijkt dat 41 % van de aangesloten organisaties het afgelopen half jaar een groep sloot.")[0][3]
    assert "afgelopen" not in q and "half" not in q and q.startswith("aandeel aangesloten organisaties")
    # an adverb between the number and its noun's adjectives is neither its unit nor its name
    assert named("Daarmee krijgen 2604 reeds bestaande plaatsen extra subsidies.")[0][1] == "plaatsen"
    assert named("Er zijn 40 momenteel actieve teams.")[0][1:] == ("teams", 40.0, "actieve teams")


def test_a_round_denominator_after_voor_or_op_is_no_figure_but_the_units_base():
    """"80,5 plaatsen voor 100 kinderen" is one figure in "plaatsen per 100 kinderen" (before: a
    second figure "100 kinderen"); "Voor 100 gezinnen was er geen plaats" is a count."""
    assert [x[:2] for x in named("In Hooglede zijn er 80,5 plaatsen voor 100 kinderen.")] == [
        ("80,5", "plaatsen per 100 kinderen")]
    assert [x[:2] for x in named("Het gaat om 3,2 vestigingen op 1.000 inwoners.")] == [
        ("3,2", "vestigingen per 1.000 inwoners")]
    assert [x[:2] for x in named("Voor 100 gezinnen was er geen plaats.")] == [("100", "gezinnen")]
    assert [v for v, *_ in named("Per 2 kinderen is er 1 opvangplaats.")] == ["1"]  # a headline's denominator


def test_a_change_against_a_year_or_since_a_year_is_of_the_time_spoken_of():
    """"In vergelijking met 2019 is dat een stijging met 4 %": not as of 2019; "Sinds 2020 daalde
    het aantal met 12 %": up to the text's date; the comparison words are no name."""
    assert dated("In vergelijking met 2019 is dat een stijging met 4 %.", "2024-03-01") == [
        ("4", "2024", "document-date")]
    assert dated("Sinds 2020 daalde het aantal met 12 %.", "2024-03-01")[0][1] != "2020"
    assert named("Het aantal plaatsen steeg met 1.200 ten opzichte van 2022.")[0][1:] == (
        "plaatsen", 1200.0, "verandering plaatsen")
    assert named("Dat zijn 300 gezinnen meer in vergelijking met 2021.")[0][3] == "verandering gezinnen"


def test_a_change_named_by_its_noun_or_as_the_subject():
    """"een stijging van 8,7%", "De stijging … bleef beperkt tot 5,7%": changes (before: shares
    "aandeel bevallingen"); "een stijging van 12 naar 14 procent" are two levels; "De groei is
    voor twee derde het gevolg van …" is a share of the growth."""
    assert named("Dat is een stijging van 8,7% tegenover 2004.")[0][3] == "verandering"
    assert named("De stijging van het aantal bevallingen bleef beperkt tot 5,7%.")[0][3] == "verandering bevallingen"
    assert [q for *_, q in named("Dat is een stijging van 12 naar 14 procent.")] == ["aandeel", "aandeel"]
    assert not named("De groei van de plaatsen is voor twee derde het gevolg van nieuwe plaatsen.")[0][3].startswith(
        "verandering")


def test_a_change_names_the_count_written_after_it():
    assert named("De cijfers tonen 6720 plaatsen, of 242 plaatsen minder dan in 2019.")[1][3] == "verandering plaatsen"
    # a threshold, and a verb between, are no change
    assert named("Het gaat om 300 gemeenten met minder dan 10.000 inwoners.")[0][3] == "gemeenten inwoners"
    assert "verandering" not in named("Van die 124 gemeenten tellen er 71 minder dan 10.000 inwoners.")[0][3]
    assert named("Opvallend is de stijging met 10 procent van het aantal dossiers.")[0][3] == "verandering dossiers"
    assert named("Wij zijn met 60 procent gestegen wat betreft het aantal kinderen in een verontrustende "
                 "opvoedingssituatie.")[0][3] == "verandering kinderen"
    assert named("Het aantal oproepen daalde met 12 %.")[0][3] == "verandering oproepen"
    # "dat aantal": the count of the change before, here in another region
    figs = extract_figures("In Vlaanderen zijn wij met 60 procent gestegen wat betreft het aantal kinderen in een "
                           "verontrustende opvoedingssituatie. In Wallonië is dat aantal met 4 procent gedaald.",
                           fallback_date="2019-02-12")
    assert [(f.value, f.quantity, f.scope) for f in figs] == [("60", "verandering kinderen", "Vlaams Gewest"),
                                                              ("4", "verandering kinderen", "Waals Gewest")]


def test_undated_figures_are_kept_and_marked():
    assert dated("Er zijn 12 antennes.") == [("12", "", "undated")]
    # with a document date: its year, marked as such
    assert dated("Er zijn 12 antennes.", "2019-10-21") == [("12", "2019", "document-date")]
    # "dit jaar" in a text without a date: the figure's own time, unknown — not the year before it
    text = "In 2015 investeerde u 7,3 miljoen euro, wat te weinig was, voor dit jaar zal het 1,9 miljoen euro zijn."
    assert dated(text) == [("7,3", "2015", "explicit"), ("1,9", "", "undated")]
    assert dated(text, "2016-02-03") == [("7,3", "2015", "explicit"), ("1,9", "2016", "relative")]


def test_the_past_years_count_up_to_the_document():
    assert dated("De voorbije drie jaar werden 1.200 plaatsen bijgecreëerd.", "2024-03-12") == \
        [("1.200", "2024", "relative")]


# ---------------------------------------------------------------------------------------------
# Only figures


@pytest.mark.parametrize("text", [
    "Huizen van het Kind 1234 (2023-2024) De voorzitter",  # question number and session
    "SCHRIFTELIJKE VRAAG nr. 312 van ELINE MAERTENS",  # question number
    "Schriftelijke vraag nr. 7-1417 van Lien Vanhoutte",  # a Senate number
    "Vraag 3 en 4 Vindt u het aanvaardbaar dat de kraamzorg verschilt per regio.",  # numbering
    "Antwoord 1 Ja.",  # numbering
    "1-2. Huizen van het Kind zijn partnerschappen.",  # numbering
    "Zoals bepaald in art. 7 van het decreet van 29 november 2013 werken zij samen.",  # article, decree date
    "Ouders van kinderen tussen 0 en 3 jaar kunnen er terecht.",  # age range
    "Een eerste dosis op de leeftijd van 12 maanden volstaat niet.",  # age
    "Het gaat om kinderen jonger dan 5 jaar.",  # age
    "Het gaat om plaatsen met een subsidie voor inkomenstarief, de zogenaamde trap 2.",  # level
    "Zij ontvangen enkel een basissubsidie (trap 1).",  # level
    "De nieuwe erkenningen gaan in op 1 januari 2027.",  # a date, a year
    "Schriftelijke vraag 41 (2025-2026) - pagina 2 van 3",  # page footer
    "Tweede Kamer, vergaderjaar 2024–2025, Aanhangsel 2",  # page footer
    "ah-tk-20242025-1712 ISSN 0921 - 7398",  # ISSN
    "Bel naar de lijn op het nummer 078 150 100.",  # phone
    "Beantwoord 19 februari 2025 (na 27 dagen)",  # a delay, not a count
    "Vlaanderen is ingedeeld in eerstelijnszones1. Die zones werken samen.",  # footnote mark
    "Voor de zorg is dat zo geregeld.1 Volkskrant, 3 maart 2025",  # footnote line
    "Hoeveel daarvan tellen minder dan 10.000 inwoners?",  # a threshold in a question
    "dinsdag 12 maart 2024, 14.00u",  # a clock time
    "24-02-2026 Sinds die dag werken zij samen.",  # a date line
    "Naast de kind-check is de hulplijn 1712 een belangrijk instrument.",  # a number that names a line
    "Zie artikel 5, paragraaf 2, van het decreet.",  # an article's paragraph
    "Dit staat in Kamerstuk 31 322, nr. 562.",  # a Tweede Kamer document number
    "Nieuws, maandag 05 jul 2021.",  # a date with an abbreviated month
    "De week van de opvoeding loopt van 1 tot 5 september.",  # the first day of a span of days
])
def test_non_figures_are_not_in_the_ledger(text):
    assert extract_figures(text, fallback_date="2024-03-12") == []


def test_a_target_is_its_own_kind_never_a_measurement():
    figs = extract_figures("De Europese doelstelling van Barcelona, die een deelname van 33 % vooropstelt, "
                           "wordt daarmee ruim gehaald: de deelname bedraagt 56 %.", fallback_date="2022-10-01")
    kinds = {f.value: figure_kind(f) for f in figs}
    assert kinds == {"33": "target", "56": "measurement"}
    assert figure_dict(figs[0])["kind"] == "target"
    f = extract_figures("Kind en Gezin verwacht dat er volgend jaar 125 huizen zijn.", fallback_date="2020-10-07")[0]
    assert figure_kind(f) == "forecast"


def test_a_level_that_must_be_reached_is_a_target_and_the_state_before_it_is_not():
    def kinds(text):
        return [(f.value, figure_kind(f)) for f in extract_figures(text, fallback_date="2016-05-01")]

    assert kinds("Die school met 66 procent GOK-kinderen moet nu een stijging realiseren naar 79 procent.") == [
        ("66", "measurement"), ("79", "target")]
    assert kinds("In 2019 waren er 120 Huizen van het Kind. Tegen 2030 moeten het er 150 zijn.") == [
        ("120", "measurement"), ("150", "target")]
    assert kinds("Er moeten tegen 2025 nog 500 plaatsen bijkomen.") == [("500", "target")]
    # "moeten" without a level to reach is no target
    assert kinds("De gezinnen moeten 7,85 euro per uur betalen.") == [("7,85", "measurement")]
    # what must be, said after the figure; a norm named by a compound ("Brusselnorm")
    assert kinds("Dan zouden er in Brussel eigenlijk 8495 plaatsen moeten zijn.") == [("8495", "target")]
    assert kinds("Er moeten elk jaar gemiddeld 3500 plaatsen extra moeten bijkomen.") == [("3500", "target")]
    assert kinds("De Brusselnorm van 30 procent geldt voor het hele gewest.") == [("30", "target")]
    # those who must wait are counted; "enorm" is no norm
    assert kinds("Er staan 2.410 minderjarigen op een wachtlijst die moeten wachten.") == [("2.410", "measurement")]
    assert kinds("Het aantal steeg enorm, tot 2.410 kinderen.") == [("2.410", "measurement")]
    # the kind is a figure's own: what there is now, compared with what must be, is measured
    assert kinds("Dan zouden er 8495 plaatsen moeten zijn. Dat zijn er een pak meer dan de 6720 die er nu zijn.") == [
        ("8495", "target"), ("6720", "measurement")]
    # expected, said after the figure; "meer dan verwacht" is no forecast
    assert kinds("Er worden 130 Huizen van het Kind verwacht in 2025 en 140 in 2026.") == [
        ("130", "forecast"), ("140", "forecast")]
    assert kinds("Er kwamen 300 gezinnen, meer dan verwacht.") == [("300", "measurement")]


# ---------------------------------------------------------------------------------------------
# Tables


def test_years_as_columns_with_the_captions_day():
    table = ("Aantal consultatiebureaus per provincie, op 31 december\n"
             "Provincie 2021 2022 2023 2024\n"
             "Antwerpen 81 81 80 79\n"
             "Brussels Hoofdstedelijk\n"
             "Gewest 8 8 8 7\n"
             "Totaal 308 306 304 301")
    figs = extract_figures(table, section="annex", fallback_date="2025-10-02")
    cells = {(f.scope, f.date): (f.value, f.unit, f.date_source) for f in figs}
    assert cells[("Antwerpen", "2021-12-31")] == ("81", "consultatiebureaus", "table")
    assert cells[("Antwerpen", "2024-12-31")] == ("79", "consultatiebureaus", "table")
    assert cells[("Brussels Hoofdstedelijk Gewest", "2024-12-31")][0] == "7"  # a label wrapped over two lines
    assert cells[("", "2023-12-31")][0] == "304"  # the total row: no scope
    assert len(figs) == 12


def test_abbreviated_scales_in_text_and_in_a_budget_tables_caption():
    """"€ 85 mln.", "1,2 mld. euro", "15 mio. euro": the value is scaled and the unit is "miljoen
    euro" (before: 85 euro, and the units "mln", "mio"); a budget table "(in mln. euro)" too."""
    figs = extract_figures("Daarvan gaat € 85 mln. naar de gemeenten. In 2025 is er 15 mio. euro en in 2026 "
                           "1,2 mld. euro.", fallback_date="2024-11-21")
    assert [(f.value, f.unit, f.number_value, f.date) for f in figs] == [
        ("85", "miljoen euro", 85e6, "2024"), ("15", "miljoen euro", 15e6, "2025"),
        ("1,2", "miljard euro", 1.2e9, "2026")]
    table = ("Budget Huizen van het Kind (in mln. euro)\n"
             "Jaar Budget\n"
             "2023 13,4\n"
             "2024 14,6")
    figs = extract_figures(table, section="annex", fallback_date="2025-02-10")
    assert [(f.value, f.unit, f.number_value, f.date) for f in figs] == [
        ("13,4", "miljoen euro", 13.4e6, "2023"), ("14,6", "miljoen euro", 14.6e6, "2024")]


def test_years_as_rows_and_two_quantities():
    table = ("Kinderopvangplaatsen voor baby's en peuters op 1 oktober\n"
             "Jaar Plaatsen totaal Plaatsen met inkomenstarief\n"
             "2018 108.940 47.615\n"
             "2019 110.320 49.380")
    figs = extract_figures(table, section="annex", fallback_date="2024-03-13")
    got = [(f.value, f.date, f.date_source, f.quantity) for f in figs]
    # the column "Plaatsen" is the head of the caption's compound: the cells count kinderopvangplaatsen
    assert got == [("108.940", "2018-10-01", "table", "Kinderopvangplaatsen"),
                   ("47.615", "2018-10-01", "table", "Kinderopvangplaatsen met inkomenstarief"),
                   ("110.320", "2019-10-01", "table", "Kinderopvangplaatsen"),
                   ("49.380", "2019-10-01", "table", "Kinderopvangplaatsen met inkomenstarief")]
    assert {f.unit for f in figs} == {"Kinderopvangplaatsen"} and {f.scope for f in figs} == {""}


def test_a_column_that_is_no_head_of_the_caption_keeps_its_name():
    table = ("Aantal consultatiebureaus per provincie op 1 januari\n"
             "Jaar Locaties\n"
             "2018 331\n"
             "2019 335")
    figs = extract_figures(table, section="annex", fallback_date="2024-03-13")
    assert [(f.value, f.quantity, f.unit) for f in figs] == [("331", "Locaties", "Locaties"), ("335", "Locaties", "Locaties")]


def test_the_head_of_a_compound_named_before_refers_to_it():
    # the paragraph's topic ("het totale aantal kinderopvangplaatsen") names the later "plaatsen"
    text = ("De tabel geeft het totale aantal kinderopvangplaatsen voor baby's en peuters op 1 oktober. "
            "Op 1 oktober 2023 waren er 109.120 plaatsen.")
    [f] = extract_figures(text, fallback_date="2024-03-13")
    assert (f.value, f.unit, f.quantity, f.date) == ("109.120", "kinderopvangplaatsen", "kinderopvangplaatsen", "2023-10-01")
    # ... and so does a compound counted in an earlier answer part of the document
    text = ("Op 1 oktober 2022 waren er 108.455 kinderopvangplaatsen voor baby's en peuters.\n\n"
            "Op 1 oktober 2020 waren er 109.870 plaatsen.")
    figs = extract_figures(text, fallback_date="2022-12-12")
    assert [(f.value, f.unit) for f in figs] == [("108.455", "kinderopvangplaatsen"), ("109.870", "kinderopvangplaatsen")]
    # a word that only ends like the compound is no head of it ("aanvragen" is not "vragen"'s part)
    text = "Er werden 1.200 opvangaanvragen ingediend. Daarnaast kwamen er 300 vragen binnen."
    assert [f.unit for f in extract_figures(text, fallback_date="2022-12-12")] == ["opvangaanvragen", "vragen"]


def test_a_named_kind_of_thing_late_in_the_clause_names_the_quantity():
    text = ("Sinds 1 januari 2025 beschikken alle 285 Vlaamse gemeenten over een lokaal loket kinderopvang. "
            "In 247 gemeenten is dat loket fysiek of organisatorisch ondergebracht in het Huis van het Kind.")
    figs = {f.value: f for f in extract_figures(text, fallback_date="2025-10-02")}
    assert "Huis van het Kind" in figs["247"].quantity
    assert "Huis van het Kind" not in figs["285"].quantity


def test_an_xlsx_annex_is_read_as_tables_each_sheet_a_page(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Huizen per provincie"
    ws.append(["Aantal erkende Huizen van het Kind per provincie, telkens op 1 januari"])
    ws.append(["Provincie", 2024, 2025])
    ws.append(["Antwerpen", 27, 25])
    ws.append(["Totaal", 115, 109])
    ws2 = wb.create_sheet("Aandeel")
    ws2.append(["Jaar", "Aandeel gemeenten met een loket"])
    ws2.append([2024, 0.96])
    ws2["B2"].number_format = "0%"
    wb.create_sheet("Leeg")  # an empty sheet gives no page
    path = tmp_path / "bijlage.xlsx"
    wb.save(path)

    loaded = load(path)
    assert loaded.kind == "xlsx" and len(loaded.pages) == 2
    assert "Antwerpen 27 25" in loaded.pages[0] and "2024 96 %" in loaded.pages[1]
    figs = figures_for_document(parse(loaded))
    got = {(f.value, f.scope, f.date, f.date_source) for f in figs}
    assert ("27", "Antwerpen", "2024-01-01", "table") in got
    assert ("109", "", "2025-01-01", "table") in got
    assert ("96", "", "2024", "table") in got
    assert [f.unit for f in figs if f.value == "96"] == ["%"]


def test_a_broken_xlsx_is_named_with_its_reason(tmp_path):
    from pq_assistant.errors import LoadError

    bad = tmp_path / "kapot.xlsx"
    bad.write_bytes(b"geen zip")
    with pytest.raises(LoadError, match="beschadigde XLSX"):
        load(bad)


# ---------------------------------------------------------------------------------------------
# Statuses


def fig(value: str, number: float, date: str, doc: str, doc_date: str, *, quantity="budget Huizen van het Kind",
        unit="miljoen euro", scope="") -> Figure:
    return Figure(value=value, number_value=number, unit=unit, quantity=quantity, date=date, date_source="explicit",
                  sentence=f"{value} {unit}", scope=scope, doc=doc, doc_date=doc_date)


def statuses(figs: list[Figure]) -> list[tuple[str, str]]:
    by = {n["index"]: n for n in annotate_timeline(figs, group_quantities(figs))}
    return [(figs[i].value, by[i]["status"]) for i in range(len(figs))]


def test_status_rules():
    figs = [
        fig("12,1", 12.1e6, "2021", "a.txt", "2021-06-11"),
        fig("14,6", 14.6e6, "2025", "b.txt", "2024-11-26"),
        fig("14.600.000", 14.6e6, "2025", "c.txt", "2025-02-10", unit="euro"),  # the same value, newer source
        fig("13,9", 13.9e6, "2024", "d.txt", "2024-02-01"),
        fig("13,5", 13.5e6, "2024", "e.txt", "2024-05-01"),  # another value for the same date: conflict
    ]
    assert statuses(figs) == [("12,1", "superseded"), ("14,6", "latest"), ("14.600.000", "confirmed"),
                              ("13,9", "conflict"), ("13,5", "conflict")]
    entries = {e.figure.value: e for e in build(figs, embed=None)}
    # "vervangen" names what replaced it and where: at the newest date, the newest source
    assert entries["12,1"].replaced_by["value"] == "14.600.000" and entries["12,1"].replaced_by["doc"] == "c.txt"
    assert entries["14.600.000"].confirms["doc"] == "b.txt"
    d = entries["12,1"].to_dict()
    assert {"date_source", "kind", "scope", "status", "replaced_by"} <= set(d) and d["status_nl"] == "vervangen"


def test_undated_figures_are_never_placed():
    figs = [fig("12,1", 12.1e6, "2021", "a.txt", "2021-06-11"), fig("9", 9e6, "", "b.txt", "2022-01-01")]
    assert statuses(figs) == [("12,1", "latest"), ("9", "undated")]


def corpus_figures(*names: str) -> list[Figure]:
    out: list[Figure] = []
    for name in names:
        out.extend(figures_for_document(parse(load(CORPUS / name))))
    return out


def entries_of(figs: list[Figure]):
    return build(figs, embed=None)


def test_corpus_same_value_in_a_newer_answer_is_confirmed_not_superseded():
    entries = entries_of(corpus_figures("2024-112-impact-gemeentefusies.txt",
                                        "2025-287-aantal-en-werkingsgebied-per-provincie.txt"))
    budget = {e.figure.value: e for e in entries if e.figure.date == "2025" and not e.figure.scope
              and e.figure.unit.endswith("euro") and e.figure.number_value == 14.6e6}
    assert set(budget) == {"14,6", "14.600.000"}
    assert budget["14,6"].group == budget["14.600.000"].group
    assert budget["14,6"].status == "latest"  # first stated in the older answer
    assert budget["14.600.000"].status == "confirmed"  # the newer answer repeats it: not "vervangen"


def test_corpus_285_and_304_municipalities_are_different_scopes_not_a_conflict():
    entries = entries_of(corpus_figures("2025-287-aantal-en-werkingsgebied-per-provincie.txt"))
    by = {e.figure.value: e for e in entries if e.figure.value in ("285", "304") and e.figure.date == "2025-01-01"}
    assert by["285"].figure.scope == "Vlaams Gewest" and by["304"].figure.scope == ""
    assert by["285"].status != "conflict" and by["304"].status != "conflict"


def test_corpus_2025_fixed_amount_continues_the_basic_amount_timeline():
    entries = entries_of(corpus_figures("2014-86-stand-van-zaken-erkenningen.txt",
                                        "2021-607-nieuw-subsidiekader.txt",
                                        "2025-287-aantal-en-werkingsgebied-per-provincie.txt"))
    by = {e.figure.value: e for e in entries if e.figure.value in ("12.500", "25.000", "29.650")}
    assert by["12.500"].group == by["25.000"].group == by["29.650"].group
    assert by["29.650"].status == "latest"
    assert by["12.500"].status == "superseded" and by["12.500"].replaced_by["value"] == "29.650"


def test_corpus_33_percent_target_is_never_the_latest_measurement():
    entries = entries_of(corpus_figures("2022-190-capaciteit-kinderopvang.pdf"))
    target = [e for e in entries if e.figure.value == "33" and e.figure.unit == "%"]
    assert target and all(e.kind == "target" for e in target)
    latest_measurements = [e for e in entries if e.status == "latest" and e.kind == "measurement"]
    assert all(e.figure.value != "33" for e in latest_measurements)
