"""The Dutch lexicon of figures: numbers as written (decimal comma, thousands dot, words),
scales, units, dates and the spans that are never figures. Patterns compile on first use."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..textutil import DUTCH_MONTHS, MONTH_DATE_RE, MONTH_RE, dutch_date_to_iso


class _LazyPattern:
    """A regex compiled on first use, so that importing this module stays fast (~50 compiled
    patterns would cost ~70 ms at import)."""

    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._args = (pattern, flags)
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str) -> Any:
        if self._compiled is None:
            self._compiled = re.compile(*self._args)
        return getattr(self._compiled, name)


def _lazy(pattern: str, flags: int = 0) -> Any:
    return _LazyPattern(pattern, flags)


# ---------------------------------------------------------------------------------------------
# Vocabulary

# Multiword names that a noun phrase may run through ("Huizen van het Kind", not "Huizen").
_ENTITIES = [
    "Huizen van het Kind", "Huis van het Kind", "Kind en Gezin-lijn", "Kind en Gezin",
    "Huis van het Nederlands", "Brussels Hoofdstedelijk Gewest", "Vlaams Gewest", "Vlaamse Gewest",
    "lokale loketten kinderopvang", "lokaal loket kinderopvang", "lokale loket kinderopvang",
    "centrum voor leerlingenbegeleiding", "centra voor leerlingenbegeleiding",
    "centrum voor geestelijke gezondheidszorg", "centra voor geestelijke gezondheidszorg",
    "Vlaamse Gemeenschapscommissie", "Vlaamse Regering", "Vlaams Parlement",
]
_ENTITY_RE = _lazy(r"\b(?:" + "|".join(re.escape(e) for e in sorted(_ENTITIES, key=len, reverse=True)) + r")\b", re.I)

# Abbreviations written in answers, expanded in units and quantity keys.
_ABBREVIATIONS = {
    "hvhk": "Huizen van het Kind",
    "bhg": "Brussels Hoofdstedelijk Gewest",
    "k&g": "Kind en Gezin",
    "clb": "centrum voor leerlingenbegeleiding",
    "clb's": "centra voor leerlingenbegeleiding",
    "vte": "voltijdse equivalenten",
    "vgc": "Vlaamse Gemeenschapscommissie",
}
_ABBR_RE = _lazy(r"(?<![\w&])(" + "|".join(re.escape(a) for a in _ABBREVIATIONS) + r")(?![\w&])", re.I)

# Places that make a scope. Flanders as a whole is normalised to "Vlaams Gewest".
_PLACES = {
    "antwerpen": "Antwerpen", "limburg": "Limburg", "oost-vlaanderen": "Oost-Vlaanderen",
    "west-vlaanderen": "West-Vlaanderen", "vlaams-brabant": "Vlaams-Brabant",
    "brussels hoofdstedelijk gewest": "Brussels Hoofdstedelijk Gewest", "bhg": "Brussels Hoofdstedelijk Gewest",
    "brusselse hoofdstedelijke gewest": "Brussels Hoofdstedelijk Gewest", "brussels gewest": "Brussels Hoofdstedelijk Gewest",
    "brussel": "Brussels Hoofdstedelijk Gewest", "vlaanderen": "Vlaams Gewest", "vlaams gewest": "Vlaams Gewest",
    "vlaamse gewest": "Vlaams Gewest", "vlaamse rand": "Vlaamse Rand", "centrumsteden": "centrumsteden",
    # the thirteen centrumsteden (besides Antwerpen and Brussel above)
    "aalst": "Aalst", "brugge": "Brugge", "genk": "Genk", "gent": "Gent", "hasselt": "Hasselt",
    "kortrijk": "Kortrijk", "leuven": "Leuven", "mechelen": "Mechelen", "oostende": "Oostende",
    "roeselare": "Roeselare", "sint-niklaas": "Sint-Niklaas", "turnhout": "Turnhout",
    # the other regions and the country, which answers compare with ("In Wallonië is dat aantal ...")
    "wallonië": "Waals Gewest", "waals gewest": "Waals Gewest", "waalse gewest": "Waals Gewest",
}
# Adjectives of place that make a scope: "285 Vlaamse gemeenten" (Flanders, not Brussels).
_PLACE_ADJECTIVES = {
    "vlaamse": "Vlaams Gewest", "brusselse": "Brussels Hoofdstedelijk Gewest", "waalse": "Waals Gewest",
    "antwerpse": "Antwerpen", "limburgse": "Limburg", "oost-vlaamse": "Oost-Vlaanderen",
    "west-vlaamse": "West-Vlaanderen", "vlaams-brabantse": "Vlaams-Brabant", "nederlandse": "Nederland",
    "belgische": "België", "gentse": "Gent",
}
_PLACE_ADJ_RE = _lazy(r"\s*(" + "|".join(re.escape(a) for a in _PLACE_ADJECTIVES) + r")\s+[a-zà-ÿ]", re.I)
_PLACE_ALT = "|".join(re.escape(p) for p in sorted(_PLACES, key=len, reverse=True))
_PLACE_RE = _lazy(r"(?<![\w-])(" + _PLACE_ALT + r")(?![\w-])", re.I)
# "in (de stad|de provincie|de dertien) <place>": where a figure is about
_IN_PLACE_RE = _lazy(r"\bin\s+(?:de\s+|het\s+)?(?:stad\s+|provincie\s+|\w+\s+)?(" + _PLACE_ALT + r")(?![\w-])", re.I)

# Words that end a noun phrase after a number (articles, pronouns, prepositions, conjunctions,
# auxiliaries and the verbs that most often follow a count in answers).
_NP_STOP = set("""
de het een die dat deze dit wie wat waar welke waarvan waarmee zij ze hij ik we wij er
en of maar om te in op bij met voor naar uit aan over tot tegen door onder tussen per via van
na sinds vanaf zonder binnen buiten rond dan als zoals namelijk dus nog ook al wel niet geen
samen telkens ruim bijna ongeveer circa zowat minstens maximaal hoogstens meer minder ten opzichte tegenover vergeleken vergelijking
zijn is was waren werd werden wordt worden heeft hebben had hadden kan kunnen zal zullen
zou zouden moet moeten mag mogen blijft bleef bleven gaat ging gingen komt kwam kwamen
telt telde tellen bedraagt bedroeg bedragen ligt lag liggen staat stond stonden krijgt kreeg
kregen ontvangt ontving ontvingen biedt bood boden vallen valt viel vonden vindt vond
steeg stegen stijgt stijgen daalde daalden daalt dalen groeide groeiden groeit groeien
""".split())

# Verbs that are copulas/"counting" verbs: they say nothing about *what* is counted.
_LIGHT_VERBS = set("""
zijn is was waren werd werden wordt worden heeft hebben had hadden telt telde tellen
bedraagt bedroeg bedragen ligt lag liggen er gaat ging gaan komt kwam kwamen staat stond
gebeurt gebeurde gebeuren betekent betekende
""".split())

_WORD_NUMBERS = {
    "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9,
    "tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15,
    "twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50, "honderd": 100,
}
_FRACTIONS = {"helft": 0.5, "derde": 1 / 3, "kwart": 0.25, "vierde": 0.25, "vijfde": 0.2}

_SCALES = {"duizend": 1e3, "miljoen": 1e6, "miljard": 1e9}
# the abbreviations of the scales that answers and budget tables write ("€ 85 mln.", "1 mld.",
# "15 mio. euro", "(in mln. euro)"): read as the word, so that the value is scaled and the unit
# is "miljoen euro", not "mln"
_SCALE_ABBREVIATIONS = {"mln": "miljoen", "mio": "miljoen", "mld": "miljard", "mrd": "miljard", "md": "miljard"}


def scale_word(written: str) -> str:
    """The scale word of a scale as written ("mln." -> "miljoen", "Miljoen" -> "miljoen")."""
    w = written.lower().rstrip(".")
    return _SCALE_ABBREVIATIONS.get(w, w)
_TIME_UNITS = r"(?:maanden|maand|jaar|jaren|weken|week|dagen|dag|uur|uren)"

# Markers that keep quantities apart in `group_quantities` (kept in `quantity_key`).
_MARKERS = {
    "verwacht": "verwacht", "verwachte": "verwacht", "gepland": "verwacht", "geplande": "verwacht",
    "geraamd": "verwacht", "raming": "verwacht", "prognose": "verwacht", "streefcijfer": "doel",
    "bevraagd": "bevraagd", "bevraagde": "bevraagd", "bevraging": "bevraagd", "enquete": "bevraagd",
    "extra": "extra", "bijkomend": "extra", "bijkomende": "extra", "aanvullend": "extra",
    "noodfonds": "extra", "gemiddeld": "gemiddeld", "gemiddelde": "gemiddeld", "per": "per",
    "stijging": "verandering", "daling": "verandering", "toename": "verandering", "afname": "verandering",
    "deel": "deel", "totaal": "totaal", "verandering": "verandering", "doel": "doel",
}

# ---------------------------------------------------------------------------------------------
# Numbers and dates

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUM_RE = _lazy(rf"(?<![\w.,/+-])(?:{_NUM})(?![\w/]|[.,]\d)")
_SPACE_THOUSANDS_RE = _lazy(r"(?<![\w.,/-])\d{1,3}(?: \d{3})+(?:,\d+)?(?=\s*(?:euro|EUR)\b)")
# a unit that is one capitalised name, singular: "5 Aarschot" (not "Huizen", "CLB's", "OESO-landen")
_NAME_UNIT_RE = _lazy(r"[A-ZÀ-Ý][a-zà-ÿ]{2,}(?<!en)(?<!s)")
_SPACE_THOUSANDS_AFTER_SIGN_RE = _lazy(r"(?:€|\bEUR)\s?(\d{1,3}(?: \d{3})+(?:,\d+)?)(?![\d,])")
_HYPHEN_SHARE_RE = _lazy(r"\s?[-–]\s?(\d{1,3}(?:,\d+)?)\s*(?:%|procent\b)", re.I)  # "51,3-51,4%"
_PERCENT_RE = _lazy(r"\s*(?:%|procent\b|percent\b)")
_SCALE_RE = _lazy(r"\s*(duizend|miljoen|miljard|mln\b\.?|mio\b\.?|mld\b\.?|mrd\b\.?)(?!\w)", re.I)
_EURO_AFTER_RE = _lazy(r"\s*(?:euro|EUR)\b")
_EURO_BEFORE_RE = _lazy(r"(?:€|EUR)\s*$")
_RATIO_RE = _lazy(r"\s+op\s+(?:de\s+)?(\d{1,4})(?![\w.,]\d|\w)")

_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DATE_PATTERNS: list[tuple[str, Any]] = [
    ("dmy", _lazy(rf"(?<![\d/.-])(\d{{1,2}})([/.-])(\d{{1,2}})\2({_YEAR})(?!\d)")),
    ("iso", _lazy(rf"(?<![\d/.-])({_YEAR})-(\d{{2}})(?:-(\d{{2}}))?(?![\d-])")),
    ("day", _lazy(rf"(?<!\d)(\d{{1,2}})\s+({MONTH_DATE_RE})\s+({_YEAR})(?!\d)", re.I)),
    # "op 1 januari van dit jaar", "vanaf 1 januari volgend jaar", "30 november van vorig jaar"
    ("dayrelyear", _lazy(rf"(?<![\d,.])(\d{{1,2}})\s+({MONTH_RE})\s+(?:van\s+)?(?:het\s+)?(dit|vorig|vorige|volgend|volgende|"
                         r"verleden)\s+jaar\b", re.I)),
    ("daynoyear", _lazy(rf"(?<![\d,.])(\d{{1,2}})\s+({MONTH_RE})\b(?!\s+{_YEAR}\b)", re.I)),
    ("month", _lazy(rf"\b(?:(begin|eind|einde|eind van|einde van|midden)\s+)?({MONTH_RE})\s+({_YEAR})(?!\d)", re.I)),
    ("yearend", _lazy(rf"\b(?:eind|einde|eind van|einde van|het einde van|het eind van)\s+(?:het\s+jaar\s+)?"
                      rf"({_YEAR})(?!\d)", re.I)),
    ("schoolyear", _lazy(rf"\b(?:(?:school|werk|academie|zittings|begrotings)jaar|(?:in\s+de\s+)?periode)\s+"
                         rf"({_YEAR})\s*[-–/]\s*({_YEAR}|\d\d)(?!\d)", re.I)),
    # a span of years: "de jaren 2023 tot en met 2026", "van 2019 tot 2024" (dated by its end,
    # never carried to the next sentences: it names a period, not a moment)
    ("yearspan", _lazy(rf"\b(?:de\s+jaren|van|tussen|(?:in\s+de\s+)?periode)\s+({_YEAR})\s+(?:tot\s+en\s+met|t/m|tot|en)\s+"
                       rf"({_YEAR})(?![\w.,]\d|\d)", re.I)),
    ("range", _lazy(rf"(?<![\d.,])({_YEAR})\s*[-–/]\s*({_YEAR}|\d\d)(?![\d.,]\d|\d)")),
    ("thisyearend", _lazy(r"\b(?:het\s+)?(?:einde?|eind)\s+van\s+(?:het|dit)\s+jaar\b|\beind\s+dit\s+jaar\b", re.I)),
    ("lastyearend", _lazy(r"\b(?:het\s+)?(?:einde?|eind)\s+(?:van\s+)?(?:vorig|verleden)\s+jaar\b", re.I)),
    # "de eerste negen maanden van dit jaar / van 2024": as of the end of the last month
    ("firstmonths", _lazy(rf"\beerste\s+(\w+)\s+maanden\s+van\s+(?:(dit|vorig)\s+jaar|({_YEAR}))\b", re.I)),
    # periods of a year: "het eerste semester van dit jaar", "het tweede kwartaal van 2023"
    ("semester", _lazy(rf"\b(eerste|tweede)\s+(?:semester|jaarhelft|helft)(?:\s+van)?(?:\s+(?:(dit|vorig|volgend)\s+jaar|({_YEAR})))?"
                       r"(?![\w-])", re.I)),
    ("quarter", _lazy(rf"\b(eerste|tweede|derde|vierde)\s+kwartaal(?:\s+van)?(?:\s+(?:(dit|vorig|volgend)\s+jaar|({_YEAR})))?"
                      r"(?![\w-])", re.I)),
    ("thisyear", _lazy(r"\b(?:dit|het\s+lopende|dit\s+lopende)\s+jaar\b", re.I)),
    ("lastyear", _lazy(r"\b(?:vorig|verleden)\s+jaar\b", re.I)),
    ("nextyear", _lazy(r"\bvolgend\s+jaar\b", re.I)),
    # "een jaar eerder": one year before the date it is compared with (resolved in `dates`)
    ("yearbefore", _lazy(r"\b(?:een|één|het)\s+jaar\s+(?:eerder|voordien|daarvoor|ervoor|voorheen|vroeger)\b", re.I)),
    # a period up to the document's moment: "de voorbije drie jaar", "het afgelopen jaar"
    ("pastyears", _lazy(r"\b(?:de|het|deze)\s+(?:voorbije|afgelopen|laatste|jongste)\s+(?:\w+\s+)?(?:jaar|jaren)\b", re.I)),
    # the document's own moment: "nu", "vandaag", "momenteel", "op dit ogenblik"
    ("now", _lazy(r"\b(?:op\s+dit\s+(?:ogenblik|moment)|momenteel|thans|op\s+heden|vandaag(?:\s+de\s+dag)?|"
                  r"tot\s+nu\s+toe|nu)\b", re.I)),
    # a month without a year: "eind september", "begin maart" (the document's year)
    ("monthnoyear", _lazy(rf"\b(begin|eind|einde|midden)\s+(?:van\s+)?({MONTH_RE})\b(?!\s+{_YEAR}\b)", re.I)),
    ("year", _lazy(rf"(?<![\w.,/-])({_YEAR})(?![\w/]|[.,]\d|\s*%)")),
]
_MONTH_DAYS = {1: 31, 2: 28, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}

# A date after these words is a citation (decree, question, ...), never a reference date.
_CITE_RE = _lazy(
    r"(?:decreet|decreten|besluit|uitvoeringsbesluit|wet|ordonnantie|omzendbrief|arrest|beslissing|"
    r"vraag|vragen|nr\.?|nummer|antwoord|regeerakkoord|akkoord|protocol|overeenkomst|advies|verslag|"
    r"conceptnota|nota|brief|mail|schrijven)\b[^.;:()]{0,90}?\bvan\s*$", re.I)
_COMPARE_RE = _lazy(
    r"(?:ten\s+opzichte\s+van|t\.o\.v\.?|tov|vergeleken\s+met|in\s+vergelijking\s+met|tegenover|dan|"
    r"ter\s+vergelijking:?)\s+(?:(?:in|op|met|de|het|eind|einde|begin)\s+){0,3}$", re.I)
_TARGET_RE = _lazy(r"\btegen\s+(?:(?:het|de|eind|einde|van|begin)\s+){0,3}$", re.I)
_SAME_PERIOD_RE = _lazy(r"\b(?:dezelfde|overeenkomstige|zelfde)\s+periode\s+(?:van|in)\s+$", re.I)
# "daling met 10 %": a change, dated at the end of the compared period
_CHANGE_BEFORE_RE = _lazy(r"\bmet\s+(?:ongeveer\s+|bijna\s+|ruim\s+|zowat\s+|nog\s+)?$", re.I)
_CHANGE_WORD_RE = _lazy(
    r"\b(?:stijg\w*|steeg|stegen|gestegen|daal\w*|dalen|gedaald|daling|toename|toenam\w*|toegenomen|"
    r"(?:neemt|nam|namen)\s+(?:\w+\s+){0,3}?(?:toe|af)|afname|afnam\w*|afgenomen|groei\w*|gegroeid|"
    r"verhoogd|verhoging|verlaagd|verlaging|vermindering|verminderd)\b", re.I)
_FROM_TO_VERB_RE = _lazy(r"\b(?:daal\w*|dal\w*|stij\w*|steeg|stegen|gaat|ging|evolueer\w*|groei\w*|zakt\w*|klom|klimt|"
                         r"verhoog\w*|verlaag\w*|gestegen|gedaald|opgetrokken|verminder\w*)\b", re.I)
_NOW_RE = _lazy(r"\b(?:op\s+dit\s+moment|momenteel|op\s+dit\s+ogenblik|thans|op\s+heden)\b", re.I)

# Things that are never figures: article/question/page numbers, URLs, phone numbers, ...
_MASK_PATTERNS = [
    _lazy(r"(?:https?://|www\.)\S+", re.I),
    _lazy(r"\b[\w.-]+@[\w-]+\.[\w.]+"),
    _lazy(r"\b\S+\.(?:pdf|docx?|xlsx?|html?|be|eu|com)\b", re.I),
    _lazy(r"\b(?:art(?:ikel|ikels)?|artt?)\.?\s*\d+(?:\s*[,§]\s*§?\s*\d+)*(?:\s*(?:en|tot|-)\s*\d+)*", re.I),
    _lazy(r"§\s*\d+"),
    _lazy(r"\b(?:nr|nrs|nummer|nummers|no)\.?\s*\d+(?:\s*(?:en|,|-|tot)\s*\d+)*", re.I),
    # numbering, levels and references: "Vraag 3 en 4", "Antwoord 1", "trap 2", "Aanhangsel 2", "fase 3"
    _lazy(r"\b(?:vraag|vragen|antwoord|antwoorden|stuk|punt|hoofdstuk|bijlage|pagina|blz|p|titel|afdeling|boek|lid|"
          r"deel|fase|versie|niveau|module|zone|trap|stap|categorie|type|klasse|prioriteit|aanhangsel|bladzijde|"
          r"tabel|figuur|grafiek|kolom|rij|agendapunt|amendement|voetnoot|noot)\.?\s+\d+(?:[.,]\d+)*"
          r"(?:\s*(?:en|,|-|–|&|tot)\s*\d+)*(?![\d,.]*\s*%)", re.I),
    _lazy(r"\b(?:pagina|blz|p)\.?\s*\d+\s*(?:van|/)\s*\d+", re.I),  # "pagina 2 van 3"
    # the first day of a span of days: "van 1 tot 5 september", "15-19 mei"
    _lazy(rf"(?<![\d,.])\d{{1,2}}(?=\s*(?:tot|t/m|tot\s+en\s+met|-|–|en)\s*\d{{1,2}}\s+(?:{MONTH_DATE_RE})\b)", re.I),
    # a number that names something: "de hulplijn 1712", "paragraaf 2", "Kamerstuk 31 322, nr. 562"
    _lazy(r"\b(?:hulplijn|meldpunt|noodnummer|telefoonnummer|infolijn|paragraaf|paragrafen|alinea)\s+\d+"
          r"(?:\s*(?:en|,|-|–|tot)\s*\d+)*", re.I),
    _lazy(r"\bKamerstuk(?:ken)?\s+\d{1,3}(?:\s\d{3})*(?:\s*-\s*[\dIVXA-Z]+)?(?:\s*,\s*nrs?\.?\s*\d+)?", re.I),
    # a question number with its session "1234 (2023-2024)", a Senate number "7-1417", an ISSN
    _lazy(r"\b\d+\s*\(\s*(?:19|20)\d\d\s*[-–/]\s*(?:19|20)?\d\d\s*\)"),
    _lazy(r"(?<![\w.,])\d{1,2}-\d{3,5}(?![\w,.]\d)"),
    _lazy(r"\bISSN\s*[\dXx -]+", re.I),
    _lazy(r"\(\s*na\s+\d+\s+dagen\s*\)", re.I),  # "Beantwoord ... (na 27 dagen)"
    # footnote marks glued to a word or a mark ("zones1.", "jeugdartsen’?1") and footnote lines
    # "1 Volkskrant, 3 maart 2025", "2 Zie ook ...", "1 Besluit van de Vlaamse Regering van ..."
    _lazy(r"(?<=[?!’'\")\]])\d{1,2}(?![\d.,]\d)"),
    _lazy(r"(?<![\w.,])\d{1,2}(?=\s+(?:Zie|Besluit|Decreet|Bron|Wet|Artikel|Omzendbrief|Ministerieel|Koninklijk|"
          r"Verordening|Richtlijn|Ibid|Idem|Cf)\b)"),
    _lazy(rf"(?<![\w.,])\d{{1,2}}(?=\s+[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){{0,2}},\s+\d{{1,2}}\s+(?:{MONTH_RE})\s+\d{{4}})",
          re.I),
    # a threshold, not a count: "gemeenten met minder dan 10.000 inwoners"
    _lazy(r"\b(?:minder|meer)\s+dan\s+\d[\d.]*\s+inwoners\b", re.I),
    _lazy(rf"\btussen\s+\d+\s+en\s+\d+\s*{_TIME_UNITS}\b", re.I),  # ages "kinderen tussen 0 en 3 jaar"
    _lazy(r"(?<![\w.,])0\d{1,3}(?:[ ./-]?\d{2,3}){2,4}(?![\w,])"),  # phone numbers "078 150 100"
    _lazy(r"\b\d{1,2}[.:u]\d{2}\s*(?:uur|u)\b", re.I),  # clock times
    _lazy(r"\b\d{1,2}u\d{2}\b", re.I),  # a Belgian clock time "11u32"
    # a year with a footnote mark glued to it, as web copies of footnoted texts have it: "sinds 19572"
    _lazy(r"\b(?:sinds|vanaf|sedert)\s+(?:19|20)\d{3,4}(?![\d.,])", re.I),
    _lazy(r"\bper\s+\d+(?:[.,]\d+)*", re.I),  # "per 100 kinderen", "Per 2 kinderen …": a denominator
    # "80,5 plaatsen voor 100 kinderen", "24 plaatsen op 1.000 inwoners": a denominator too
    _lazy(r"\d\s+[a-zà-ÿ'’-]+\s+(?P<m>(?:voor|op)\s+(?:100|1\.000)(?![\d.,]))", re.I),
    _lazy(rf"\b\d+\s*(?:-|–|tot|à|a)\s*\d+\s*{_TIME_UNITS}\b", re.I),  # age/time ranges
    _lazy(rf"\b(?:leeftijd\s+van|jonger\s+dan|ouder\s+dan|tot|vanaf|kinderen\s+van|baby's\s+van|kleuters\s+van|"
          rf"jongeren\s+van)\s+\d+\s*{_TIME_UNITS}\b", re.I),  # ages
    _lazy(r"\b\d+\s*(?:ste|de|e)\b(?=\s+\w)"),  # ordinals "3de"
    # an age at which something is measured: "94,1 % bij 18 maanden", "op de leeftijd van 3 jaar"
    _lazy(r"\b(?:bij|op)\s+(?:de\s+leeftijd\s+van\s+)?\d+\s*(?:maanden|maand|jaar)\b(?!\s+(?:later|eerder|na|voor))", re.I),
]
# List numbering at the start of a paragraph: "1.", "1-2.", "3 en 4.", "2 & 3)".
_NUMBERING_RE = _lazy(r"^\s*(?:\d{1,2}(?:\s*(?:-|–|,|en|&|tot)\s*\d{1,2})*)\s*[.)](?!\d)\s*")
_BULLET_RE = _lazy(r"^\s*[-•*–]\s+")

# Sentence ends; abbreviations that end in a dot do not end a sentence.
_ABBR_DOT = {"nr", "nrs", "art", "artt", "o.m", "bijv", "bv", "t.o.v", "m.b.t", "i.v.m", "ca", "min",
             "blz", "p", "enz", "vs", "e.a", "i.p.v", "d.w.z", "resp", "incl", "excl", "max", "mln", "mld", "z.g",
             "o.a", "vzw", "dr", "prof", "mevr", "dhr", "st", "e.d", "a.d.h.v", "zgn", "evt", "ong", "gem", "tel"}


@dataclass
class _Date:
    start: int
    end: int
    iso: str  # "" for a date-like span that is not a usable date (a range, "18 maart" without year)
    role: str  # "ref" | "survey" | "compare" | "cite" | "target" | "same-period" | "mask" | "none"
    relative: bool = False  # resolved against the document's date ("vorig jaar", "nu", "op 1 januari")
    kind: str = ""  # the pattern that found it ("day", "year", "now", ...)


YEAR_BEFORE = "<year-before>"  # "een jaar eerder": resolved against the date it is compared with

# A date after these words dates the whole survey or report: "uit de bevraging van 2022 blijkt".
_SURVEY_BEFORE_RE = _lazy(
    r"\b(?:bevraging|enqu[eê]te|peiling|survey|onderzoek|meting|monitor|telling|rapport|jaarverslag|jaarrapport|"
    r"studie|analyse|registratie|cijfers|gegevens|data)\w*\s+"
    r"(?:(?:van|onder|bij|door)\s+(?:(?:de|het|alle)\s+)?[\w-]+\s+)?"  # "peiling van brancheorganisaties in ..."
    r"(?:van|uit|in|over|voor)\s+(?:(?:de|het)\s+)?(?:maand\s+)?$",
    re.I)


def _shift_year(year: str, by: int) -> str:
    return str(int(year) + by) if year else ""


def _in_doc_year(iso: str, doc_date: str) -> str:
    """A day or month without a year, in the document's year; the year before when that would
    lie after the document's date ("Op 1 oktober ..." in a text of 19 oktober 2022 -> 2022-10-01;
    "op 1 december" in a text of March -> last year)."""
    if not iso or not doc_date:
        return ""
    if len(doc_date) == 10 and iso > doc_date:
        return _shift_year(iso[:4], -1) + iso[4:]
    return iso

# ---------------------------------------------------------------------------------------------
# Small helpers


def _pad(iso: str, end: bool = False) -> str:
    """'2016' -> '2016-01-01' (or '2016-12-31' with end=True), for comparing dates of any grain."""
    if re.fullmatch(r"\d{4}", iso):
        return f"{iso}-12-31" if end else f"{iso}-01-01"
    if re.fullmatch(r"\d{4}-\d{2}", iso):
        return f"{iso}-{_MONTH_DAYS[int(iso[5:])]:02d}" if end else f"{iso}-01"
    return iso


def _is_future(iso: str, answer_date: str) -> bool:
    """True when a date lies after the answer date (a plan, not a reference date)."""
    if not iso or not answer_date:
        return False
    if len(iso) == 4:
        return iso > answer_date[:4]
    return iso > answer_date


def _to_number(value: str) -> float | None:
    """Dutch number as written -> float: '52.302' -> 52302.0, '6,8' -> 6.8, '450 000' -> 450000.0."""
    v = value.replace(" ", "").replace("\u00a0", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", v):
        v = v.replace(".", "")
    v = v.replace(",", ".")
    try:
        return float(v)
    except ValueError:
        return None


def _expand_abbreviations(text: str) -> str:
    return _ABBR_RE.sub(lambda m: _ABBREVIATIONS[m.group(1).lower()], text)


def _overlaps(a: int, b: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a < e and s < b for s, e in spans)


def _split_sentences(paragraph: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a dot after a known abbreviation or a digit-dot-digit does not split."""
    out: list[tuple[int, str]] = []
    start = 0
    for m in re.finditer(r"[.!?](?=\s+[\"'‘“(]?[A-ZÀ-Ý0-9€-])|:(?=\s+[-•]\s)", paragraph):
        before = paragraph[start:m.start()]
        word = re.search(r"([\w.]+)$", before)
        abbreviation = word and (word.group(1).lower() in _ABBR_DOT or re.fullmatch(r"[A-Za-z]", word.group(1)))
        if m.group() == "." and abbreviation:
            continue
        out.append((start, paragraph[start:m.end()]))
        start = m.end()
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if start < len(paragraph):
        out.append((start, paragraph[start:]))
    return [(o, s) for o, s in out if s.strip()]


