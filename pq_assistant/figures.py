"""The figures ledger: every number a minister gave, with what it counts and its reference date.

Three steps:

1. `extract_figures(text, ...)` reads a paragraph/chunk of an answer (or a BIJLAGE table) and
   returns `Figure`s: value as written, number, unit, a quantity phrase, reference date, scope.
   `figures_for_document(doc)` does this for a parsed `PQDocument` and fills the document fields.
2. `quantity_key(text)` normalises a quantity phrase; `group_quantities(figures, embed)` puts the
   figures that count the same thing (across documents) in one group.
3. `timeline(figures)` orders a group by reference date; `annotate_timeline(figures)` marks each
   figure "latest", "superseded" or "conflict".

Conventions (they follow the dev set `tests/data/dev-eval/figures.jsonl`):

- `value` is the number exactly as written ("6,8", "52.302", "1 op 5"); `number_value` is that
  number as a float, scaled by "duizend"/"miljoen"/"miljard" ("1,2 miljoen euro" -> 1200000.0),
  a percentage is its number (17 % -> 17.0) and a ratio its quotient ("1 op 5" -> 0.2).
- `date` is ISO: a day ("2018-05-01"; day 01 when only the month is given, the last day for
  "eind april 2020"), or a year ("2019"). A school year "2016-2017" is dated by its last year.
  Amounts of money are annual flows, so they are always dated by the year only.
- `date_source`: "explicit" when the date is written in the sentence, an earlier sentence of the
  same text, or `context`; "answer-date" when none is found and the answer date is used (then
  `date` is the answer's *year*: the answer date is when the minister wrote, not what the number
  refers to); "inferred" when `figures_for_document` had to estimate the year of a document
  without an answer header; "none" (and `date` "") when there is nothing at all.
- `scope` is the row label of an annex table, a province/region/city or a target group.
  Flanders-wide figures have scope "" unless the sentence names the Flemish Region explicitly.

Stdlib only at import time; numpy is imported lazily by `group_quantities` when `embed` is given.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .models import Figure
from .textutil import DUTCH_MONTHS, MONTH_RE, dutch_date_to_iso, fold, normalize

if TYPE_CHECKING:  # pragma: no cover
    from .models import PQDocument

__all__ = [
    "extract_figures",
    "figures_for_document",
    "quantity_key",
    "group_quantities",
    "timeline",
    "annotate_timeline",
]


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
    "brussel": "Brussel", "vlaanderen": "Vlaams Gewest", "vlaams gewest": "Vlaams Gewest",
    "vlaamse gewest": "Vlaams Gewest", "vlaamse rand": "Vlaamse Rand", "centrumsteden": "centrumsteden",
    # the thirteen centrumsteden (besides Antwerpen and Brussel above)
    "aalst": "Aalst", "brugge": "Brugge", "genk": "Genk", "gent": "Gent", "hasselt": "Hasselt",
    "kortrijk": "Kortrijk", "leuven": "Leuven", "mechelen": "Mechelen", "oostende": "Oostende",
    "roeselare": "Roeselare", "sint-niklaas": "Sint-Niklaas", "turnhout": "Turnhout",
}
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
samen telkens ruim bijna ongeveer circa zowat minstens maximaal hoogstens meer minder
zijn is was waren werd werden wordt worden heeft hebben had hadden kan kunnen zal zullen
zou zouden moet moeten mag mogen blijft bleef bleven gaat ging gingen komt kwam kwamen
telt telde tellen bedraagt bedroeg bedragen ligt lag liggen staat stond stonden krijgt kreeg
kregen ontvangt ontving ontvingen biedt bood boden vallen valt viel vonden vindt vond
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
_TIME_UNITS = r"(?:maanden|maand|jaar|jaren|weken|week|dagen|dag|uur|uren)"

# Markers that keep quantities apart in `group_quantities` (kept in `quantity_key`).
_MARKERS = {
    "verwacht": "verwacht", "verwachte": "verwacht", "gepland": "verwacht", "geplande": "verwacht",
    "geraamd": "verwacht", "raming": "verwacht", "prognose": "verwacht", "streefcijfer": "verwacht",
    "bevraagd": "bevraagd", "bevraagde": "bevraagd", "bevraging": "bevraagd", "enquete": "bevraagd",
    "extra": "extra", "bijkomend": "extra", "bijkomende": "extra", "aanvullend": "extra",
    "noodfonds": "extra", "gemiddeld": "gemiddeld", "gemiddelde": "gemiddeld", "per": "per",
    "stijging": "verandering", "daling": "verandering", "toename": "verandering", "afname": "verandering",
    "deel": "deel", "totaal": "totaal", "verandering": "verandering",
}

# ---------------------------------------------------------------------------------------------
# Numbers and dates

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_NUM_RE = _lazy(rf"(?<![\w.,/+-])(?:{_NUM})(?![\w/]|[.,]\d)")
_SPACE_THOUSANDS_RE = _lazy(r"(?<![\w.,/-])\d{1,3}(?: \d{3})+(?:,\d+)?(?=\s*(?:euro|EUR)\b)")
_PERCENT_RE = _lazy(r"\s*(?:%|procent\b|percent\b)")
_SCALE_RE = _lazy(r"\s*(duizend|miljoen|miljard)\b", re.I)
_EURO_AFTER_RE = _lazy(r"\s*(?:euro|EUR)\b")
_EURO_BEFORE_RE = _lazy(r"(?:€|EUR)\s*$")
_RATIO_RE = _lazy(r"\s+op\s+(?:de\s+)?(\d{1,4})(?![\w.,]\d|\w)")

_YEAR = r"(?:19[5-9]\d|20\d\d)"
_DATE_PATTERNS: list[tuple[str, Any]] = [
    ("dmy", _lazy(rf"(?<![\d/])(\d{{1,2}})/(\d{{1,2}})/({_YEAR})(?!\d)")),
    ("day", _lazy(rf"(?<!\d)(\d{{1,2}})\s+({MONTH_RE})\s+({_YEAR})(?!\d)", re.I)),
    ("daynoyear", _lazy(rf"(?<![\d,.])(\d{{1,2}})\s+({MONTH_RE})\b(?!\s+\d)", re.I)),
    ("month", _lazy(rf"\b(?:(begin|eind|einde|eind van|einde van|midden)\s+)?({MONTH_RE})\s+({_YEAR})(?!\d)", re.I)),
    ("yearend", _lazy(rf"\b(?:eind|einde|eind van|einde van|het einde van|het eind van)\s+(?:het\s+jaar\s+)?"
                      rf"({_YEAR})(?!\d)", re.I)),
    ("schoolyear", _lazy(rf"\b(?:(?:school|werk|academie|zittings|begrotings)jaar|(?:in\s+de\s+)?periode)\s+"
                         rf"({_YEAR})\s*[-–/]\s*({_YEAR}|\d\d)(?!\d)", re.I)),
    ("range", _lazy(rf"(?<![\d.,])({_YEAR})\s*[-–/]\s*({_YEAR}|\d\d)(?![\d.,]\d|\d)")),
    ("thisyearend", _lazy(r"\b(?:het\s+)?(?:einde?|eind)\s+van\s+(?:het|dit)\s+jaar\b|\beind\s+dit\s+jaar\b", re.I)),
    ("thisyear", _lazy(r"\bdit\s+jaar\b", re.I)),
    ("lastyear", _lazy(r"\bvorig\s+jaar\b", re.I)),
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
_FROM_TO_VERB_RE = _lazy(r"\b(?:daal\w*|dal\w*|stij\w*|gaat|ging|evolueer\w*|groei\w*|zakt\w*|klom|klimt)\b", re.I)
_NOW_RE = _lazy(r"\b(?:op\s+dit\s+moment|momenteel|op\s+dit\s+ogenblik|thans|op\s+heden)\b", re.I)

# Things that are never figures: article/question/page numbers, URLs, phone numbers, ...
_MASK_PATTERNS = [
    _lazy(r"(?:https?://|www\.)\S+", re.I),
    _lazy(r"\b[\w.-]+@[\w-]+\.[\w.]+"),
    _lazy(r"\b\S+\.(?:pdf|docx?|xlsx?|html?|be|eu|com)\b", re.I),
    _lazy(r"\b(?:art(?:ikel|ikels)?|artt?)\.?\s*\d+(?:\s*[,§]\s*§?\s*\d+)*(?:\s*(?:en|tot|-)\s*\d+)*", re.I),
    _lazy(r"§\s*\d+"),
    _lazy(r"\b(?:nr|nrs|nummer|nummers|no)\.?\s*\d+(?:\s*(?:en|,|-|tot)\s*\d+)*", re.I),
    _lazy(r"\b(?:vraag|vragen|stuk|punt|hoofdstuk|bijlage|pagina|blz|p|titel|afdeling|boek|lid|deel|fase|versie|"
          r"niveau|module|zone)\.?\s+\d+(?:[.,]\d+)*(?![\d,.]*\s*%)", re.I),
    _lazy(r"(?<![\w.,])0\d{1,3}(?:[ ./-]?\d{2,3}){2,4}(?![\w,])"),  # phone numbers "078 150 100"
    _lazy(r"\b\d{1,2}[.:u]\d{2}\s*(?:uur|u)\b", re.I),  # clock times
    _lazy(r"\bper\s+\d+(?:[.,]\d+)*"),  # "per 100 kinderen": a denominator
    _lazy(rf"\b\d+\s*(?:-|–|tot|à|a)\s*\d+\s*{_TIME_UNITS}\b", re.I),  # age/time ranges
    _lazy(rf"\b(?:leeftijd\s+van|jonger\s+dan|ouder\s+dan|tot|vanaf|kinderen\s+van|baby's\s+van|kleuters\s+van|"
          rf"jongeren\s+van)\s+\d+\s*{_TIME_UNITS}\b", re.I),  # ages
    _lazy(r"\b\d+\s*(?:ste|de|e)\b(?=\s+\w)"),  # ordinals "3de"
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
    role: str  # "ref" | "compare" | "cite" | "target" | "same-period" | "mask"


@dataclass
class _Fig:
    """A figure while it is being built (positions are in the sentence)."""

    start: int
    end: int
    value: str
    number: float | None
    kind: str  # "count" | "percent" | "ratio" | "money"
    unit: str = ""
    noun: str = ""  # counted noun phrase as written ("erkende Huizen van het Kind")
    quantity: str = ""
    scope: str = ""
    date: str = ""
    date_source: str = "none"
    own_noun: bool = False
    subset: bool = False  # "38 van de 124 ...": 38 is a part
    denominator: bool = False  # "38 van de 124 ...": 124 is the whole


@dataclass
class _State:
    """What carries from one sentence to the next within a text (and across answer parts)."""

    date: str = ""  # carried reference date (never after the answer date)
    para_date: str = ""  # last reference date of the current paragraph (may be a planned date)
    answer_date: str = ""  # the answer's date (ISO) to judge "future" dates; may be ""
    last: dict[str, _Fig] = field(default_factory=dict)  # last figure per kind family
    first: dict[str, _Fig] = field(default_factory=dict)  # first figure per family of the last such sentence
    lead: _Fig | None = None  # the figure of a sentence that ends in ":" (heads a list)
    last_sentence_share: bool = False  # the previous sentence with figures ended on a percentage
    max_date: str = ""  # latest reference date so far (not after the answer date)


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
            iso = ""
            if kind == "dmy":
                d, mo, y = int(m.group(1)), int(m.group(2)), m.group(3)
                iso = f"{y}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else ""
            elif kind == "day":
                iso = dutch_date_to_iso(m.group(1), m.group(2), m.group(3)) or ""
            elif kind == "month":
                mo, y = DUTCH_MONTHS[m.group(2).lower()], m.group(3)
                last = (m.group(1) or "").lower().startswith("eind")
                iso = f"{y}-{mo:02d}-{_MONTH_DAYS[mo] if last else 1:02d}"
            elif kind == "yearend":
                iso = f"{m.group(1)}-12-31"
            elif kind == "schoolyear":
                y2 = m.group(2)
                iso = y2 if len(y2) == 4 else m.group(1)[:2] + y2
            elif kind == "thisyearend":
                iso = f"{year}-12-31" if year else ""
            elif kind == "thisyear":
                iso = year
            elif kind == "lastyear":
                iso = str(int(year) - 1) if year else ""
            elif kind == "year":
                iso = m.group(1)
            role = "ref" if iso else "mask"
            if iso:
                before = sentence[max(0, m.start() - 120):m.start()]
                if _CITE_RE.search(before):
                    role = "cite"
                elif _COMPARE_RE.search(before):
                    role = "compare"
                elif _TARGET_RE.search(before):
                    role = "target"
                elif kind == "year" and _SAME_PERIOD_RE.search(before):
                    role = "same-period"
            found.append(_Date(m.start(), m.end(), iso, role))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    return found


_ATTACHED_GAP = _lazy(r"\s*(?:(?!(?:en|of|maar|terwijl|tegenover|dan|die|dat|waar)\b)[\w'’%-]+\s+){0,5}?"
                      r"(?:in|op|per|sinds|tot|eind|einde|begin)\s+(?:(?:het|de)\s+)?(?:\w*jaar\s+)?", re.I)


def _choose_date(fig: _Fig, dates: list[_Date], sentence: str, state: _State, fallback: str,
                 figs: Sequence[_Fig] = ()) -> None:
    """Set fig.date/date_source: a date written right after it ("17 % in 2018"), else the nearest
    date before it in the sentence, else a date after it in its clause, else the date carried from
    earlier sentences, else the answer date (its year)."""
    money = fig.kind == "money"
    next_start = min([f.start for f in figs if f.start > fig.start], default=len(sentence))

    def usable(d: _Date, after: bool) -> bool:
        if d.role in ("cite", "mask"):
            return False
        if d.role == "target" and money:  # "167 miljoen euro tegen 2024": a total, not a date
            return False
        return not (after and d.role == "compare")

    iso = ""
    attached = [d for d in dates if fig.end <= d.start < next_start and usable(d, True)
                and _ATTACHED_GAP.fullmatch(sentence[fig.end:d.start])]
    before = [d for d in dates if d.end <= fig.start and usable(d, False)]
    clause_start, clause_end = _clause_bounds(sentence, fig.start, fig.end)
    after = [d for d in dates if d.start >= fig.end and d.end <= clause_end and usable(d, True)]
    from_to = re.search(r"\bvan\s+$", sentence[:fig.start]) and \
        re.match(r"\s*(?:\S+\s+){0,2}?(?:naar|tot)\s+\d", sentence[fig.end:])
    if from_to and _FROM_TO_VERB_RE.search(sentence):
        # "daalt van 300 naar 285": 300 is the value before the change, not at the date
        fig.date, fig.date_source = "", "none"
        return
    if attached:
        iso = attached[0].iso
    elif before:
        d = before[-1]
        iso = d.iso
        carried = state.para_date or state.date
        if d.role == "same-period" and len(carried) == 10:  # "dezelfde periode van 2019"
            iso = d.iso + carried[4:]
    elif re.search(r"\b(?:vóór|vroeger|destijds)\b", sentence[clause_start:clause_end]):
        # "tegenover 34 % vóór de hervorming": an older value without a date of its own
        fig.date, fig.date_source = "", "none"
        return
    elif _NOW_RE.search(sentence[:fig.start]):
        iso = ""
    elif after:
        iso = after[0].iso
    change = _CHANGE_BEFORE_RE.search(sentence[:fig.start]) and _CHANGE_WORD_RE.search(sentence)
    if iso:
        fig.date, fig.date_source = iso, "explicit"
    elif change and state.max_date:
        fig.date, fig.date_source = state.max_date, "explicit"
    elif (state.para_date or state.date) and not _NOW_RE.search(sentence[:fig.start]):
        fig.date, fig.date_source = state.para_date or state.date, "explicit"
    elif fallback:
        fig.date, fig.date_source = fallback[:4], "answer-date"
    else:
        fig.date, fig.date_source = "", "none"
    if money and fig.date:
        fig.date = fig.date[:4]


_HISTORICAL_RE = _lazy(r"\bter\s+vergelijking\b|\bvóór\b|\btoen\b|\bdestijds\b|\bvroeger\b", re.I)


def _update_carry(dates: list[_Date], state: _State, sentence: str = "") -> None:
    """The last plain reference date of a sentence carries to the next sentences.

    Not carried: comparison/citation/target dates, the dates of a sentence that looks back
    ("Ter vergelijking: in 2014 ...", "Op 1 januari 2020, vóór de schaalvergroting, ..."), and a
    date after the answer date (a plan) beyond its own paragraph."""
    if sentence and _HISTORICAL_RE.search(sentence):
        return
    refs = [d.iso for d in dates if d.role == "ref" and d.iso]
    if refs:
        state.para_date = refs[-1]
    past = [iso for iso in refs if not _is_future(iso, state.answer_date)]
    if past:
        state.date = past[-1]
        state.max_date = max([state.max_date] + past, key=lambda x: _pad(x, end=True))


# ---------------------------------------------------------------------------------------------
# Numbers in a sentence


def _mask_spans(sentence: str, dates: list[_Date]) -> list[tuple[int, int]]:
    spans = [(d.start, d.end) for d in dates]
    for pat in _MASK_PATTERNS:
        spans.extend((m.start(), m.end()) for m in pat.finditer(sentence))
    return spans


def _find_numbers(sentence: str, masked: list[tuple[int, int]], words: bool) -> list[_Fig]:
    """Numbers in a sentence that can be figures, with their kind, value and number."""
    figs: list[_Fig] = []
    taken: list[tuple[int, int]] = list(masked)
    candidates: list[tuple[int, int]] = []
    for m in _SPACE_THOUSANDS_RE.finditer(sentence):
        if not _overlaps(m.start(), m.end(), taken):
            candidates.append((m.start(), m.end()))
    for m in _NUM_RE.finditer(sentence):
        if not _overlaps(m.start(), m.end(), taken + candidates):
            candidates.append((m.start(), m.end()))
    candidates.sort()
    consumed: list[tuple[int, int]] = []
    for s, e in candidates:
        if _overlaps(s, e, consumed):
            continue
        value = sentence[s:e]
        number = _to_number(value)
        if number is None:
            continue
        rest = sentence[e:]
        fig = _Fig(s, e, value, number, "count")
        if (p := _PERCENT_RE.match(rest)):
            fig.kind, fig.unit, fig.end = "percent", "%", e + p.end()
        elif (r := _RATIO_RE.match(rest)) and 0 < number < float(r.group(1)) and "," not in value \
                and not _overlaps(e + r.start(1), e + r.end(1), taken):
            fig.kind, fig.unit = "ratio", "verhouding"
            fig.end = e + r.end()
            fig.value = sentence[s:fig.end]
            fig.number = number / float(r.group(1))
            consumed.append((s, fig.end))
        else:
            scale = _SCALE_RE.match(rest)
            after = e + (scale.end() if scale else 0)
            euro_after = _EURO_AFTER_RE.match(sentence[after:])
            euro_before = _EURO_BEFORE_RE.search(sentence[:s])
            if scale:
                fig.number = number * _SCALES[scale.group(1).lower()]
            if euro_after or euro_before:
                fig.kind = "money"
                fig.unit = (scale.group(1).lower() + " euro") if scale else "euro"
                fig.end = after + (euro_after.end() if euro_after else 0)
            elif scale:
                fig.unit = scale.group(1).lower()
                fig.end = after
        figs.append(fig)
        consumed.append((s, fig.end))
    if words:
        figs.extend(_word_numbers(sentence, taken + consumed))
    figs.sort(key=lambda f: f.start)
    return figs


_WORD_NUMBER_RE = _lazy(r"\b(" + "|".join(_WORD_NUMBERS) + r")\s+(derde|vierde|vijfde)?\s*([a-zà-ÿ][\w'-]+)", re.I)


def _word_numbers(sentence: str, taken: list[tuple[int, int]]) -> list[_Fig]:
    """Numbers in words before a noun ("drie inloopteams") and fractions ("twee derde")."""
    out: list[_Fig] = []
    for m in _WORD_NUMBER_RE.finditer(sentence):
        if _overlaps(m.start(), m.end(), taken):
            continue
        noun = m.group(3).lower()
        if not m.group(2) and (noun in _NP_STOP or re.fullmatch(_TIME_UNITS, noun) or noun in ("keer", "maal")):
            continue
        n = float(_WORD_NUMBERS[m.group(1).lower()])
        if m.group(2):
            frac = _FRACTIONS[m.group(2).lower()]
            out.append(_Fig(m.start(), m.end(2), sentence[m.start():m.end(2)], n * frac, "ratio", "verhouding"))
        else:
            out.append(_Fig(m.start(), m.end(1), m.group(1), n, "count"))
    return out


# ---------------------------------------------------------------------------------------------
# What a number counts


_AGENCIES = _lazy(
    r"\b(?:Kind en Gezin|Opgroeien|Vlaamse Regering|Vlaams Parlement|VVSG|EXPOO|minister|agentschap)\b", re.I)
_TIME_WORDS = {"datum", "moment", "ogenblik", "periode", "jaar", "jaren", "maand", "maanden", "week", "dag", "dagen",
               "vandaag", "momenteel", "thans", "nu", "dezelfde", "zelfde", "stand", "zaken", "laatste", "einde",
               "eind", "begin", "regeerperiode", "legislatuur", "schooljaar", "najaar", "voorjaar", "kwartaal"}


def _is_adjective(word: str) -> bool:
    """An attributive adjective or participle before a noun ('erkende', 'nieuwe', 'Vlaamse')."""
    w = word.lower()
    return (w.endswith("e") and len(w) > 3 and not w.endswith(("ie", "ee", "ië"))) or w in ("extra", "eigen", "aantal")


def _is_predicate_word(word: str) -> bool:
    """An adverb/participle that cannot head a noun phrase ('intergemeentelijk', 'georganiseerd')."""
    w = word.lower()
    return (w.endswith(("lijk", "isch", "baar", "ig", "eerd", "iseerd")) or
            (w.startswith("ge") and w.endswith(("d", "t")) and len(w) > 5) or
            w in ("erkend", "betrokken", "actief", "open", "samen", "opgestart", "ondersteund"))


def _noun_phrase(text: str) -> tuple[str, int]:
    """The noun phrase at the start of `text` (right after a number) and its end offset.

    Adjectives, then one head noun: a known multiword name ("Huizen van het Kind"), an
    abbreviation ("HvhK") or a word. Stops at punctuation, function words and verbs; a phrase of
    adverbs/participles only ("intergemeentelijk georganiseerd") is no noun phrase."""
    pos = 0
    words: list[str] = []
    end = 0
    while len(words) < 5:
        m = re.match(r"\s*", text[pos:])
        pos += m.end() if m else 0
        ent = _ENTITY_RE.match(text, pos)
        if ent:
            words.append(ent.group())
            end = ent.end()
            break
        tok = re.match(r"[A-Za-zÀ-ÿ][\w’'&-]*", text[pos:])
        if not tok:
            break
        w = tok.group()
        lw = w.lower()
        if lw in _NP_STOP or lw in ("daarvan", "waarvan", "hiervan"):
            break
        if words and re.fullmatch(_TIME_UNITS, lw) and not _is_adjective(words[-1]):
            break
        words.append(w)
        pos = end = pos + tok.end()
        if lw in _ABBREVIATIONS or not _is_adjective(w):
            break
    if words and all(_is_predicate_word(w) for w in words):
        return "", 0
    return " ".join(words), end


def _head(noun: str) -> str:
    """The counted noun without leading adjectives ('erkende Huizen van het Kind' -> 'Huizen van het Kind')."""
    noun = _expand_abbreviations(noun)
    ent = _ENTITY_RE.search(noun)
    if ent:
        return ent.group()
    words = noun.split()
    while len(words) > 1 and _is_adjective(words[0]):
        words = words[1:]
    return " ".join(words)


def _clause_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The clause around a span: between commas, semicolons, colons, parentheses and dashes."""
    left = max((m.end() for m in re.finditer(r"[,;:()]|\s[-–]\s", sentence[:start])), default=0)
    right_m = re.search(r"[,;:()]|\s[-–]\s|\.$", sentence[end:])
    right = end + right_m.start() if right_m else len(sentence)
    return left, right


