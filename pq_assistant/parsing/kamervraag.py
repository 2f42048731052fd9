"""Tweede Kamer questions: the openkamer-like page and the official *Aanhangsel van de Handelingen*.

    Kamervraag 2023Z17420                       Tweede Kamer, vergaderjaar 2024–2025, Aanhangsel 1
    <title>                                     Aanhangsel van de Handelingen
    Ingediend 12 oktober 2023                   1712
    Beantwoord 14 november 2023 (na 33 dagen)   Vragen van het lid X (CDA) aan de Minister van ... over ...
    Indieners A (D66), B (CDA)                  (ingezonden 6 maart 2025).
    Beantwoord door C (minister ...) (CU)       Antwoord van Minister D (...) (ontvangen 15 april 2025).
     • Vraag 1                                  Vraag 1 / ... / Antwoord 1 / ...
      question / answer                         Vraag 3 en 4 / ... / Antwoord 3 en 4 / ...
"""
from __future__ import annotations

import re

from ..models import Paragraph, Part, PQDocument
from ..textutil import squash_ws
from .common import _label, _Line, _paragraphs
from .dates import session_of, written_date

KV_NUMBER = re.compile(r"\b(?P<nr>(?:19|20)\d{2}Z\d{5})\b")
BULLET_Q = re.compile(r"^\s*(?:[•·\-*]\s*)?Vraag\s+(?P<label>\d{1,2}(?:\s*(?:,|en|&|-|–)\s*\d{1,2})*)\s*:?\s*$", re.I)
ANSWER_Q = re.compile(r"^\s*(?:[•·\-*]\s*)?Antwoord\s+(?P<label>\d{1,2}(?:\s*(?:,|en|&|-|–)\s*\d{1,2})*)\s*:?\s*$", re.I)
# "1. Bent u bekend met ...": a news site prints the questions numbered, without "Vraag 1"
NUMBERED_Q = re.compile(r"^\s*(?P<label>\d{1,2})\s*[.)]\s+(?=\S)")
PARTY_NAME = re.compile(r"(?P<name>[A-ZÀ-Ý][\w'’.\- ]*?)\s*\((?P<party>[^()]{1,30})\)")
FOOTER = re.compile(r"^\s*(?:Tweede\s+Kamer,\s+vergaderjaar\s+.*Aanhangsel\s+\d+|ah-tk-\d+.*ISSN.*|.*ISSN\s+\d{4}\s*-\s*\d{4}.*)\s*$", re.I)


def is_kamervraag(text: str) -> bool:
    head = text[:3000]
    return bool(re.search(r"^\s*Kamervraag\s+(?:19|20)\d{2}Z\d{5}", head, re.M)
                or re.search(r"Aanhangsel\s+van\s+de\s+Handelingen", head)
                or (KV_NUMBER.search(head) and re.search(r"\bIngediend\b", head))
                or re.search(r"Vragen\s+van\s+(?:het\s+lid|de\s+leden)\b.*\(ingezonden", head, re.S))


def _names(segment: str) -> list[str]:
    """'Daan Wijnberg (D66), Sanne Brinkhorst (CDA)' -> ['Daan Wijnberg', 'Sanne Brinkhorst'];
    'Kerstens en Van den Hul (beiden PvdA)' -> ['Kerstens', 'Van den Hul']."""
    out = []
    for m in PARTY_NAME.finditer(segment):
        name = re.sub(r"^(?:en|,)\s+", "", m.group("name").strip(" ,"))
        name = re.sub(r"^.*\b(?:lid|leden)\s+", "", name)
        if not name:
            continue
        if re.match(r"\s*(?:beiden|allen|beide|alle\s+drie)\b", m.group("party"), re.I):
            out += [squash_ws(n) for n in re.split(r"\s*,\s*|\s+en\s+", name) if n.strip()]
        else:
            out.append(squash_ws(name))
    return out


# the official page's notes and page furniture below the text: "X Noot" / "1" / "Het Parool, ...",
# "Naar boven"; a news site's "[1] RTL Nieuws, ..." and "Gerelateerd"
NOTES_START = re.compile(r"^\s*(?:X\s+)?Noot(?:en)?\s*$|^\s*Naar\s+boven\s*$|^\s*Gerelateerd\s*$|^\s*\[\d{1,2}\]\s+\S", re.I)


