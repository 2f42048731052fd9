"""Rules that put every value of a quantity where `pq figures <quantity>` finds it: a measure
names what it measures, a restated part is a share of that part, a table's ratio column is
named by its numerator, a particle of "plaatsvinden" is no part of the name, and a question
about a count lists the passages' timelines of that counted noun. Small invented inputs."""
from __future__ import annotations

from pq_assistant.figures import extract_figures, quantity_key
from pq_assistant.figures.ledger import LedgerEntry, counted_groups
from pq_assistant.models import Figure, Passage


def named(text: str, **kw) -> list[tuple[str, str, str, str]]:
    return [(f.value, f.unit, f.quantity, f.scope) for f in extract_figures(text, fallback_date="2021-03-01", **kw)]


# ---------------------------------------------------------------------------------------------
# A number of days measures the subject of "bedroeg" / "lag op"

def test_days_measure_the_subject_of_the_copula():
    got = named("In 2020 bedroeg de gemiddelde doorlooptijd van een aanvraag 41 dagen. "
                "Voor spoedaanvragen lag de gemiddelde doorlooptijd lager, op 12 dagen.")
    assert got == [("41", "dagen", "gemiddelde doorlooptijd", ""),
                   ("12", "dagen", "gemiddelde doorlooptijd", "spoedaanvragen")]
    assert quantity_key(got[0][2]) == "doorlooptijd gemiddeld"


def test_the_measured_subject_is_the_one_of_the_verb_not_a_place():
    # the noun phrase after "bedroeg", not "de provincie" the sentence opens with
    assert named("In de provincie Namen bedroeg de doorlooptijd 30 dagen.")[0][:3] == ("30", "dagen", "doorlooptijd")


def test_an_average_before_the_number_is_kept():
    assert named("De opnameduur na een operatie bedraagt gemiddeld 3,5 dagen.") == [
        ("3,5", "dagen", "gemiddeld opnameduur", "")]


def test_a_measure_compared_with_the_average_is_an_average():
    got = named("In Limburg ligt de opnameduur iets lager dan het Vlaamse gemiddelde, met 2,9 dagen in 2021.")
    assert got[0][:3] == ("2,9", "dagen", "gemiddeld opnameduur")
    assert quantity_key(got[0][2]) == quantity_key("de gemiddelde opnameduur")


def test_a_pronoun_subject_or_a_next_value_measures_the_same():
    got = named("In 2021 bedroeg de gemiddelde opnameduur 3,0 dagen. In Limburg bedroeg ze 3,3 dagen "
                "en in Namen 3,2 dagen.")
    assert [(v, q) for v, _, q, _ in got] == [("3,0", "gemiddelde opnameduur"), ("3,3", "gemiddelde opnameduur"),
                                              ("3,2", "gemiddelde opnameduur")]
    assert got[1][3] == "Limburg"
    # nothing measured before: days stay days
    assert named("Het gaat om 4 dagen. In Limburg bedroeg ze 3 dagen.")[1][2] == "dagen"


def test_days_without_a_measuring_verb_stay_a_count_of_days():
    # no "bedroeg"/"lag": nothing says what the days measure
    assert named("Het gaat om 14 dagen.")[0][2] == "dagen"
    assert named("Gemiddeld kreeg een leerling 20 uren bijles.")[0][2] != "leerling"


# ---------------------------------------------------------------------------------------------
# "Dat is (een dekkingsgraad van) N %" restates the part of the sentence before

def test_a_restated_part_is_the_share_of_that_part():
    got = named("Samen bedienen de loketten 45 van de 60 steden. Dat is een bereik van 75 %.")
    assert got[0] == ("45", "steden", "steden bedienen loketten", "")
    assert got[2] == ("75", "%", "aandeel steden bedienen loketten", "")


def test_a_percentage_that_is_not_the_ratio_is_not_restated():
    # 45 of 60 is 75 %, not 12 %: a change, not the share
    got = named("Samen bedienen de loketten 45 van de 60 steden. Dat is een stijging met 12 %.")
    assert not got[2][2].startswith("aandeel steden")