_NOT_CONTENT = {"aantal", "daarvan", "waarvan", "hiervan", "dus"}


def _content_words(text: str, limit: int = 3) -> list[str]:
    """Content words of a stretch of text: no function words, numbers, dates, time words,
    places, agency names or light verbs."""
    text = _AGENCIES.sub(" ", _expand_abbreviations(text))
    text = _ENTITY_RE.sub(lambda m: m.group().replace(" ", "_"), text)
    text = re.sub(rf"\b(?:\d[\d.,/]*|{MONTH_RE})\b", " ", text, flags=re.I)
    text = re.sub(r"\bin totaal\b", " ", text, flags=re.I)
    out = []
    for w in re.findall(r"[A-Za-zÀ-ÿ_][\w’'_-]*", text):
        lw = w.lower()
        if lw in _NP_STOP or lw in _LIGHT_VERBS or lw in _TIME_WORDS or lw in _NOT_CONTENT:
            continue
        if _PLACE_RE.fullmatch(w.replace("_", " ")):
            continue
        out.append(w.replace("_", " "))
        if len(out) >= limit:
            break
    return out


def _places(text: str) -> list[str]:
    found: list[str] = []
    for pm in _PLACE_RE.finditer(text):
        place = _PLACES[pm.group(1).lower()]
        if place not in found:
            found.append(place)
    return [p for p in found if not any(p != q and p in q for q in found)]


