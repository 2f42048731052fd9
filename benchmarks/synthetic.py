"""Seeded generator of synthetic written parliamentary questions in the corpus' text shape.

    python benchmarks/synthetic.py --docs 1000 --out /tmp/synth-corpus [--seed 7]

Each document looks like the pypdf text of a Flemish Parliament written question: a title line
"Onderwerp  -  Subonderwerp", context paragraphs, numbered sub-questions, the answer header block
(MINISTER / VLAAMS MINISTER VAN ... / ANTWOORD / op vraag nr. N van <d maand yyyy> / van <MP>),
numbered answers with figures and reference dates (sometimes merged "1-2."), sometimes a BIJLAGE
table per province, lines hard-wrapped at ~85 characters with the odd hyphenated word. About 4 %
have no answer header. Subjects, ministers (by period and portfolio), MPs and dates (2009-2025)
vary. All people and figures are invented. The same seed gives the same documents.

`documents(n, seed)` yields (file name, text); `queries(n, seed)` gives benchmark queries with
and without filters drawn from the same vocabulary.
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path
from typing import Iterator

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december"]
PROVINCES = ["Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen", "Brussel"]
TOWNS = ["Aalst", "Antwerpen", "Brugge", "Genk", "Gent", "Hasselt", "Kortrijk", "Leuven", "Mechelen", "Oostende",
         "Roeselare", "Sint-Niklaas", "Turnhout", "Dendermonde", "Geel", "Lier", "Lommel", "Mol", "Ninove", "Tienen",
         "Vilvoorde", "Waregem", "Ieper", "Beringen", "Halle", "Herentals", "Maaseik", "Tongeren", "Diest", "Eeklo",
         "Zottegem", "Wetteren", "Lokeren", "Temse", "Boom", "Heist-op-den-Berg", "Zaventem", "Dilbeek", "Asse",
         "Knokke-Heist", "Menen", "Izegem", "Poperinge", "Bree", "Maasmechelen", "Houthalen-Helchteren"]

# subject -> (subtopics, counted things, budget topics, domain words for context prose, portfolio)
SUBJECTS: dict[str, tuple[list[str], list[str], list[str], list[str], str]] = {
    "Huizen van het Kind": (
        ["Stand van zaken erkenningen", "Regionale spreiding", "Werkingsmiddelen", "Bereik kwetsbare gezinnen",
         "Samenwerking met lokale besturen", "Gebiedsdekking"],
        ["erkende Huizen van het Kind", "gemeenten met een Huis van het Kind", "consultatiebureaus",
         "samenwerkingsverbanden", "ouderpanels"],
        ["de werkingsmiddelen van de Huizen van het Kind", "de coördinatie van de Huizen van het Kind"],
        ["preventieve gezinsondersteuning", "laagdrempelig aanbod", "lokale besturen", "ouders met jonge kinderen",
         "het agentschap Opgroeien", "Kind en Gezin"], "welzijn"),
    "Kinderopvang": (
        ["Capaciteit baby's en peuters", "Inkomensgerelateerde opvang", "Personeelstekort", "Lokale loketten",
         "Kwaliteitstoezicht", "Sluitingen van opvanglocaties"],
        ["kinderopvangplaatsen", "inkomensgerelateerde plaatsen", "opvanglocaties", "kinderbegeleiders",
         "aanvragen bij het lokaal loket"],
        ["de uitbreiding van de kinderopvang", "de subsidies voor inkomensgerelateerde opvang"],
        ["werkende ouders", "de opvangcapaciteit", "de kwaliteit van de opvang", "de Zorginspectie",
         "de lokale loketten kinderopvang"], "welzijn"),
    "Preventieve gezinsondersteuning": (
        ["Consultatiebureaus", "Prenatale ondersteuning", "Vaccinatiegraad jonge kinderen", "Kraamzorg",
         "Opvoedingsondersteuning", "Inloopteams"],
        ["consultaties", "huisbezoeken", "gezinnen met een prenataal traject", "opvoedingswinkels", "inloopteams"],
        ["de prenatale ondersteuning", "de opvoedingsondersteuning"],
        ["kwetsbare gezinnen", "verpleegkundigen van Kind en Gezin", "vroegtijdige ondersteuning",
         "het bereik van gezinnen in armoede"], "welzijn"),
    "Jeugdhulp": (
        ["Wachtlijsten", "Crisisopvang", "Pleegzorg", "Residentiële voorzieningen", "Intersectorale toegangspoort"],
        ["jongeren op de wachtlijst", "pleeggezinnen", "crisismeldingen", "residentiële plaatsen", "aanmeldingen"],
        ["de capaciteitsuitbreiding in de jeugdhulp", "de pleegzorg"],
        ["minderjarigen in een verontrustende situatie", "de wachttijden", "de continuïteit van de zorg",
         "de voorzieningen"], "welzijn"),
    "Groeipakket": (
        ["Sociale toeslag", "Schooltoeslag", "Kinderbijslag in Brussel", "Uitbetalingsactoren"],
        ["gezinnen met een sociale toeslag", "kinderen met een schooltoeslag", "dossiers", "uitbetalingen"],
        ["het Groeipakket", "de sociale toeslagen"],
        ["de gezinsbijslagen", "het gezinsinkomen", "automatische rechtentoekenning", "de uitbetalingsactoren"],
        "welzijn"),
    "Armoedebestrijding": (
        ["Kinderarmoede", "Lokaal armoedebeleid", "Kansarmoede-index", "Sociale kruideniers"],
        ["kinderen geboren in kansarmoede", "gemeenten met een armoedeplan", "projecten", "gezinnen"],
        ["de armoedebestrijding", "de lokale armoedeprojecten"],
        ["de kansarmoede-index", "het Vlaams Actieplan Armoedebestrijding", "de OCMW's", "structurele armoede"],
        "welzijn"),
    "Onderwijs": (
        ["Kleuterparticipatie", "Leerplicht", "Schoolgebouwen", "Lerarentekort", "Zorgbeleid op school"],
        ["kleuters", "scholen", "vacatures voor leraren", "leerlingen", "capaciteitsprojecten"],
        ["de schoolgebouwen", "de capaciteitsuitbreiding in het onderwijs"],
        ["de schoolbesturen", "de onderwijskwaliteit", "AGODI", "de leerlingenbegeleiding"], "onderwijs"),
    "Mobiliteit": (
        ["Fietspaden langs gewestwegen", "Schoolomgevingen", "Openbaar vervoer op maat"],
        ["kilometer fietspad", "schoolomgevingen", "ongevallen", "haltes"],
        ["de fietsinfrastructuur", "de schoolomgevingen"],
        ["het Agentschap Wegen en Verkeer", "verkeersveiligheid", "De Lijn", "basisbereikbaarheid"], "mobiliteit"),
    "Wonen": (
        ["Sociale huisvesting", "Huurpremie", "Renovatiepremie"],
        ["sociale huurwoningen", "kandidaat-huurders", "premiedossiers"],
        ["de sociale huisvesting", "de huurpremie"],
        ["de sociale huisvestingsmaatschappijen", "de wachtlijsten voor een sociale woning", "betaalbaar wonen"],
        "wonen"),
    "Jeugd": (
        ["Jeugdwerk", "Speelpleinwerking", "Jeugdlokalen"],
        ["jeugdwerkinitiatieven", "speelpleinen", "deelnemers"],
        ["het jeugdwerk", "de jeugdinfrastructuur"],
        ["vrijwilligers", "de lokale jeugdraad", "vrijetijdsparticipatie", "kinderen en jongeren"], "jeugd"),
    "Inburgering": (
        ["Inburgeringstrajecten", "Nederlands als tweede taal"],
        ["inburgeraars", "cursisten", "trajecten"],
        ["de inburgering", "de lessen Nederlands als tweede taal"],
        ["het Agentschap Integratie en Inburgering", "nieuwkomers", "de wachttijden voor een cursus"], "inburgering"),
}

PORTFOLIOS = {
    "welzijn": "VLAAMS MINISTER VAN WELZIJN, VOLKSGEZONDHEID EN GEZIN",
    "onderwijs": "VLAAMS MINISTER VAN ONDERWIJS",
    "mobiliteit": "VLAAMS MINISTER VAN MOBILITEIT EN OPENBARE WERKEN",
    "wonen": "VLAAMS MINISTER VAN WONEN EN ONROEREND ERFGOED",
    "jeugd": "VLAAMS MINISTER VAN CULTUUR, JEUGD EN MEDIA",
    "inburgering": "VLAAMS MINISTER VAN BINNENLANDS BESTUUR, INBURGERING EN GELIJKE KANSEN",
}
# (first year, last year) -> portfolio -> minister (invented names)
MINISTERS = {
    (2009, 2014): {"welzijn": "HILDE VAN ACKER", "onderwijs": "MARC DESCHEPPER", "mobiliteit": "GEERT VANLOO",
                   "wonen": "ANN MERTENS", "jeugd": "JORIS CLAESSENS", "inburgering": "LUC DE BAETS"},
    (2015, 2019): {"welzijn": "KOEN VERBEKE", "onderwijs": "SARAH DE BRUYNE", "mobiliteit": "DIRK HOSTE",
                   "wonen": "INGRID LAMBRECHTS", "jeugd": "TOM VAN DE VELDE", "inburgering": "NELE CORNELIS"},
    (2020, 2024): {"welzijn": "ELS VANHOUTTE", "onderwijs": "WOUTER GEUDENS", "mobiliteit": "LIES RAEMAEKERS",
                   "wonen": "BART STEVENS", "jeugd": "KATRIEN DOBBELAERE", "inburgering": "FILIP SWENNEN"},
    (2025, 2025): {"welzijn": "JOKE VERMEULEN", "onderwijs": "PIETER D'HONDT", "mobiliteit": "AN VERLINDEN",
                   "wonen": "KOBE MAES", "jeugd": "FREYA BOSMANS", "inburgering": "ROEL VAN DAMME"},
}
FIRST = ["Anke", "Bert", "Chris", "Dries", "Elke", "Frank", "Griet", "Hans", "Ilse", "Jan", "Karen", "Lieven",
         "Marijke", "Nico", "Orla", "Peter", "Quinten", "Ruth", "Stijn", "Tine", "Ulrike", "Vincent", "Wendy",
         "Xavier", "Yves", "Zoë", "Arne", "Bieke", "Cedric", "Dorien", "Emiel", "Fien", "Gert", "Hanne", "Ivo",
         "Jolien", "Kris", "Leen", "Maarten", "Nathalie"]
LAST = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
        "Dubois", "Hermans", "Aerts", "Lambrechts", "Dupont", "Martens", "Vermeulen", "Pauwels", "Van Damme",
        "Michiels", "Desmet", "Verhoeven", "De Clercq", "Smets", "Declercq", "Verbeke", "Coppens", "Van Hecke",
        "Segers", "Cools", "Verstraete", "Wuyts", "Bogaert", "Stevens", "Vandenberghe", "De Backer", "Lemmens",
        "Van den Broeck", "Huybrechts", "Bosmans"]
FILLER = [
    "De gegevens worden jaarlijks verzameld en gerapporteerd.",
    "Ik volg deze evolutie nauwgezet op, samen met het agentschap.",
    "De cijfers voor het lopende jaar zijn nog niet definitief.",
    "Er zijn geen gegevens beschikbaar op het niveau van de individuele gemeenten.",
    "Voor een toelichting verwijs ik naar het jaarverslag van het agentschap.",
    "Dit beleid wordt in overleg met de lokale besturen verder uitgewerkt.",
    "De evaluatie van de regelgeving wordt in de loop van volgend jaar afgerond.",
    "Ik verwijs ook naar mijn antwoord op een eerdere schriftelijke vraag over dit onderwerp.",
]


def _date(rng: random.Random, year: int) -> tuple[int, int, int]:
    return year, rng.randint(1, 12), rng.randint(1, 28)


def dutch_date(d: tuple[int, int, int]) -> str:
    return f"{d[2]} {MONTHS[d[1] - 1]} {d[0]}"


def thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def minister_for(year: int, portfolio: str) -> str:
    for (lo, hi), names in MINISTERS.items():
        if lo <= year <= hi:
            return names[portfolio]
    return MINISTERS[(2025, 2025)][portfolio]


class _Doc:
    def __init__(self, rng: random.Random, year: int, subject: str):
        self.rng = rng
        self.year = year
        self.subject = subject
        self.subtopics, self.things, self.budgets, self.words, self.portfolio = SUBJECTS[subject]

    def thing(self) -> str:
        return self.rng.choice(self.things)

    def figure_sentence(self) -> str:
        r, y = self.rng, self.year
        fy = r.randint(max(2008, y - 2), y)
        d = _date(r, fy)
        t = r.randrange(9)
        if t == 0:
            return f"Op {dutch_date(d)} waren er {r.randint(12, 4000)} {self.thing()}."
        if t == 1:
            return f"In {fy} bedroeg het budget voor {r.choice(self.budgets)} {r.randint(1, 60)},{r.randint(1, 9)} miljoen euro."
        if t == 2:
            p1, p2 = r.randint(5, 60), r.randint(5, 60)
            return (f"Het aandeel {r.choice(self.things)} in {r.choice(PROVINCES)} evolueerde van {p1},{r.randint(0, 9)} % "
                    f"in {fy - 1} naar {p2},{r.randint(0, 9)} % in {fy}.")
        if t == 3:
            return f"Op datum van {dutch_date(d)} telde de provincie {r.choice(PROVINCES)} {r.randint(3, 900)} {self.thing()}."
        if t == 4:
            return f"Ongeveer 1 op {r.randint(3, 12)} {r.choice(self.words)} werd in {fy} bereikt."
        if t == 5:
            return (f"In {fy} werden {thousands(r.randint(100, 60000))} {self.thing()} geregistreerd, een "
                    f"{r.choice(['stijging', 'daling'])} met {r.randint(1, 30)} % tegenover {fy - 1}.")
        if t == 6:
            return f"Er werd in {fy} € {thousands(r.randint(20, 9000) * 1000)} toegekend aan {r.randint(3, 140)} projecten in {r.choice(TOWNS)}."
        if t == 7:
            return f"Op {d[2]}/{d[1]}/{d[0]} waren {r.randint(2, 300)} {self.thing()} actief in {r.choice(TOWNS)} en omgeving."
        return f"Tussen {fy - 3} en {fy} steeg het aantal {self.thing()} met {r.randint(2, 45)} %."

    def prose(self, n: int) -> str:
        r = self.rng
        out = []
        for _ in range(n):
            w1, w2 = r.sample(self.words, 2)
            out.append(r.choice([
                f"In verschillende gemeenten wijzen partners op de druk op {w1}.",
                f"Het beleid rond {w1} en {w2} kreeg de voorbije jaren veel aandacht.",
                f"Uit recente berichten blijkt dat {w1} in {r.choice(TOWNS)} onder druk staat.",
                f"Lokale actoren vragen meer duidelijkheid over de rol van {w1}.",
                f"De vraag is of {w1} voldoende aansluit bij de noden van {w2}.",
                f"Vooral in {r.choice(PROVINCES)} zijn de verschillen opvallend groot.",
                f"Het decreet voorziet dat {w1} samenwerkt met {w2}.",
            ]))
        return " ".join(out)

    def subquestion(self) -> str:
        r = self.rng
        return r.choice([
            f"Hoeveel {self.thing()} zijn er momenteel in {r.choice(PROVINCES)}?",
            f"Wat is het budget voor {r.choice(self.budgets)} in {self.year}?",
            f"Kan de minister een overzicht geven van het aantal {self.thing()}, opgesplitst per provincie?",
            f"Welke maatregelen neemt de minister om {r.choice(self.words)} te versterken?",
            f"Hoe evolueerde het aantal {self.thing()} sinds {self.year - r.randint(2, 6)}?",
            f"Hoeveel {self.thing()} werden in {self.year - 1} bereikt, en welk aandeel daarvan in {r.choice(TOWNS)}?",
            f"Plant de minister een evaluatie van {r.choice(self.words)}? Zo ja, wanneer?",
        ])

    def answer_part(self) -> str:
        r = self.rng
        bits = [self.figure_sentence() for _ in range(r.choice([1, 2, 2, 3, 3]))]
        bits += r.sample(FILLER, r.choice([0, 1, 1, 2]))
        if r.random() < 0.5:
            bits.append(self.prose(r.randint(1, 2)))
        if r.random() < 0.12:  # a long answer: more than one chunk
            bits += [self.figure_sentence() for _ in range(5)] + [self.prose(4)]
        r.shuffle(bits)
        return " ".join(bits)

    def annex(self) -> str:
        r = self.rng
        thing = self.thing()
        rows = [f"Overzicht van het aantal {thing} per provincie ({self.year})", "",
                "Provincie Aantal Budget (euro)"]
        tot_n = tot_b = 0
        for p in PROVINCES:
            n, b = r.randint(3, 400), r.randint(50, 4000) * 1000
            tot_n, tot_b = tot_n + n, tot_b + b
            rows.append(f"{p} {n} {thousands(b)}")
        rows.append(f"Totaal {tot_n} {thousands(tot_b)}")
        return "BIJLAGE\n\n" + "\n".join(rows)


def wrap(text: str, rng: random.Random, width: int = 85) -> str:
    """Hard-wrap like pypdf output, hyphenating the odd long word across the line end."""
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > width:
            if len(word) > 11 and rng.random() < 0.15 and word.isalpha():
                cut = rng.randint(4, len(word) - 4)
                lines.append(f"{cur} {word[:cut]}-")
                cur = word[cut:]
                continue
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}" if cur else word
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def document(rng: random.Random, year: int, number: int) -> tuple[str, str, dict]:
    """One document: (file name, text, facts {subject, minister, asker, date, number})."""
    subject = rng.choice(list(SUBJECTS))
    d = _Doc(rng, year, subject)
    sub = rng.choice(d.subtopics)
    asker = person(rng)
    minister = minister_for(year, d.portfolio)
    qdate = _date(rng, year)
    n_q = rng.choice([2, 3, 4, 4, 5, 5, 6])
    paras = [d.prose(rng.randint(3, 5)) for _ in range(rng.choice([1, 2, 2, 3]))]
    out = [f"{subject}  -  {sub}", ""]
    for p in paras:
        out += [wrap(p, rng), ""]
    out += [wrap(f"Ik heb volgende vragen voor de minister over {sub.lower()}.", rng), ""]
    asked: list[str] = []
    while len(asked) < n_q:
        q = d.subquestion()
        if q not in asked:
            asked.append(q)
    for i, q in enumerate(asked, 1):
        out += [wrap(f"{i}. {q}", rng), ""]
    out += ["", ""]
    headerless = rng.random() < 0.04
    if not headerless:
        out += [minister, PORTFOLIOS[d.portfolio], "", "ANTWOORD",
                f"op vraag nr. {number} van {dutch_date(qdate)}", f"van {asker.upper()}", ""]
    i = 1
    while i <= n_q:
        if i < n_q and rng.random() < 0.15:
            label, i = (f"{i}-{i + 1}." if rng.random() < 0.6 else f"{i} en {i + 1}."), i + 2
        else:
            label, i = f"{i}.", i + 1
        out += [wrap(f"{label} {d.answer_part()}", rng), ""]
    if rng.random() < 0.2:
        out += [d.annex(), ""]
    if rng.random() < 0.3:  # a page break with a footer, as some extracted PDFs have
        mid = len(out) // 2
        out[mid:mid] = ["", f"Vlaams Parlement - schriftelijke vraag {number} ({year})", "\f"]
    slug = "-".join(sub.lower().replace("'", "").split())[:40]
    name = f"{year}-{number}-{slug}.txt"
    facts = {"subject": subject, "subtopic": sub, "minister": minister, "asker": asker,
             "date": f"{qdate[0]}-{qdate[1]:02d}-{qdate[2]:02d}", "number": str(number), "headerless": headerless}
    return name, "\n".join(out) + "\n", facts


def documents(n: int, seed: int = 7, start: int = 0) -> Iterator[tuple[str, str]]:
    """Documents number `start` .. `start + n - 1` of the seeded sequence: (file name, text)."""
    for name, text, _ in documents_with_facts(n, seed, start):
        yield name, text


def documents_with_facts(n: int, seed: int = 7, start: int = 0) -> Iterator[tuple[str, str, dict]]:
    for i in range(start, start + n):
        rng = random.Random(f"{seed}:{i}")
        year = 2009 + i % 17  # 2009..2025, evenly
        number = 1 + (i // 17)  # unique (year, number) pairs
        yield document(rng, year, number)


def queries(n: int = 50, seed: int = 7) -> list[dict]:
    """Benchmark queries in the synthetic vocabulary; about half with filters."""
    rng = random.Random(f"q{seed}")
    out = []
    for i in range(n):
        subject = rng.choice(list(SUBJECTS))
        d = _Doc(rng, rng.randint(2010, 2025), subject)
        q = rng.choice([
            f"Hoeveel {d.thing()} waren er in {d.year} in {rng.choice(PROVINCES)}?",
            f"budget voor {rng.choice(d.budgets)} in {d.year}",
            f"evolutie van het aantal {d.thing()}",
            f"Wat zegt de minister over {rng.choice(d.words)}?",
            f"{d.thing()} {rng.choice(TOWNS)}",
            f"vraag {rng.randint(1, 900)} van {d.year}",
        ])
        filters: dict = {}
        if i % 2:
            kind = rng.randrange(4)
            y = rng.randint(2010, 2024)
            if kind == 0:
                filters = {"minister": minister_for(y, d.portfolio).split()[-1]}
            elif kind == 1:
                filters = {"since": str(y)}
            elif kind == 2:
                filters = {"since": f"{y}-01-01", "until": f"{y + 1}-06-30"}
            else:
                filters = {"asker": person(rng)}
        out.append({"id": f"s{i:03d}", "query": q, "filters": filters})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in documents(args.docs, args.seed):
        (args.out / name).write_text(text, encoding="utf-8")
    print(f"{args.docs} documents in {args.out}")


if __name__ == "__main__":
    main()