def test_the_restated_share_needs_the_sentence_right_before():
    got = named("Samen bedienen de loketten 45 van de 60 steden. Er kwam geen nieuw loket bij. "
                "Dat is een bereik van 75 %.")
    assert not got[-1][2].startswith("aandeel steden")


# ---------------------------------------------------------------------------------------------
# A table's one-word percentage column that is the ratio of two count columns

TABLE = """Aantal erkende loketten en aantal steden binnen hun gebied, per provincie, op 1 maart 2020
Provincie Erkende loketten Steden met loket Steden totaal Bereik
Limburg 4 9 12 75 %
Namen 2 5 5 100 %
Totaal 6 14 17 82 %"""


def test_a_ratio_column_is_named_by_its_numerator():
    shares = [(v, q, s) for v, u, q, s in named(TABLE, section="annex") if u == "%"]
    assert shares == [("75", "aandeel Steden met loket", "Limburg"),
                      ("100", "aandeel Steden met loket", "Namen"),  # 5 of 5: the column the other rows use
                      ("82", "aandeel Steden met loket", "")]


def test_a_percentage_column_that_is_no_ratio_keeps_its_name():
    table = TABLE.replace("75 %", "40 %").replace("100 %", "30 %").replace("82 %", "35 %")
    assert {q for v, u, q, s in named(table, section="annex") if u == "%"} == {"aandeel Bereik"}


# ---------------------------------------------------------------------------------------------
# "vonden N X plaats": "plaats" is the particle of "plaatsvinden"

def test_the_particle_of_plaatsvinden_is_no_part_of_the_name():
    got = named("In het voorjaar van 2020 vonden 1.200 huisbezoeken plaats en werden 300 huisbezoeken "
                "telefonisch gedaan. In 2019 vonden 2.400 huisbezoeken plaats.")
    assert [q for _, _, q, _ in got] == ["huisbezoeken", "huisbezoeken telefonisch gedaan", "huisbezoeken"]
    # a count of places stays one
    assert named("Er kwamen 40 plaatsen bij.")[0][1] == "plaatsen"


# ---------------------------------------------------------------------------------------------
# `pq figures "aantal X ..."` also lists the passages' other timelines that count X

def _entry(value: str, unit: str, quantity: str, doc: str, group: int) -> LedgerEntry:
    f = Figure(value=value, number_value=float(value), unit=unit, quantity=quantity, date="2020", date_source="explicit",
               sentence="", doc_id=doc, chunk_id=doc + ":answer:9")
    return LedgerEntry(figure=f, group=group, status="latest")


def _passage(doc: str) -> Passage:
    # a passage of the document (another chunk than its figures': the document counts)
    return Passage(chunk_id=doc + ":answer:0", doc_id=doc, doc=doc + ".txt", text="", score=0.5, page=1,
                   section="answer", part="1", metadata={})


def test_counted_groups_are_the_passages_timelines_of_the_counted_noun():
    entries = [_entry("80", "consulten", "consulten", "c1", 0),
               _entry("6", "consulten", "consulten op afstand georganiseerd", "c1", 1),
               _entry("3", "consulten", "verandering consulten", "c2", 2),
               _entry("5", "groepsconsulten", "groepsconsulten", "c1", 3),  # a compound of the noun
               _entry("12", "%", "aandeel consulten", "c1", 4),  # a share, not a count
               _entry("40", "artsen", "artsen", "c1", 5),  # another noun
               _entry("9", "consulten", "consulten", "c9", 6)]  # not in the passages' documents
    assert counted_groups("aantal consulten in Limburg", [_passage("c1"), _passage("c2")], entries) == [0, 1, 2, 3]


def test_counted_groups_only_for_a_count_question():
    entries = [_entry("80", "consulten", "consulten", "c1", 0)]
    assert counted_groups("aandeel consulten", [_passage("c1")], entries) == []
    assert counted_groups("budget consulten", [_passage("c1")], entries) == []


# ---------------------------------------------------------------------------------------------
# Changes: the last "het aantal X" before the figure, with the service it is counted at

def test_a_change_counts_the_nearest_het_aantal():
    got = named("Het aantal brieven daalt licht, terwijl het aantal online aanvragen jaarlijks met ongeveer 8 % stijgt.")
    assert got == [("8", "%", "verandering online aanvragen", "")]