def _find_scope(sentence: str, fig: _Fig, clause: tuple[int, int], stop: int, after_prev: int = 0) -> str:
    """The place a figure is about: named after it (up to the next figure: "212 in Vlaanderen"),
    a label right before it ("Antwerpen 20,6 %", "Genk (25,3 %)", "Antwerpen: 87 ..."), named
    before it in its clause ("in Brussel 9 consultatiebureaus"), or a locative "in <place>"
    earlier in the sentence ("In de dertien centrumsteden ligt het gemiddelde ... op 21,8 %")."""
    left, right = clause
    if found := _places(sentence[fig.start:min(right, stop)]):
        return " en ".join(found)
    m = re.search(r"([A-ZÀ-Ý][\w-]*(?:\s+[A-ZÀ-Ý][\w-]*){0,3})\s*[:(]?\s*$", sentence[max(0, fig.start - 60):fig.start])
    if m and (pm := _PLACE_RE.fullmatch(m.group(1))):
        return _PLACES[pm.group(1).lower()]
    lab = re.match(r"\s*([A-ZÀ-Ý][\w-]*(?:\s+[A-ZÀ-Ý][\w-]*){0,3})\s*:", sentence)
    if lab and (pm := _PLACE_RE.fullmatch(lab.group(1))):
        return _PLACES[pm.group(1).lower()]
    if found := _places(sentence[max(left, after_prev):fig.start]):
        return " en ".join(found)
    loc = [m.group(1) for m in _IN_PLACE_RE.finditer(sentence[after_prev:fig.start])]
    if loc:
        return _PLACES[loc[-1].lower()]
    return ""