def _notes_cut(texts: list[str]) -> int:
    """Where the notes under the text start (len(texts) when none): they cite other documents, so
    their numbers, sessions and dates are not this question's, and they answer nothing."""
    first_q = next((i for i, t in enumerate(texts) if BULLET_Q.match(t.strip()) or NUMBERED_Q.match(t.strip())), 0)
    return next((i for i, t in enumerate(texts) if i > first_q and NOTES_START.match(t)), len(texts))


def _before_notes(lines: list[_Line]) -> list[_Line]:
    return lines[:_notes_cut([line.text for line in lines])]


def parse_kamervraag(lines: list[_Line], doc: PQDocument, pages: list[str]) -> None:
    doc.type = "kamervraag"
    doc.parliament = "Tweede Kamer"
    lines = _before_notes([line for line in lines if not FOOTER.match(line.text)])
    first_page = pages[0].splitlines() if pages else []
    raw_head = "\n".join(first_page[:min(40, _notes_cut(first_page))])
    flat = squash_ws(raw_head)
    if m := KV_NUMBER.search(flat):
        doc.number = m.group("nr")
    if re.search(r"^\s*Kamervraag\s+(?:19|20)\d{2}Z\d{5}", raw_head, re.M | re.I):
        _openkamer_header(doc, lines)
    else:  # the official text: Aanhangsel, or the answer letter "Vragen van het lid ... (ingezonden ...)"
        _aanhangsel_header(doc, raw_head)
    if not doc.number and (m := KV_NUMBER.search(doc.file or "")):
        # the official page saved under its own name ("kv-tk-2022Z00700.html") prints its number
        # only there
        doc.number = m.group("nr")
    _parts(lines, doc)


def _openkamer_header(doc: PQDocument, lines: list[_Line]) -> None:
    head: list[str] = []
    for i, line in enumerate(lines[:20]):
        t = line.text.strip()
        if BULLET_Q.match(t):
            break
        head.append(t)
        if re.match(r"^Kamervraag\s+", t) and i + 1 < len(lines):
            nxt = lines[i + 1].text.strip()
            if not re.match(r"^(?:Ingediend|Beantwoord|Indiener)", nxt):
                doc.title = squash_ws(nxt)
        elif m := re.match(r"^Ingediend\s+(?P<d>.+)$", t):
            doc.date = written_date(m.group("d"))[0]
        elif m := re.match(r"^Beantwoord\s+door\s+(?P<who>.+)$", t):
            doc.minister = squash_ws(re.sub(r"\s*\(.*$", "", m.group("who")))
            if fm := re.search(r"\(([^()]*(?:minister|staatssecretaris)[^()]*)\)", m.group("who"), re.I):
                doc.minister_function = fm.group(1)
        elif m := re.match(r"^Beantwoord\s+(?P<d>.+)$", t):
            doc.answer_date = written_date(m.group("d"))[0]
        elif m := re.match(r"^Indiener(?:s|\(s\))?\s+(?P<who>.+)$", t):
            doc.askers = _names(m.group("who")) or [squash_ws(x) for x in re.split(r",|\sen\s", m.group("who")) if x.strip()]
    doc.header = " ".join(head[:2])  # "Kamervraag 2025Z01234 <title>": what a number lookup shows


