"""Time in a question: does it ask about the present ("hoeveel … zijn er nu?", "latest") or about
a named time ("in mei 2016", "eind 2018", "in 2019")? Pure text rules, no index access."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from .textutil import DUTCH_MONTHS, fold

# Dutch month names (textutil, shared with the parser and the figures), English ones and the
# abbreviations a question is typed with.
MONTHS = {
    **DUTCH_MONTHS,
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10,
    "jan": 1, "feb": 2, "mrt": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "okt": 10,
    "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))

# Words that put a question in the present. "nu" and "now" only as whole words.
_PRESENT = re.compile(
    r"\b(vandaag|nu|momenteel|actueel|actuele|huidige?|thans|tegenwoordig|op dit (?:moment|ogenblik)|"
    r"op heden|vandaag de dag|dit jaar|this year|laatste|recentste|meest recente|nieuwste|today|currently|current|now|"
    r"at present|latest|most recent|newest|up to date)\b")
# Past markers: a question in the past tense without a named time asks for no particular moment.
_PAST = re.compile(r"\b(waren|werden|was|werd|had|hadden|toen|destijds|vroeger|were|was|had|back then|used to)\b")
# "Hoeveel … zijn er", "Hoeveel … telt Vlaanderen", "How many … are there": the plain present of a count.
_PRESENT_COUNT = re.compile(r"\b(hoeveel|how many|how much|wat is het aantal|what is the number)\b.*"
                            r"\b(zijn er|is er|telt|tellen|bestaan|zijn|is|heeft|hebben|are there|is there|are|is|does|do)\b")

_DAY_DATE = re.compile(rf"\b(?:op|per|on|as of)?\s*(\d{{1,2}})\s+({_MONTH})\.?\s+((?:19|20)\d{{2}})\b")
_NUM_DATE = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+((?:19|20)\d{{2}})\b")
_EDGE_YEAR = re.compile(r"\b(eind|einde|begin|midden|end of|start of|beginning of|mid|halfweg)\s+((?:19|20)\d{2})\b")
_SCHOOL_YEAR = re.compile(r"\b((?:19|20)\d{2})\s*[-/]\s*((?:19|20)?\d{2})\b")
_YEAR = re.compile(r"\b(?:in|van|uit|sinds|voor|tijdens|during|of|for|since)?\s*((?:19|20)\d{2})\b")


@dataclass(frozen=True)
class QueryTime:
    """What moment a question asks about: `present`, or a named interval [start, end] (ISO days),
    or neither (`kind == ""`)."""

    kind: str = ""  # "present" | "named" | ""
    start: str = ""
    end: str = ""
    text: str = ""  # the words that said so

    @property
    def named(self) -> bool:
        return self.kind == "named"

    @property
    def present(self) -> bool:
        return self.kind == "present"


def _last_day(y: int, m: int) -> int:
    return calendar.monthrange(y, m)[1]


def query_time(question: str, number_years: set[str] | None = None) -> QueryTime:
    """The time a question asks about. A year that is part of a question number ("vraag 503 van
    2018") names the document, not a moment: pass those years in `number_years` to ignore them."""
    q = fold(question)
    skip = number_years or set()
    if m := _DAY_DATE.search(q):
        d, mon, y = int(m.group(1)), MONTHS[m.group(2)], int(m.group(3))
        if 1 <= d <= _last_day(y, mon):
            iso = f"{y:04d}-{mon:02d}-{d:02d}"
            return QueryTime("named", iso, iso, m.group(0).strip())
    if m := _NUM_DATE.search(q):
        d, mon, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if 1 <= mon <= 12 and 1 <= d <= _last_day(y, mon):
            iso = f"{y:04d}-{mon:02d}-{d:02d}"
            return QueryTime("named", iso, iso, m.group(0).strip())
    if m := _MONTH_YEAR.search(q):
        mon, y = MONTHS[m.group(1)], int(m.group(2))
        return QueryTime("named", f"{y:04d}-{mon:02d}-01", f"{y:04d}-{mon:02d}-{_last_day(y, mon):02d}", m.group(0))
    if m := _EDGE_YEAR.search(q):
        y, edge = int(m.group(2)), m.group(1)
        if edge in ("eind", "einde", "end of"):
            return QueryTime("named", f"{y}-10-01", f"{y}-12-31", m.group(0))
        if edge in ("begin", "start of", "beginning of"):
            return QueryTime("named", f"{y}-01-01", f"{y}-03-31", m.group(0))
        return QueryTime("named", f"{y}-05-01", f"{y}-08-31", m.group(0))
    if m := _SCHOOL_YEAR.search(q):
        y1 = int(m.group(1))
        y2 = m.group(2)
        y2 = int(y2) if len(y2) == 4 else (y1 // 100) * 100 + int(y2)
        if y2 == y1 + 1:
            return QueryTime("named", f"{y1}-09-01", f"{y2}-08-31", m.group(0))
    for m in _YEAR.finditer(q):
        if m.group(1) not in skip:
            y = int(m.group(1))
            return QueryTime("named", f"{y}-01-01", f"{y}-12-31", m.group(0).strip())
    if m := _PRESENT.search(q):
        return QueryTime("present", text=m.group(0))
    if not _PAST.search(q) and (m := _PRESENT_COUNT.search(q)):
        return QueryTime("present", text=m.group(0))
    return QueryTime()