_GROUP_RE = _lazy(r"^\s*(?:voor|bij)\s+(?!\d)((?:de|het|een|alle)\s+)?(.+?)\s+"
                  r"(?:ligt|lag|bedraagt|bedroeg|loopt|liep|is|was|"
                       r"zijn|waren|gaat|ging|komt|kwam|werd|wordt|op\s+\d|\d)", re.I)


def _group_scope(sentence: str, clause: tuple[int, int], fig: _Fig) -> str:
    """A target group that opens the figure's clause: "Bij kinderen uit kansarme gezinnen ligt het
    bereik op 91,2 %", "voor het ontmoetingsaanbod op 44 %", "24 % op gezondheid" (the topic)."""
    m = _GROUP_RE.match(sentence[clause[0]:fig.start + 1])
    if m and not _find_dates(m.group(2), ""):
        group = m.group(2).strip()
        return re.sub(r"\s+(?:het|de)\s+\w+$", "", group) if len(group.split()) > 6 else group
    return ""


_PERCENT_SUBJECT_RE = _lazy(
    r"\b(?:de|het|dat|die|dit|deze)\s+((?:[\w-]+\s+){0,2}?(?:[\w-]*graad|[\w-]*index|aandeel|percentage|bereik|"
    r"gemiddelde))\b", re.I)
_OF_THE_RE = _lazy(r"\s*(?:van\s+)?(?:de|het|alle|der|dat|die|deze|dit|hun|zijn|haar)\s+", re.I)
_OF_THOSE_BEFORE_RE = _lazy(r"\bvan\s+(?:die|deze|de|het|alle|hun)\s+(.*)$", re.I)
_OF_THEM_RE = _lazy(r"\b(?:van\s+hen|daarvan|waarvan|hiervan)\b", re.I)
_TOPIC_RE = _lazy(r"\s*(?:op|voor|bij|in)\s+(?:de|het|een)?\s*([a-zà-ÿ][\w-]*(?:\s+(?:en|van)\s+[a-zà-ÿ][\w-]*)?)",
                  re.I)
_NUMBER_OF_RE = _lazy(r"\b(?:het|dat)\s+aantal\s+(.*)", re.I)
_MONEY_BASE_RE = _lazy(
    r"\b(budget|begroting|werkingsmiddelen|middelen|subsidie|subsidies|subsidiëring|investering|bijdrage|toelage|"
    r"basisbedrag|bedrag|bedragen|kostprijs|uitgaven|kredieten|krediet|totaal|totale)\b", re.I)
_MONEY_WORD_RE = _lazy(
    r"\b(\w*(?:bedrag|budget|begroting|subsidie|middelen|toelage|toeslag|premie|bijdrage|investering|krediet))\b", re.I)
_MONEY_TARGET_RE = _lazy(r"\b(?:voor|aan|naar|van)\s+(?:(?:de|het|een|elke|alle)\s+)?(?=[a-zà-ÿ])", re.I)
_EXTRA_RE = _lazy(r"\b(?:bijkomend|bijkomende|extra|aanvullend|aanvullende|noodfonds|daarnaast|bovendien)\b", re.I)
_PER_UNIT_RE = _lazy(r"\b(?:per|elk|elke|ieder|iedere)\s+(?:erkend\s+|erkende\s+)?[\w-]+|"
                     r"\b(?:basisbedrag|vaste?\s+bedrag|gemiddelde\s+bedrag|laagste\s+bedrag|hoogste\s+bedrag)\b", re.I)
_PAYERS_RE = _lazy(r"Vlaamse Regering|Vlaams Parlement|Vlaamse Gemeenschapscommissie", re.I)
_ANAPHOR_RE = _lazy(r"\b(?:daarvan|waarvan|hiervan|van\s+hen|van\s+die\s+\w+|van\s+deze\s+\w+)\b", re.I)
_FORECAST_RE = _lazy(r"\b(?:verwacht|verwachte|verwachten|zal|zullen|zou|zouden|kunnen|kan|gepland|geplande|"
                     r"geraamd|prognose|streefcijfer|streven|beogen|beoogt)\b", re.I)
_FUTURE_AFTER_RE = _lazy(r"\b(?:zal|zullen|zou|zouden)\b", re.I)
_SURVEY_RE = _lazy(r"\b(?:bevraging|bevraagd|bevraagde|enquête|enquete|survey)\b", re.I)
_CUT_RE = _lazy(r"\s(?:en|maar|terwijl|zodat|omdat|waardoor|wat|die|waarvan|om)\s")


def _family_of(kind: str) -> str:
    return "share" if kind in ("percent", "ratio") else kind


def _counts_before(fig: _Fig, figs: Sequence[_Fig]) -> _Fig | None:
    """The last count before `fig` in its sentence that is not a denominator."""
    c = [f for f in figs if f.start < fig.start and f.kind == "count" and f.noun and not f.denominator]
    return c[-1] if c else None


@dataclass
class _Around:
    """The words around a figure that `_describe_*` look at."""

    sentence: str
    clause: tuple[int, int]
    stop: int  # end of the clause or start of the next figure, whichever comes first
    prefix: str  # the clause up to the figure
    rest: str  # the sentence after the figure
    earlier: list[_Fig]  # figures of the same family before it in the sentence (described)
    prev: _Fig | None  # the last figure of the same family in earlier sentences
    anaphor: bool  # "daarvan", "waarvan", "van hen", "van die gemeenten"


def _describe(fig: _Fig, sentence: str, state: _State, figs: list[_Fig]) -> None:
    """Fill unit, noun, quantity and scope of a figure from the words around it.

    `figs` are all figures of the sentence (those before `fig` are already described)."""
    clause = _clause_bounds(sentence, fig.start, fig.end)
    stop = min([clause[1]] + [f.start for f in figs if f.start > fig.start])
    prefix = sentence[clause[0]:fig.start]
    rest = sentence[fig.end:]
    fam = _family_of(fig.kind)
    around = _Around(
        sentence=sentence, clause=clause, stop=stop, prefix=prefix, rest=rest,
        earlier=[f for f in figs if f.start < fig.start and _family_of(f.kind) == fam and f.noun],
        prev=state.last.get(fam),
        anaphor=bool(_ANAPHOR_RE.search(prefix)) or bool(re.match(r"\s*daarvan\b", rest, re.I)),
    )
    after_prev = max([f.end for f in figs if f.end <= fig.start], default=0)
    fig.scope = _find_scope(sentence, fig, clause, stop, after_prev)
    if fam == "share":
        _describe_share(fig, around, state, figs)
    elif fam == "money":
        _describe_money(fig, around, state, figs)
    else:
        _describe_count(fig, around, state, figs)


def _is_change(sentence: str, fig: _Fig) -> bool:
    """'daalt met 10 %', 'een toename met 2.140 plaatsen', '32 % hoger dan in maart 2019'."""
    if re.match(r"\s*(?:hoger|lager|meer|minder|groter|kleiner)\s+dan\b", sentence[fig.end:], re.I):
        return True
    return bool(_CHANGE_BEFORE_RE.search(sentence[:fig.start]) and _CHANGE_WORD_RE.search(sentence))