def test_a_change_keeps_the_service_it_is_counted_at():
    got = named("Het aantal oproepen bij de Kind en Gezin-lijn lag in mei 2021 15 % hoger dan in mei 2020.")
    assert got[0][2] == "verandering oproepen Kind en Gezin-lijn"


# ---------------------------------------------------------------------------------------------
# "dat aandeel" after a name with "van het" in it: the share named before

def test_the_van_het_inside_a_name_is_no_of_the():
    got = named("In 2019 had 30 % van de Huizen van het Kind een aanbod voor vaders. "
                "Bij de Huizen van het Kind in de steden loopt dat aandeel op tot 55 %.")
    assert got[1][:3] == ("55", "%", "aandeel Huizen van het Kind aanbod vaders")


# ---------------------------------------------------------------------------------------------
# "N X, goed voor M Y": the same things counted in another unit

def test_goed_voor_measures_the_count_before():
    got = named("Op 1 juni 2020 telde de dienst 640 medewerkers, goed voor 512 voltijdse equivalenten.")
    assert got[1] == ("512", "equivalenten", "voltijdse equivalenten medewerkers", "")
    # the pupils of the schools that closed
    assert named("Er gingen 30 scholen dicht, goed voor 4.000 leerlingen.")[1][2] == "leerlingen scholen dicht"


# ---------------------------------------------------------------------------------------------
# An extra amount with no recipient and no unit is extra budget

def test_an_extra_amount_is_extra_budget():
    assert named("Voor 2021 maak ik 2,5 miljoen euro bijkomend vrij.")[0][2] == "extra budget"
    # "bovendien" adds a sentence, not money: no budget line is made of it
    assert named("Bovendien start ik een oproep, waarvoor 300.000 euro beschikbaar is.")[0][2] == "extra bedrag"
    assert quantity_key("extra budget") == quantity_key("extra middelen")


# ---------------------------------------------------------------------------------------------
# A share "van de X die …, <main clause>": the relative clause says which X, the main clause what

def test_a_share_is_named_by_the_clause_after_its_relative_clause():
    got = named("In 2018 kwam 76,5 % van de peuters die in dat jaar ingeschreven waren, minstens één keer "
                "naar de speelotheek.")
    assert got == [("76,5", "%", "aandeel peuters ingeschreven speelotheek", "")]


def test_a_share_without_a_relative_clause_keeps_its_own_words():
    got = named("In 2018 woonde 12 % van de peuters in een stad, vooral in Gent.")
    assert got[0][2] == "aandeel peuters stad"


def test_counted_groups_of_a_multiword_name_the_query_holds():
    entries = [_entry("120", "Huizen van het Kind", "erkende Huizen van het Kind", "c1", 0),
               _entry("26", "Huizen van het Kind", "Huizen van het Kind samenwerking vroedvrouwen", "c1", 1),
               _entry("300", "gemeenten", "gemeenten Huis van het Kind", "c1", 2)]  # counts municipalities
    assert counted_groups("aantal Huizen van het Kind met een aanbod", [_passage("c1")], entries) == [0, 1]


def test_a_part_of_the_quantity_is_named_with_it():
    from pq_assistant.figures.ledger import named_groups, timeline_keys

    def money(value: str, quantity: str, group: int) -> LedgerEntry:
        f = Figure(value=value, number_value=float(value), unit="miljoen euro", quantity=quantity, date="2020",
                   date_source="explicit", sentence="")
        return LedgerEntry(figure=f, group=group, status="latest")

    entries = [money("14", "budget Huizen van het Kind", 0),
               money("4", "deel budget Huizen van het Kind", 1),  # "Daarvan gaat 4 miljoen euro naar ..."
               money("2", "deel budget inloopteams", 2)]  # a part of another budget
    assert named_groups("budget Huizen van het Kind", timeline_keys(entries)) == [0, 1]