def _aanhangsel_header(doc: PQDocument, raw: str) -> None:
    flat = squash_ws(raw)
    doc.session = session_of(m.group(0)) if (m := re.search(r"vergaderjaar\s+\d{4}\s*[-–]\s*\d{4}", flat)) else ""
    # the official site's metadata table, copied from the browser with its cells run together:
    # "Tweede Kamer der Staten-Generaal2015-20161644" (session, Aanhangsel number) or
    # "…2014-20152015Z02752" (session, the question's own number when it has no answer yet)
    if (m := re.search(r"Staten-Generaal\s*((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\s*((?:19|20)\d{2}Z\d{5}|\d{1,5})(?!\d)", flat)) \
            and int(m.group(2)) == int(m.group(1)) + 1:
        doc.session = doc.session or f"{m.group(1)}-{m.group(2)}"
        doc.number = m.group(3)
    if m := re.search(r"ah-tk-(?:19|20)\d{6}-(\d{1,5})", flat):
        doc.number = m.group(1)
    if m := re.search(r"(?m)^\s*(\d{1,5})\s*$", raw):
        doc.number = doc.number or m.group(1)
    if m := re.search(r"(Vragen?\s+van\s+(?:het\s+lid|de\s+leden)\s+.+?)\s*\(ingezonden\s+(?P<d>[^)]+)\)", flat):
        doc.title = m.group(1).strip()
        doc.date = written_date(m.group("d"))[0]
        who = re.split(r"\s+aan\s+de[nr]?\s+", m.group(1), maxsplit=1)[0]
        if f := re.search(r"\baan\s+de[nr]?\s+((?:[Mm]inister|[Ss]taatssecretaris)\s+(?:van|voor)\s+.+?)(?=\s+over\b|$)", m.group(1)):
            doc.minister_function = f.group(1)  # who answers, until the answer names the person
        doc.askers = _names(who)
        num = re.search(rf"(?:^|\s)({re.escape(doc.number)})\s+Vragen?\s+van", flat) if doc.number else None
        doc.header = (num.group(1) + " " if num else "") + doc.title
    if m := re.search(r"Antwoord\s+van\s+(?:de\s+)?(?:[Mm]inister|[Ss]taatssecretaris)\s+(?:van\s+[^(]+?\s+)?(?P<name>[A-ZÀ-Ý][\w'’\- ]*?)\s*\((?P<f>[^)]*)\).*?\(ontvangen\s+(?P<d>[^)]+)\)", flat):
        doc.minister = m.group("name").strip()
        doc.answer_date = written_date(m.group("d"))[0]


def _parts(lines: list[_Line], doc: PQDocument) -> None:
    """'Vraag n' blocks: the question, then its answer ('Antwoord n', or the rest of the block)."""
    blocks: list[tuple[str, str, list[_Line]]] = []  # (kind, label, lines)
    for line in lines:
        t = line.text.strip()
        if m := BULLET_Q.match(t):
            blocks.append(("q", m.group("label"), []))
        elif m := ANSWER_Q.match(t):
            blocks.append(("a", m.group("label"), []))
        elif blocks:
            blocks[-1][2].append(line)
    questions: list[Part] = []
    answers: list[Part] = []
    for kind, raw, blines in blocks:
        label, nums = _label(raw)
        paras = _paragraphs(blines)
        if kind == "a":
            answers.append(Part("answer", label, nums, paras))
            continue
        has_answer_block = any(k == "a" for k, _, _ in blocks)
        if has_answer_block or len(paras) <= 1:
            questions.append(Part("question", label, nums, paras))
        else:
            # openkamer: the question is the first paragraph (indented), the answer the rest
            questions.append(Part("question", label, nums, paras[:1]))
            answers.append(Part("answer", label, nums, paras[1:]))
    doc.question, doc.answer = questions, answers
    if not blocks:
        doc.question = _numbered_questions(lines) or [Part("question", "", [], _paragraphs(lines))]


def _numbered_questions(lines: list[_Line]) -> list[Part]:
    """Questions numbered "1. ...", "2. ..." after the "Vragen van ... (ingezonden ...)" line (a news
    site's copy of a Kamervraag): one part each; the lines above them are no question."""
    start = next((i for i, line in enumerate(lines) if re.match(r"\s*Vragen?\s+van\s+(?:het\s+lid|de\s+leden)\b", line.text)), None)
    if start is None:
        return []
    parts: list[Part] = []
    for para in _paragraphs(lines[start + 1:]):
        if m := NUMBERED_Q.match(para.text):
            label, nums = _label(m.group("label"))
            parts.append(Part("question", label, nums, [Paragraph(para.text[m.end():], para.page, para.gap)]))
        elif parts:
            parts[-1].paragraphs.append(para)
    return parts