def _describe_share(fig: _Fig, a: _Around, state: _State, figs: list[_Fig]) -> None:
    """A percentage or ratio: 'aandeel <what it is a share of> <what is said about it>'."""
    s = a.sentence
    if _is_change(s, fig):
        m = _NUMBER_OF_RE.search(s[:fig.start])
        prev_count = state.last.get("count")
        what = _noun_phrase(m.group(1))[0] if m else (prev_count.quantity if prev_count else "")
        fig.noun, fig.own_noun = what, bool(what)
        fig.quantity = ("verandering " + what).strip()
        return
    noun = ""
    pos = fig.end
    if paren := re.match(r"\s*\([^)]*\)", s[pos:]):  # "17% (+/- 1 op 5) van de ..."
        pos += paren.end()
    of_the = _OF_THE_RE.match(s, pos)
    if of_the or fig.kind == "ratio":  # "13,1 % van de kinderen ...", "3 op 4 deelnemende gezinnen"
        start = of_the.end() if of_the else pos
        phrase, length = _noun_phrase(s[start:])
        if phrase:
            tail = s[start + length:]
            tail_end = re.search(r"[,;:()]|\.$", tail)
            tail = tail[:tail_end.start()] if tail_end else tail
            nxt = [f.start - start - length for f in figs if f.start > fig.start and f.start >= start + length]
            tail = tail[:min([len(tail)] + nxt)]
            noun = " ".join([phrase] + _content_words(tail, 4))
    if not noun and (before := _OF_THOSE_BEFORE_RE.search(a.prefix)):  # "Van die gezinnen had 38 % ..."
        phrase, _ = _noun_phrase(before.group(1))
        if phrase:
            noun = " ".join([phrase] + _content_words(s[fig.end:a.stop], 4))
    if not noun:  # "bedroeg de vaccinatiegraad 96,3 %", "Dat is een dekkingsgraad van 97 %"
        subj = _PERCENT_SUBJECT_RE.search(s[a.clause[0]:a.clause[1]]) or _PERCENT_SUBJECT_RE.search(s)
        cand = " ".join(w for w in subj.group(1).split() if w.lower() not in _NP_STOP) if subj else ""
        if cand and cand.lower() not in ("aandeel", "percentage", "bereik", "gemiddelde"):
            noun = cand
    if noun:
        fig.noun, fig.own_noun = noun, True
        fig.quantity = noun if re.search(r"(graad|index)$", noun.split()[-1], re.I) else "aandeel " + noun
        fig.scope = fig.scope or _group_scope(s, a.clause, fig)
        return
    counted = _counts_before(fig, figs)
    if _OF_THEM_RE.search(a.prefix) and (counted or state.first.get("count")):  # "Van hen bevond 58 % zich ..."
        src = counted or state.first["count"]
        fig.noun = src.noun
        pred = _content_words(s[fig.end:a.stop], 3)
        fig.quantity = " ".join(["aandeel", re.sub(r"^deel\s+", "", src.quantity), *pred])
        fig.scope = fig.scope or _group_scope(s, a.clause, fig)
        return
    if a.earlier:  # "17% (+/- 1 op 5)", "24 % op gezondheid, 15 % op ...": the same share
        src = a.earlier[-1]
        fig.noun, fig.quantity = src.noun, src.quantity
        topic = _TOPIC_RE.match(a.rest)
        fig.scope = fig.scope or _group_scope(s, a.clause, fig) or (topic.group(1) if topic else "") or src.scope
        return
    if counted:  # "48 van de 117 Huizen ..., of 41 %": the share of that count
        fig.noun = counted.noun
        fig.quantity = "aandeel " + re.sub(r"^deel\s+", "", counted.quantity)
        fig.scope = fig.scope or counted.scope
        return
    if a.prev is not None:  # "In 2019 bedroeg dat aandeel 14,6 %"
        fig.noun, fig.quantity = a.prev.noun, a.prev.quantity
        fig.scope = fig.scope or _group_scope(s, a.clause, fig) or a.prev.scope
        return
    fig.quantity = "aandeel"


def _describe_money(fig: _Fig, a: _Around, state: _State, figs: list[_Fig]) -> None:
    """An amount: 'budget <recipient>', 'bedrag per <unit>', with 'extra', 'deel', 'gemiddeld'."""
    s = a.sentence
    text = s[a.clause[0]:a.clause[1]]
    markers = []
    if _EXTRA_RE.search(s):
        markers.append("extra")
    if re.search(r"\bgemiddeld(?:e)?\b", s, re.I):
        markers.append("gemiddeld")
    if a.anaphor or re.search(r"\boverige\b", a.prefix, re.I):  # "Daarvan gaat 1,6 miljoen euro naar ..."
        markers.append("deel")
    if _is_change(s, fig):  # "dat is 1,2 miljoen euro meer dan in 2022"
        markers.append("verandering")
    per_after = re.match(r"\s*per\s+([a-zà-ÿ][\w-]*)", a.rest, re.I)
    if per_after:  # "7,85 euro per uur"
        fig.unit += " per " + per_after.group(1)
    # the recipient: a known name in the clause (or sentence), else "voor/aan/naar/van <noun>"
    own = s[fig.start:a.stop]  # up to the next figure: "€ 1,2 miljoen voor X en € 250.000 voor Y"
    target = ""
    for where in (own, text, s):
        names = [e.group() for e in _ENTITY_RE.finditer(where) if not _PAYERS_RE.fullmatch(e.group())]
        if names:
            target = names[0]
            break
        if where is s:
            break
        for m in _MONEY_TARGET_RE.finditer(where):  # "voor de preventieve gezinsondersteuning"
            phrase, length = _noun_phrase(where[m.end():])
            if phrase and not _MONEY_BASE_RE.match(phrase) and not re.match(r"\d", phrase):
                of = re.match(r"\s+van\s+(?:de\s+|het\s+)?", where[m.end() + length:])
                more = _noun_phrase(where[m.end() + length + of.end():])[0] if of else ""
                target = f"{phrase} van {more}" if more else phrase  # "de bestrijding van kinderarmoede"
                break
        if target:
            break
    if not target:  # "14 projecten ..., voor een totaal bedrag van 250.000 euro"; "Daarvoor werd ..."
        counted = [f for f in figs if f.start < fig.start and f.kind == "count" and f.noun]
        last_count = counted[-1] if counted else state.last.get("count")
        refers = re.search(r"\b(?:daarvoor|hiervoor|daarmee|hiermee)\b", a.prefix, re.I)
        if last_count is not None and (counted or refers):
            target = last_count.noun
    if per_after:
        base = "bedrag per " + per_after.group(1)
    elif _PER_UNIT_RE.search(s):
        fixed = re.search(r"\b(?:basisbedrag|vaste?\s+bedrag)\b", s, re.I)
        base = "bedrag per " + _head(target) if target else ("vast bedrag" if fixed else "bedrag per eenheid")
    elif target:
        base = "budget " + _head(target)
    elif a.prev is not None and not markers:  # "Voor 2015 is 3,1 miljoen euro voorzien."
        share = state.last.get("share")
        part = share is not None and state.last_sentence_share and "budget" in share.quantity
        fig.noun, fig.scope = a.prev.noun, fig.scope or a.prev.scope
        # "40 % van dat budget wordt verdeeld ... In 2022 gaat het om 3,85 miljoen euro": a part
        fig.quantity = ("deel " + a.prev.quantity) if part else a.prev.quantity
        return
    else:
        word = (m.group(1).lower() if (m := _MONEY_WORD_RE.search(text) or _MONEY_WORD_RE.search(s)) else "bedrag")
        base = "budget" if word in ("budget", "begroting", "middelen", "werkingsmiddelen") else word
    fig.noun, fig.own_noun = target, bool(target)
    fig.quantity = " ".join(markers + [base])


