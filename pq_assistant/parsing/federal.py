"""Belgian federal written questions (Senate page, Kamer bulletin):

    Schriftelijke vraag nr. 7-1417
    van Lien Vanhoutte (Vooruit) d.d. 8 maart 2022
    aan de vice-eersteminister en minister van Sociale Zaken en Volksgezondheid
    <title>
    keywords / Chronologie / Ook gesteld aan : ...
    Vraag nr. 7-1417 d.d. 8 maart 2022 : (Vraag gesteld in het Nederlands)
    ... 1) ... 2) ...
    Antwoord ontvangen op 26 april 2022 :
    ... 1) ... 2) ...
"""
from __future__ import annotations

import re

from ..models import PQDocument
from ..textutil import squash_ws
from .common import _Line, _paragraphs, _split_numbered
from .dates import written_date
from .names import PERSON

FED_NUMBER = r"(?P<nr>\d{1,2}\s*-\s*\d{1,5}|\d{2}\s+\d{3,5})"
HEAD = re.compile(rf"^\s*(?:Schriftelijke\s+)?[Vv]raag\s+nr\.?\s*{FED_NUMBER}\b")
FROM = re.compile(rf"^\s*van\s+(?:(?:mevrouw|de\s+heer)\s+)?(?P<name>{PERSON})\s*(?:\((?P<party>[^)]+)\))?\s*(?:d\.d\.\s*(?P<date>.+))?$")
DD = re.compile(r"\bd\.\s?d\.\s*(?P<date>\d{1,2}\s+\w+\s+\d{4})")
TO = re.compile(r"^\s*aan\s+(?P<to>.+)$")
ANSWER = re.compile(r"^\s*Antwoord(?:\s+ontvangen\s+op\s+(?P<date>.+?))?\s*:?\s*$", re.I)
QUESTION_START = re.compile(rf"^\s*[Vv]raag\s+nr\.?\s*{FED_NUMBER}.*\bd\.\s?d\.")


def is_federal(text: str) -> bool:
    head = text[:2500]
    return bool(re.search(r"(?:Schriftelijke\s+)?[Vv]raag\s+nr\.?\s*\d{1,2}\s*-\s*\d{1,5}\b", head)
                and (re.search(r"\bd\.\s?d\.", head) or re.search(r"Antwoord\s+ontvangen\s+op", text)))


def parse_federal(lines: list[_Line], doc: PQDocument) -> None:
    doc.type = "federale-vraag"
    doc.parliament = "Kamer/Senaat"
    texts = [line.text.strip() for line in lines]
    i = 0
    head: list[str] = []
    if texts and (m := HEAD.match(texts[0])):
        doc.number = re.sub(r"\s*-\s*|\s+", "-", m.group("nr"))
    for i, t in enumerate(texts[:12]):
        if not doc.number and (m := HEAD.match(t)):
            doc.number = re.sub(r"\s*-\s*|\s+", "-", m.group("nr"))
        if (m := FROM.match(t)) and not doc.askers:
            doc.askers = [squash_ws(m.group("name"))]
            if m.group("date"):
                doc.date = written_date(m.group("date"))[0]
        elif (m := TO.match(t)) and not doc.minister_function:
            to = m.group("to").strip()
            named = re.match(rf"^(?:de\s+)?(?:vice-eersteminister\s+en\s+)?minister\s+(?P<name>{PERSON})\s*$", to)
            if named:
                doc.minister = named.group("name")
            doc.minister_function = to
            # the title is the next non-empty line
            if i + 1 < len(texts):
                doc.title = squash_ws(texts[i + 1])
            break
    # the question body starts at "Vraag nr. ... d.d. ..." (else after the title)
    q_start = next((k for k, t in enumerate(texts) if k > i and QUESTION_START.match(t)), None)
    a_start = next((k for k, t in enumerate(texts) if ANSWER.match(t) and (q_start is None or k > q_start)), None)
    if not doc.date and (m := DD.search(" ".join(texts[:40]))):
        doc.date = written_date(m.group("date"))[0]
    if a_start is not None and (m := ANSWER.match(texts[a_start])) and m.group("date"):
        doc.answer_date = written_date(m.group("date"))[0]
    head = [t for t in texts[: (q_start if q_start is not None else i + 2)]]
    doc.header = squash_ws(" ".join(head[:3] + ([texts[q_start]] if q_start is not None else [])))
    body_from = q_start + 1 if q_start is not None else i + 2
    q_lines = lines[body_from:a_start] if a_start is not None else lines[body_from:]
    a_lines = lines[a_start + 1:] if a_start is not None else []
    doc.question = _split_numbered(_paragraphs(q_lines), "question")
    max_q = max((n for p in doc.question for n in p.numbers), default=0)
    doc.answer = _split_numbered(_paragraphs(a_lines), "answer", max_number=max_q)