# ---------------------------------------------------------------------------------------------
# Dates


def _find_dates(sentence: str, answer_date: str) -> list[_Date]:
    """Every date-like span in a sentence with its ISO value and role."""
    found: list[_Date] = []
    taken: list[tuple[int, int]] = []
    year = answer_date[:4]
    for kind, pat in _DATE_PATTERNS:
        for m in pat.finditer(sentence):
            if _overlaps(m.start(), m.end(), taken):
                continue
            iso, rel = "", False
            if kind == "dmy":
                d, mo, y = int(m.group(1)), int(m.group(3)), m.group(4)
                iso = f"{y}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""
            elif kind == "iso":
                mo = int(m.group(2))
                iso = m.group() if 1 <= mo <= 12 else ""
            elif kind == "day":
                iso = dutch_date_to_iso(m.group(1), m.group(2), m.group(3)) or ""
            elif kind == "month":
                mo, y = DUTCH_MONTHS[m.group(2).lower()], m.group(3)
                last = (m.group(1) or "").lower().startswith("eind")
                iso = f"{y}-{mo:02d}-{_MONTH_DAYS[mo] if last else 1:02d}"
            elif kind == "yearspan":
                iso = m.group(2)
            elif kind == "yearend":
                iso = f"{m.group(1)}-12-31"
            elif kind == "schoolyear":
                y2 = m.group(2)
                iso = y2 if len(y2) == 4 else m.group(1)[:2] + y2
            elif kind == "dayrelyear":
                by = {"dit": 0, "vorig": -1, "vorige": -1, "verleden": -1, "volgend": 1, "volgende": 1}[m.group(3).lower()]
                iso = dutch_date_to_iso(m.group(1), m.group(2), _shift_year(year, by)) or "" if year else ""
                rel = True
            elif kind == "daynoyear":
                iso = _in_doc_year(dutch_date_to_iso(m.group(1), m.group(2), year or "2000") or "", answer_date)
                rel = True
            elif kind == "monthnoyear":
                mo = DUTCH_MONTHS[m.group(2).lower()]
                last = m.group(1).lower().startswith("eind")
                iso = _in_doc_year(f"{year or '2000'}-{mo:02d}-{_MONTH_DAYS[mo] if last else 1:02d}", answer_date)
                rel = True
            elif kind == "firstmonths":
                n = _WORD_NUMBERS.get(m.group(1).lower()) or (int(m.group(1)) if m.group(1).isdigit() else 0)
                y = m.group(3) or _shift_year(year, -1 if (m.group(2) or "").lower() == "vorig" else 0)
                iso = f"{y}-{n:02d}-{_MONTH_DAYS[n]:02d}" if y and 1 <= n <= 12 else ""
                rel = not m.group(3)
            elif kind in ("semester", "quarter"):
                y = m.group(3) or _shift_year(year, {"dit": 0, "vorig": -1, "volgend": 1}.get((m.group(2) or "dit").lower(), 0))
                n = ["eerste", "tweede", "derde", "vierde"].index(m.group(1).lower()) + 1
                month = n * 6 if kind == "semester" else n * 3
                iso = f"{y}-{month:02d}-{_MONTH_DAYS[month]:02d}" if y else ""
                rel = not m.group(3)
            elif kind == "thisyearend":
                iso, rel = (f"{year}-12-31" if year else ""), True
            elif kind == "lastyearend":  # "eind vorig jaar": the last day of the year before
                iso, rel = (f"{_shift_year(year, -1)}-12-31" if year else ""), True
            elif kind == "thisyear":
                iso, rel = year, True
            elif kind == "lastyear":
                iso, rel = _shift_year(year, -1), True
            elif kind == "nextyear":
                iso, rel = _shift_year(year, 1), True
            elif kind == "yearbefore":
                iso, rel = YEAR_BEFORE, True
            elif kind in ("now", "pastyears"):
                iso, rel = answer_date, True
            elif kind == "year":
                iso = m.group(1)
            role = "ref" if iso else "mask"
            if kind == "pastyears":
                kind = "now"  # counted up to the document's moment: dated like "nu"
            if kind in ("now", "yearbefore", "daynoyear", "monthnoyear", "dayrelyear") and not iso:
                role = "none"  # relative, but no document date to resolve it: not a date, not a mask
            if iso and iso != YEAR_BEFORE:
                before = sentence[max(0, m.start() - 120):m.start()]
                if _CITE_RE.search(before):
                    role = "cite"
                elif _COMPARE_RE.search(before):
                    role = "compare"
                elif _TARGET_RE.search(before):
                    role = "target"
                elif kind == "year" and _SAME_PERIOD_RE.search(before):
                    role = "same-period"
            elif iso == YEAR_BEFORE and _COMPARE_RE.search(sentence[max(0, m.start() - 120):m.start()]):
                role = "compare"  # "76 minder dan een jaar voordien": what the change is measured against
            if role == "ref" and _SURVEY_BEFORE_RE.search(sentence[max(0, m.start() - 80):m.start()]):
                role = "survey"  # "uit de bevraging van 2022 blijkt": the date of all its figures
            found.append(_Date(m.start(), m.end(), iso, role, rel, kind))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    for a, b in zip(found, found[1:]):
        # "tussen 1 januari en 30 november": a count over a period is as of its end
        if re.search(r"\btussen\s+$", sentence[:a.start], re.I) and re.fullmatch(r"\s+en\s+", sentence[a.end:b.start]):
            a.role = "none"
            if b.kind in ("day", "daynoyear", "dayrelyear", "dmy", "month", "monthnoyear"):
                b.kind = "periodend"  # dates its own count; what follows is about the year (dates._update_carry)
    return found

def _clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a span: between commas, semicolons, colons, parentheses and dashes."""
    left = max((m.end() for m in re.finditer(r"[,;:()]|\s[-–]\s", sentence[:start])), default=0)
    right_m = re.search(r"[,;:()]|\s[-–]\s|\.$", sentence[end:])
    right = end + right_m.start() if right_m else len(sentence)
    return left, right