def _describe_count(fig: _Fig, a: _Around, state: _State, figs: list[_Fig]) -> None:
    """A count: '<counted noun> <what the clause says about it>', or the quantity of the figure
    it refers to ("waarvan 22 ...", "121 hebben ...", "waren er dat nog 161")."""
    s = a.sentence
    anaphor = a.anaphor
    noun, np_end = _noun_phrase(a.rest)
    if noun and (place := _PLACE_RE.fullmatch(noun)):  # "19 Brussels Hoofdstedelijk Gewest": a place
        fig.scope = fig.scope or _PLACES[place.group(1).lower()]
        noun, np_end = "", 0
    fig.denominator = bool(re.search(r"\d\s+van\s+(?:de|het|alle)\s+$", s[:fig.start], re.I))
    if re.search(r"\bop\s+$", s[:fig.start]) and noun and any(
            f.kind == "count" and _head(f.noun).lower() == _head(noun).lower() for f in a.earlier):
        fig.denominator = True  # "231 gemeenten ... op 308 gemeenten": out of 308
    if sub := re.match(r"\s*van\s+(?:de|het|alle)\s+\d[\d.]*\s+", a.rest, re.I):
        fig.subset = True  # "38 van de 124 Huizen van het Kind": a part of that count
        noun, length = _noun_phrase(a.rest[sub.end():])
        np_end = sub.end() + length
    elif sub := re.match(r"\s*van\s+(?:die|deze|hen)\s+", a.rest, re.I):
        fig.subset = anaphor = True  # "146 van die gemeenten"
        noun, length = _noun_phrase(a.rest[sub.end():])
        np_end = sub.end() + length
    if not noun and (m := _NUMBER_OF_RE.search(s[:fig.start])):
        noun, _ = _noun_phrase(m.group(1))  # "het aantal Huizen van het Kind ... tot ongeveer 105"
    parent: _Fig | None = None
    wholes = [f for f in a.earlier if not f.denominator]
    if anaphor:  # "Daarvan ...": the first figure of the previous sentence (or the list lead)
        parent = state.lead or (wholes[-1] if wholes else (state.first.get("count") or a.prev))
    elif not noun:  # "121 hebben een gemeentelijk werkingsgebied": the figure before it
        parent = wholes[-1] if wholes else (a.earlier[-1] if a.earlier else (state.lead or a.prev))
    per = re.match(r"\s*per\s+([\w-]+(?:\s+[\w-]+)?)", a.rest[np_end:])
    noun_unit = " per " + per.group(1) if per else ""
    # what the clause says about the counted things, up to the next figure or conjunction
    pred_start = fig.end + np_end
    clause_end = a.clause[1] if a.clause[1] > pred_start else len(s)
    pred_stop = min([clause_end] + [f.start for f in figs if f.start >= pred_start])
    pred_text = s[pred_start:pred_stop]
    cut = _CUT_RE.search(pred_text)
    pred_text = pred_text[:cut.start()] if cut else pred_text
    # "153 Huizen van het Kind omvatten 231 gemeenten": the verb relates two figures
    links_figures = cut is None and not fig.subset and any(f.start == pred_stop for f in figs if f is not fig)
    pred = [] if fig.denominator or links_figures else _content_words(pred_text, 3)
    if fig.denominator and noun:  # "van de 308 Vlaamse gemeenten": the total
        fig.noun, fig.own_noun = noun, True
        fig.unit = (fig.unit + " " if fig.unit else "") + _head(noun) + noun_unit
        fig.quantity = "totaal " + _head(noun)
        return
    if noun:
        fig.noun, fig.own_noun = noun, True
        head = parent.unit if parent is not None else _head(noun)
        fig.unit = (fig.unit + " " if fig.unit else "") + head + noun_unit
    elif parent is not None:
        fig.noun = parent.noun
        fig.unit = (fig.unit + " " if fig.unit else "") + parent.unit
    markers: list[str] = []
    if _FORECAST_RE.search(s[:fig.start] if "," not in s[:fig.start] else a.prefix) \
            or re.search(r"\btegen\b", a.prefix, re.I) or _FUTURE_AFTER_RE.search(s[fig.end:a.clause[1]]):
        markers.append("verwacht")
    if re.search(r"\bgemiddeld\s+$", s[:fig.start], re.I):
        markers.append("gemiddeld")
    if _SURVEY_RE.search(s):
        markers.append("bevraagd")
    if fig.subset:
        markers.append("deel")
    if _is_change(s, fig):
        markers.append("verandering")
    fig.scope = fig.scope or _group_scope(s, a.clause, fig) or (parent.scope if parent is not None else "")
    if parent is not None and not noun and not pred and not markers:
        # "waren er dat nog 161", "waarvan 1 in het BHG": the same quantity again
        fig.quantity = parent.quantity
        return
    if parent is not None:
        base = parent.noun or parent.quantity
        words = ([noun] if noun and _head(noun).lower() != _head(parent.noun).lower() else []) + pred
    else:
        base, words = noun, pred
    words = [w for w in words if fold(w) not in ("verwacht", "bevraagd", "bevraging", "deel")]
    fig.quantity = " ".join(w for w in [*markers, base, *words] if w).strip()


# ---------------------------------------------------------------------------------------------
# Prose and tables


def _prose_figures(text: str, state: _State, fallback: str, words: bool) -> list[Figure]:
    """Figures of prose text (paragraphs separated by blank lines), updating the carry state."""
    out: list[Figure] = []
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        para = _NUMBERING_RE.sub("", para, count=1)
        state.para_date = ""
        for _, sent in _split_sentences(para):
            bullet = _BULLET_RE.match(sent)
            if bullet:
                sent = sent[bullet.end():]
            numbering = _NUMBERING_RE.match(sent)
            if numbering and re.match(r"[A-ZÀ-Ý]", sent[numbering.end():]):
                sent = sent[numbering.end():]  # "1-2.Huizen van het Kind ..." inside a paragraph
            out.extend(_sentence_figures(sent, state, fallback, words))
    return out


def _sentence_figures(sent: str, state: _State, fallback: str, words: bool) -> list[Figure]:
    dates = _find_dates(sent, state.answer_date)
    masked = _mask_spans(sent, dates)
    figs = _find_numbers(sent, masked, words)
    done: list[_Fig] = []
    for fig in figs:
        _choose_date(fig, dates, sent, state, fallback, figs)
        _describe(fig, sent, state, figs)
        done.append(fig)
    if done:
        state.last_sentence_share = _family_of(done[-1].kind) == "share"
    seen: set[str] = set()
    for fig in done:
        fam = _family_of(fig.kind)
        state.last[fam] = fig
        if fam not in seen and not fig.denominator:
            state.first[fam] = fig
            seen.add(fam)
    if sent.rstrip().endswith(":"):  # "Er zijn op datum van 31 mei 2016 127 HvhK:" heads a list
        state.lead = done[-1] if done else None
    elif not re.match(r"\s*(?:waarvan|daarvan|van wie)\b", sent, re.I):
        state.lead = None
    _update_carry(dates, state, sent)
    return [
        Figure(value=f.value, number_value=f.number, unit=f.unit, quantity=f.quantity, date=f.date,
               date_source=f.date_source, sentence=sent, scope=f.scope, start=f.start, end=f.start + len(f.value))
        for f in done
    ]


_EMPTY_CELL = _lazy(r"[-–/]|n\.?v\.?t\.?", re.I)


def _row_cells(line: str) -> tuple[str, list[tuple[int, int, str]]] | None:
    """'Antwerpen 21 38 70 54 %' -> ('Antwerpen', [(10, 12, '21'), ...]).

    Cells are the numbers (with a '%' or '€' attached or apart) and empty markers ('-', 'n.v.t.')
    at the end of the line. None for a line without such cells or without a label, for a line
    whose last number is part of a date (a caption "... op 1 januari 2021") and for a header
    of years ("Provincie 2019 2020 2021")."""
    dates = [(d.start, d.end) for d in _find_dates(line, "") if d.role != "mask" or d.iso == ""]
    toks = list(re.finditer(r"\S+", line))
    cells: list[tuple[int, int, str]] = []
    i = len(toks) - 1
    while i >= 0:
        t = toks[i]
        s = t.group()
        if s == "%" and i > 0 and re.fullmatch(_NUM, toks[i - 1].group()):
            cells.append((toks[i - 1].start(), t.end(), line[toks[i - 1].start():t.end()]))
            i -= 2
            continue
        if re.fullmatch(rf"(?:€)?(?:{_NUM})%?", s) or _EMPTY_CELL.fullmatch(s):
            if _overlaps(t.start(), t.end(), dates) and not re.fullmatch(_YEAR, s):
                break
            start = t.start()
            if i > 0 and toks[i - 1].group() == "€":
                start = toks[i - 1].start()
                i -= 1
            cells.append((start, t.end(), line[start:t.end()]))
            i -= 1
            continue
        break
    if not cells or i < 0:
        return None
    cells.reverse()
    label = line[:toks[i].end()].strip()
    values = [c[2] for c in cells if not _EMPTY_CELL.fullmatch(c[2])]
    if not values or not re.search(r"[A-Za-zÀ-ÿ]", label):
        return None
    if all(re.fullmatch(_YEAR, v) for v in values):
        # years only: a header of year columns, or a caption that ends in a year
        return None
    return label, cells


def _split_header(header: str, n_cells: int) -> list[str]:
    """Split a header row into the label column + n_cells column names ("" when it cannot).

    Columns start at a capitalised word or a year. When that gives too many columns, a known
    name or abbreviation, or a year, that follows a non-label column word is merged into it
    ("Erkende HvhK", "Aantal Huizen van het Kind", "Subsidie 2021 (euro)")."""
    protected = _ENTITY_RE.sub(lambda m: m.group().replace(" ", "\u2063"), header.strip())
    toks = protected.split()
    if not toks:
        return [""] * (n_cells + 1)
    starts = [i for i, t in enumerate(toks) if t[:1].isupper() or re.fullmatch(_YEAR, t) or t[:1] == "€"]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    i = len(starts) - 1
    while len(starts) > n_cells + 1 and i > 1:
        t = toks[starts[i]]
        if (t.lower() in _ABBREVIATIONS or "\u2063" in t or re.fullmatch(_YEAR, t)) and starts[i - 1] != 0:
            starts.pop(i)
        i -= 1
    if len(starts) != n_cells + 1:
        return [" ".join(toks[:starts[1]] if len(starts) > 1 else toks).replace("\u2063", " ")] + [""] * n_cells
    bounds = zip(starts, [*starts[1:], len(toks)], strict=True)
    return [" ".join(toks[a:b]).replace("\u2063", " ") for a, b in bounds]