def test_value_classes_of_a_bucket_are_those_of_comparing_with_every_head():
    """_Bucket compares a figure only with the heads within rounding reach (or, for a percentage
    and a ratio, within 5 points): the classes must be those of comparing with every head."""
    import random

    from pq_assistant.figures.timelines import _agree, _Bucket

    rng = random.Random(7)
    values = [("153", 153.0, "Huizen"), ("6,8", 6.8e6, "euro"), ("6.812.300", 6812300.0, "euro"),
              ("6,81", 6.81e6, "euro"), ("17", 17.0, "%"), ("1 op 5", 0.2, "verhouding"), ("22", 22.0, "%"),
              ("1 op 4", 0.25, "verhouding"), ("17,4", 17.4, "%"), ("150", 150.0, "Huizen"), ("0,2", 0.2, "%")]
    for _ in range(40):
        figs = []
        for n in range(rng.randint(1, 60)):
            v, x, unit = rng.choice(values)
            if rng.random() < 0.4:  # more distinct values, written with or without decimals
                x = rng.choice([x, round(x * rng.uniform(0.9, 1.1), 1)])
                v = f"{x:.1f}".replace(".", ",") if rng.random() < 0.5 else str(int(x))
            figs.append(Figure(value=v, number_value=x, unit=unit, quantity="q", date="2020", date_source="explicit",
                               sentence="", start=n))
        b = _Bucket(figs, list(range(len(figs))))
        heads: list[int] = []
        naive: dict[int, int] = {}
        for i, f in enumerate(figs):
            c = next((n for n, h in enumerate(heads) if _agree(f, figs[h])), None)
            exact = next((naive[j] for j in range(i) if (figs[j].number_value, figs[j].unit) == (f.number_value, f.unit)), None)
            if exact is not None:
                c = exact
            if c is None:
                c = len(heads)
                heads.append(i)
            naive[i] = c
        assert b.cls == naive


def test_the_status_only_conflict_check_of_a_bucket_is_that_of_its_notes():
    """`_Bucket.in_conflict` (what an older date's status needs) says for every member what
    `note`'s conflicts_with says: another value class with a member of another document, or,
    for a figure without a document, any other class. Random buckets of a few documents (some
    figures without one), values that agree or not."""
    import random

    from pq_assistant.figures.timelines import _Bucket

    rng = random.Random(11)
    seen = set()
    for _ in range(300):
        docs = ["a.txt", "b.txt", "c.txt", ""][:rng.randint(1, 4)]
        figs = [Figure(value=str(v), number_value=float(v), unit="Huizen", quantity="q", date="2020",
                       date_source="explicit", sentence="", start=n, doc=rng.choice(docs))
                for n, v in enumerate(rng.choice([153, 153, 150, 160, 17]) for _ in range(rng.randint(1, 12)))]
        b = _Bucket(figs, list(range(len(figs))))
        fast = b.in_conflict()
        for i in range(len(figs)):
            n: dict = {}
            b.note(n, i)
            assert fast[i] == bool(n["conflicts_with"]), (i, [(f.value, f.doc) for f in figs])
            seen.add(fast[i])
    assert seen == {True, False}


def test_statuses_without_the_notes_lists_are_those_with_them():
    """`annotate_timeline(lists=False)` (what the ledger keeps: statuses and pointers) marks every
    figure as the full annotation does: random series over a few dates, sources and values,
    runs of one current value, conflicts, figures without a source or a date."""
    import random

    from pq_assistant.figures.timelines import annotate_timeline

    rng = random.Random(5)
    seen = set()
    for _ in range(200):
        figs = [Figure(value=str(v), number_value=float(v), unit="Huizen", quantity="q",
                       date=rng.choice(["2019", "2020-01-01", "2021", "2021-05-01", ""]), date_source="explicit",
                       sentence="", start=n, doc=d, doc_id=d, doc_date=rng.choice(["2021-06-01", "2022-01-01", ""]))
                for n, (v, d) in enumerate((rng.choice([104, 104, 109, 96]), rng.choice(["a", "b", "c", ""]))
                                           for _ in range(rng.randint(1, 14)))]
        groups = [list(range(len(figs)))]
        full = annotate_timeline(figs, groups)
        fast = annotate_timeline(figs, groups, lists=False)
        key = lambda n: (n["index"], n["status"], n["replaced_by"], n["confirms"])  # noqa: E731
        assert [key(n) for n in fast] == [key(n) for n in full]
        seen.update(n["status"] for n in full)
    assert seen == {"latest", "confirmed", "superseded", "conflict", "undated"}, seen
