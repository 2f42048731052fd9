"""Press releases and news items that report a minister's answer to an MP's question.

Headline, a date line (`24-02-2026`, `12 mei 2021, over deze onderwerpen: ...`, a byline and
`14 maart 2017, 05.30u`, `Nieuwsbericht` / `3 oktober 2025`, or a scraped ` date 2025-08`
prefix), then the text. The people come from the genre's formulae: "antwoord van Vlaams minister
van Welzijn Pieter Roelandts op een schriftelijke vraag van Vlaams Parlementslid Lotte
Vandersteene (CD&V)". No parts: the whole item is text.
"""
from __future__ import annotations

import re

from ..models import Part, PQDocument
from ..textutil import squash_ws
from .common import _Line, _paragraphs
from .dates import ISO, NUMERIC, WEEKDAYS, WRITTEN, any_date
from .names import NAME_WORD, PARTICLE_RE, PERSON, SURNAME

MP_ROLE = r"(?:(?:Vlaams|Vlaamse|federaal|federale)\s+)?(?:[Pp]arlementslid|[Vv]olksvertegenwoordiger|[Kk]amerlid|[Ss]enator|parlementair)"
MP = re.compile(rf"\b{MP_ROLE}\s+(?P<name>{PERSON})")
QUESTION_OF = re.compile(rf"\bvra(?:ag|gen)(?:\s+om\s+uitleg)?\s+van\s+(?:(?:mevrouw|de\s+heer)\s+)?(?P<name>{PERSON})\s*\(")
MINISTER = re.compile(rf"\b(?:[Vv]laams(?:e)?\s+|[Ff]ederaal\s+|[Ff]ederale\s+)?(?:[Vv]ice-?)?[Mm]inister(?:-[Pp]resident)?(?P<rest>(?:\s+van)?(?:\s+(?:{NAME_WORD}|en|{PARTICLE_RE}),?){{1,12}})")
_plain = lambda rx: re.sub(r"\?P<\w+>", "", rx.pattern)  # noqa: E731 - the date patterns without their group names
DATE_LINE = re.compile(rf"^\s*(?:date\s+|{WEEKDAYS}\s+)?(?:{_plain(WRITTEN)}|{_plain(NUMERIC)}|{_plain(ISO)})", re.I)
FORMULA = re.compile(r"schriftelijke\s+vraag|vraag\s+om\s+uitleg|parlementaire\s+vraag|actuele\s+vraag|Kamervra(?:ag|gen)|"
                     r"[Pp]arlementslid|volksvertegenwoordiger|in\s+(?:de\s+)?commissie|antwoord(?:de)?\s+op\s+een\s+vraag", re.I)


# a line that is only a date ("maandag, 05 jul 2021", "12 mei 2021 - 10.32u", "24-02-2026")
_ONLY_DATE = re.compile(rf"^\W*(?:{WEEKDAYS},?\s+)?(?:{_plain(WRITTEN)}|{_plain(NUMERIC)}|{_plain(ISO)})"
                        r"(?:\s*[,-]?\s*(?:om\s+)?\d{1,2}[.:hu]\d{2}u?)?\W*$", re.I)


def dateline_date(texts: list[str], first: int = 6) -> str:
    """The date of a text whose first lines hold a line that is only a date (a news page's
    dateline), as ISO; '' when none. A date inside a sentence does not count."""
    for t in texts[:first]:
        if len(t) < 60 and _ONLY_DATE.match(t):
            return any_date(t)
        if m := re.match(r"^\s*date\s+((?:19|20)\d{2}-\d{2}(?:-\d{2})?)\b", t):  # a scraper's " date 2022-09 ..."
            return any_date(m.group(1))
    return ""


def is_press(text: str) -> bool:
    return bool(re.search(r"\bminister\b", text, re.I) and FORMULA.search(text))


def _trim_name(run: str, surnames: set[str]) -> str:
    """'Welzijn, Gezin en Armoedebestrijding Jeroen Casteleyn' -> 'Jeroen Casteleyn'."""
    words = re.sub(r"[,]", " ", run).split()
    while words and not re.match(NAME_WORD + "$", words[-1]):
        words.pop()
    if len(words) < 2:
        return ""
    end = len(words) - 1
    j = end
    while j - 1 >= 0 and re.fullmatch(PARTICLE_RE, words[j - 1]):
        j -= 1
    if j - 1 < 0 or not re.fullmatch(NAME_WORD, words[j - 1]) or words[j - 1] in ("en",):
        return ""
    return " ".join(words[j - 1:])


def parse_press(lines: list[_Line], doc: PQDocument, text: str) -> None:
    doc.type = "persbericht"
    texts = [line.text.strip() for line in lines]
    # the date line near the top; a headline is the first line when it is no date and no sentence
    for i, t in enumerate(texts[:12]):
        if i == 0 and not DATE_LINE.match(t) and not re.match(r"^\s*date\s", t):
            continue  # the headline ("Vanaf 1 januari 2027 ...") is no date line
        # "24-02-2026", "12 mei 2021, over ...", " date 2025-08", or a short line that holds a
        # date ("Brussel, 12 mei 2021", "Gepubliceerd op 3 oktober 2025 om 10.32u")
        if DATE_LINE.match(t) and len(t) < 200 or re.match(r"^\s*date\s+\d{4}-\d{2}", t) or len(t) < 80:
            doc.date = any_date(t[:80])
            if doc.date:
                break
    if texts and not DATE_LINE.match(texts[0]) and not re.match(r"^\s*date\s", texts[0]) and len(texts[0]) < 200 \
            and not re.search(r"[.]\s*$", texts[0]):
        doc.title = squash_ws(texts[0])
    flat = squash_ws(text)
    askers = [m.group("name") for m in MP.finditer(flat)] + [m.group("name") for m in QUESTION_OF.finditer(flat)]
    doc.askers = list(dict.fromkeys(_clean_person(a) for a in askers if _clean_person(a)))[:3]
    short = {m.group(1) for m in re.finditer(rf"\b[Mm]inister\s+({NAME_WORD})\b", flat)}
    for m in MINISTER.finditer(flat):
        name = _trim_name(m.group("rest"), short)
        if name:
            doc.minister = name
            break
    if not doc.minister:
        # only "minister Crevits": the surname is better than nothing for a filter
        names = re.findall(rf"\b[Mm]inister\s+({SURNAME})(?=[\s,.;:)])", flat)
        names = [n for n in names if not re.match(r"^(?:van|voor)\b", n, re.I)]
        if names:
            doc.minister = max(set(names), key=names.count)
    body = lines[1:] if doc.title else lines
    doc.question = [Part("question", "", [], _paragraphs(body))]
    doc.header = doc.title


def _clean_person(name: str) -> str:
    """Drop a role the name run picked up ('Vlaams Parlementslid Eline Maertens' -> 'Eline Maertens')."""
    name = re.sub(rf"^.*\b{MP_ROLE}\s+", "", name)
    name = re.sub(r"^(?:Vlaams|Vlaamse|Federaal|Federale)\s+", "", name)
    words = name.split()
    return " ".join(words[:4]) if len(words) >= 2 else ""