def _annex_figures(text: str, state: _State, fallback: str, context: str) -> list[Figure]:
    """One figure per numeric cell of a BIJLAGE table (one row a line): the row label is the
    scope ("" for a total row), the column header says what is counted, the caption (or
    `context`) gives the date; a year in the column header dates that column."""
    out: list[Figure] = []
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    caption: list[str] = [context] if context else []
    pending: list[str] = []
    header = ""
    in_rows = False
    for line in lines:
        if re.fullmatch(r"BIJLAGEN?(?:\s+\d+)?\s*:?", line, re.I):
            continue
        row = _row_cells(line)
        if row is None:
            if in_rows:  # text after a table: a new caption/table
                caption, pending, in_rows = ([context] if context else []), [], False
            pending.append(line)
            continue
        if not in_rows:
            header = pending[-1] if pending else ""
            caption = caption + pending[:-1]
            in_rows = True
        label, cells = row
        columns = _split_header(header, len(cells))[1:]
        cap_text = " ".join(caption)
        cap_dates = [d for d in _find_dates(cap_text, state.answer_date) if d.role == "ref" and d.iso]
        cap_date = cap_dates[-1].iso if cap_dates else ""
        entity = _ENTITY_RE.search(_expand_abbreviations(cap_text + " " + header))
        total = re.fullmatch(r"(?:totaal|total|som|vlaanderen\s+totaal|totaal\s+vlaanderen)", label, re.I) is not None
        scope = "" if total else _PLACES.get(label.lower(), label)
        for (s, _e, cell), col in zip(cells, columns, strict=True):
            if _EMPTY_CELL.fullmatch(cell):
                continue
            pct = cell.endswith("%")
            raw = cell.replace("€", "").rstrip("%").strip()
            number = _to_number(raw)
            col_x = _expand_abbreviations(col)
            money = bool(re.search(r"euro|€|\beur\b|subsidie|budget|bedrag|middelen", col + " " + cell, re.I))
            scale = re.search(r"(duizend|miljoen|miljard)", col, re.I)
            if scale and number is not None:
                number *= _SCALES[scale.group(1).lower()]
            col_year = re.search(_YEAR, col)
            col_words = re.sub(r"\(.*?\)|\b(?:19|20)\d\d\b", " ", col_x)
            col_words = " ".join(w for w in col_words.split() if w.lower() not in ("aantal", "totaal"))
            if pct:
                unit, kind = "%", "percent"
                quantity = col_words if col_words.lower().startswith("aandeel") else ("aandeel " + col_words).strip()
            elif money:
                unit, kind = ((scale.group(1).lower() + " euro") if scale else "euro"), "money"
                quantity = "budget " + (_head(entity.group()) if entity else col_words)
            else:
                kind = "count"
                phrase = col_words or (entity.group() if entity else "")
                unit, quantity = (_head(phrase) if phrase else ""), phrase
            if col_year and (money or not cap_date or re.fullmatch(_YEAR, col.strip())):
                date, src = col_year.group(), "explicit"
            elif cap_date:
                date, src = cap_date, "explicit"
            elif state.para_date or state.date:
                date, src = state.para_date or state.date, "explicit"
            elif fallback:
                date, src = fallback[:4], "answer-date"
            else:
                date, src = "", "none"
            if kind == "money" and date:
                date = date[:4]
            vstart = s + cell.find(raw[:1]) if raw else s
            out.append(Figure(value=raw, number_value=number, unit=unit, quantity=quantity.strip(), date=date,
                              date_source=src, sentence=line, scope=scope, start=vstart, end=vstart + len(raw)))
    return out


# ---------------------------------------------------------------------------------------------
# Public API


def extract_figures(text: str, *, section: str = "answer", fallback_date: str = "", context: str = "",
                    words: bool = False) -> list[Figure]:
    """The figures in `text` (a paragraph or chunk of an answer; paragraphs separated by "\\n\\n").

    `section="annex"` reads a BIJLAGE table (one row a line). `context` is the text right
    before `text` (previous sentence, heading, annex caption): its dates are used for reference
    dates. `fallback_date` is the answer's date (ISO); figures without a date of their own get
    its year with date_source "answer-date". `words=True` also reads numbers written in words
    ("drie inloopteams", "twee derde"); off by default because answers use words mostly for
    small non-figures ("de eerste twee antennes", "drie prioriteiten").

    doc/doc_id/number/page/chunk_id/minister/doc_date are left empty for the caller.
    """
    state = _State(answer_date=fallback_date)
    if context:
        for para in re.split(r"\n\s*\n", context):
            for _, sent in _split_sentences(normalize(para)):
                _update_carry(_find_dates(sent, state.answer_date), state, sent)
        state.para_date = ""
    if section == "annex":
        figs = _annex_figures(text, state, fallback_date, context)
        if figs or re.search(r"\n", text.strip()):
            return figs
    return _prose_figures(text, state, fallback_date, words)


def _estimate_year(doc: PQDocument) -> str:
    """A document without an answer date: the latest year among its explicitly dated figures that
    are not forecasts (the minister writes after the last date he reports on)."""
    state = _State()
    years: list[str] = []
    for part in doc.answer:
        state.last, state.first, state.lead = {}, {}, None
        for para in part.paragraphs:
            for f in _prose_figures(para.text, state, "", False):
                if f.date and f.date_source == "explicit" and "verwacht" not in quantity_key(f.quantity):
                    years.append(f.date[:4])
    return max(years) if years else ""


def figures_for_document(doc: PQDocument, *, include_question: bool = True, words: bool = False) -> list[Figure]:
    """The figures ledger of a parsed document: answer parts, annex and (by default) the figures
    the question itself states.

    The question's context paragraphs often state a figure with its date ("Door de fusies van
    1 januari 2019 telt Vlaanderen nog 300 gemeenten"; "meldde de minister dat er op 1 november
    2014 64 Huizen van het Kind erkend waren"); the dev set lists them, so they are kept when
    they carry a date of their own (sub-questions are not read). A repeat of an earlier answer
    has the same value and date, so `annotate_timeline` lists it under "repeats", never as a
    conflict. The reference date carries over sentences and answer parts (a part that says "Op
    dezelfde datum" or "Daarvan ..." refers back); a question's dates never carry into the
    answer. Without an answer date (no header), the year is estimated as the latest year of the
    answer's explicitly dated, non-forecast figures (date_source "inferred").
    """
    fallback = doc.date
    inferred = False
    if not fallback:
        fallback = _estimate_year(doc)
        inferred = bool(fallback)
    figures: list[tuple[Figure, int]] = []
    if include_question:
        qstate = _State()  # a question may announce a date after the answer (a merger on 1 January)
        for part in doc.question:
            if part.numbers:  # the sub-questions ask, they do not state figures
                continue
            for para in part.paragraphs:
                for f in _prose_figures(para.text, qstate, "", words):
                    if f.date_source != "none":
                        figures.append((f, para.page))
    state = _State(answer_date=doc.date)
    for part in doc.answer:
        state.last, state.first, state.lead = {}, {}, None
        for para in part.paragraphs:
            for f in _prose_figures(para.text, state, fallback, words):
                figures.append((f, para.page))
    for part in doc.annex:
        context = ""
        for para in part.paragraphs:
            for f in _annex_figures(para.text, _State(answer_date=doc.date), fallback, context):
                figures.append((f, para.page))
    out: list[Figure] = []
    for f, page in figures:
        src = "inferred" if inferred and f.date_source == "answer-date" else f.date_source
        out.append(replace(f, date_source=src, doc=doc.file, doc_id=doc.doc_id, number=doc.number, page=page,
                           minister=doc.minister, doc_date=doc.date))
    return out


# ---------------------------------------------------------------------------------------------
# Quantities and timelines

_KEY_STOP = set("""
de het een der den van voor in op aan met en of die dat wie te bij naar uit over tot door onder
aantal erkend erkende erkenning er zijn is was waren werd werden wordt worden heeft hebben
alle elk elke ieder iedere hun zijn haar samen minstens ongeveer circa nog ook al
""".split())
_IRREGULAR = {"huizen": "huis", "kinderen": "kind", "steden": "stad", "uren": "uur", "dagen": "dag",
              "jaren": "jaar", "schepen": "schip", "lokale": "lokaal", "loketten": "loket", "centra": "centrum",
              "gezinnen": "gezin", "zwangeren": "zwanger", "vrouwen": "vrouw", "besturen": "bestuur"}


def _stem(word: str) -> str:
    """A crude Dutch stem that maps singular and plural to one form ('Huizen'/'Huis' -> 'huis')."""
    w = word.lower()
    for plural, singular in _IRREGULAR.items():
        if w.endswith(plural):
            return w[: -len(plural)] + singular
    if w.endswith("huis"):
        return w
    if w.endswith("'s") or w.endswith("’s"):
        w = w[:-2]
    elif w.endswith("en") and len(w) > 4:
        w = w[:-2]
    elif w.endswith("s") and len(w) > 3 and (w[-2] in "aeiouy" or (w[-2] in "lmnr" and w[-3] in "aeiou")):
        w = w[:-1]
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "aeiou":
        w = w[:-1]
    w = re.sub(r"([aeou])\1(?=[^aeiou]*$)", r"\1", w)
    if w.endswith("z"):
        w = w[:-1] + "s"
    elif w.endswith("v"):
        w = w[:-1] + "f"
    return w


def quantity_key(text: str) -> str:
    """Normalised quantity phrase: lower-case, accents folded, abbreviations expanded ("HvhK"
    -> "Huizen van het Kind"), singular/plural unified ("Huizen"/"Huis" -> "huis"), stop words
    (articles, prepositions, "aantal", "erkende", ...) dropped, the remaining stems sorted and
    deduplicated (word order does not matter: "erkende Huizen van het Kind" and "HvhK erkend"
    share "huis kind"). Marker words (verwacht, bevraagd, extra, per, gemiddeld, deel, totaal,
    verandering) are kept, so a forecast never shares a key with an actual count."""
    t = fold(_expand_abbreviations(text))
    toks = re.findall(r"[a-z0-9]+(?:[-'][a-z0-9]+)*", t)
    out = []
    for tok in toks:
        if tok in _KEY_STOP or tok.isdigit():
            continue
        if tok in _MARKERS:
            out.append(_MARKERS[tok])
            continue
        out.append(_stem(tok))
    return " ".join(sorted(set(out)))


def _family(f: Figure) -> str:
    """'share' (percentages and ratios), 'money' or 'count': groups never mix families."""
    u = f.unit.lower()
    if u in ("%", "verhouding"):
        return "share"
    if "euro" in u:
        return "money"
    return "count"


def _markers(key: str) -> frozenset[str]:
    return frozenset(w for w in key.split() if w in set(_MARKERS.values()))


def group_quantities(figures: Sequence[Figure], embed: Callable[[list[str]], Any] | None = None,
                     threshold: float = 0.97) -> list[list[int]]:
    """Indices of `figures` grouped by what they count (one group = one timeline).

    Figures are first grouped by (family, `quantity_key`): share/money/count never mix. With
    `embed` (texts -> L2-normalised vectors, e.g. `E5().query`), two key groups of the same family,
    the same marker words (verwacht/bevraagd/extra/per/deel/...) and the same unit merge when the
    cosine of their quantity phrases is at least `threshold`. Groups are ordered by their first
    figure; indices inside a group are ascending.

    The threshold is high on purpose: e5 vectors of short Dutch phrases from one domain all lie
    close together (on the dev set the most similar *different* quantities, "intergemeentelijke"
    vs "gemeentelijke samenwerkingsverbanden", score 0.98, above most pairs of equal ones), so a
    lower threshold merges timelines that must stay apart. See benchmarks/figures_eval.py --embed.
    """
    keys: dict[tuple[str, str], list[int]] = {}
    for i, f in enumerate(figures):
        k = (_family(f), quantity_key(f.quantity or f.unit))
        keys.setdefault(k, []).append(i)
    items = list(keys.items())
    parent = list(range(len(items)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    if embed is not None and len(items) > 1:
        import numpy as np

        phrases = [figures[idx[0]].quantity or figures[idx[0]].unit or k[1] for k, idx in items]
        vecs = np.asarray(embed(phrases), dtype=float)
        vecs = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        sims = vecs @ vecs.T
        for a in range(len(items)):
            for b in range(a + 1, len(items)):
                (fa, ka), (fb, kb) = items[a][0], items[b][0]
                if fa != fb or _markers(ka) != _markers(kb) or sims[a, b] < threshold:
                    continue
                ua, ub = figures[items[a][1][0]].unit, figures[items[b][1][0]].unit
                if fa == "count" and quantity_key(ua) != quantity_key(ub):
                    continue
                parent[find(b)] = find(a)
    merged: dict[int, list[int]] = {}
    for n, (_, idx) in enumerate(items):
        merged.setdefault(find(n), []).extend(idx)
    return sorted((sorted(g) for g in merged.values()), key=lambda g: g[0])


def _sort_date(f: Figure) -> str:
    """A year-only date sorts at the answer date when the figure is dated by its answer, else at
    the end of the year."""
    if len(f.date) == 4 and f.doc_date.startswith(f.date):
        return f.doc_date
    return _pad(f.date, end=True) if f.date else ""


def timeline(figures: Iterable[Figure]) -> list[Figure]:
    """Figures oldest reference date first (undated last; a year-only date stands at its answer
    date when the answer is from that year, else at the year's end); ties by document date,
    document and position."""
    figs = list(figures)
    return sorted(figs, key=lambda f: (f.date == "", _sort_date(f), f.doc_date, f.doc, f.start))


def _agree(a: Figure, b: Figure) -> bool:
    """Same number, allowing the rounding of the less precise one ('6,8 miljoen' ~ '6.812.300');
    a percentage and a ratio agree within 5 points ('17 %' ~ '1 op 5')."""
    if a.number_value is None or b.number_value is None:
        return a.value == b.value
    if {a.unit, b.unit} == {"%", "verhouding"}:
        pct, ratio = (a, b) if a.unit == "%" else (b, a)
        return abs(pct.number_value / 100 - ratio.number_value) <= 0.05  # type: ignore[operator]
    if a.number_value == b.number_value:
        return True

    def step(f: Figure) -> float:
        dec = f.value.split(",")[1] if "," in f.value else ""
        scale = f.number_value / _to_number(f.value) if _to_number(f.value) else 1.0  # type: ignore[operator]
        return (10 ** -len(re.sub(r"\D", "", dec))) * abs(scale or 1.0)

    coarse = max(step(a), step(b))
    return abs(a.number_value - b.number_value) <= coarse / 2 + 1e-9


def annotate_timeline(figures: Sequence[Figure], groups: list[list[int]] | None = None) -> list[dict]:
    """One dict per figure, in timeline order per group: {"index": position in `figures`,
    "figure", "group": index in `groups`, "status", "repeats": [indices], "same_date": [indices]}.

    A timeline is a quantity group (`groups`, default `group_quantities(figures)`) split by scope.
    status: "conflict" when a figure of another document in the same timeline has the same
    reference date and a different value; otherwise "latest" for the newest reference date,
    "superseded" for older ones. Two values for one date within one document are parts or
    variants the phrase did not tell apart (first dose/full series, lowest/highest amount), not a
    contradiction, so they are listed under "same_date" but do not conflict. "repeats" lists the
    indices that state the same value for the same date (a question quoting an earlier answer,
    two answers giving the same budget)."""
    if groups is None:
        groups = group_quantities(figures)
    out: list[dict] = []
    for gid, idx in enumerate(groups):
        by_scope: dict[str, list[int]] = {}
        for i in idx:
            by_scope.setdefault(figures[i].scope.lower(), []).append(i)
        for _scope, members in by_scope.items():
            ordered = sorted(members, key=lambda i: (not figures[i].date, _sort_date(figures[i]), figures[i].doc_date))
            dated = [i for i in ordered if figures[i].date]
            newest = _sort_date(figures[dated[-1]]) if dated else ""
            by_date: dict[str, list[int]] = {}
            for j in members:  # bucketed: comparing every pair of a big timeline grew quadratically
                if figures[j].date:
                    by_date.setdefault(figures[j].date, []).append(j)
            for i in ordered:
                f = figures[i]
                same = [j for j in by_date.get(f.date, []) if j != i] if f.date else []
                conflict = any(not _agree(f, figures[j]) and (figures[j].doc != f.doc or not f.doc) for j in same)
                if conflict:
                    status = "conflict"
                elif f.date and _sort_date(f) == newest:
                    status = "latest"
                else:
                    status = "superseded"
                out.append({"index": i, "figure": f, "group": gid, "status": status,
                            "repeats": [j for j in same if _agree(f, figures[j])],
                            "same_date": [j for j in same if not _agree(f, figures[j])]})
    return out
