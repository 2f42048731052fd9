"""Transcripts of the Flemish Parliament: committee "vragen om uitleg" and plenary "actuele vragen".

The genre's fixed formulae carry the structure:

    Commissievergadering | Plenaire vergadering
    dinsdag 12 maart 2024, 14.00u
    Vraag om uitleg van <MP> aan minister <M> over <onderwerp>       (or "Samengevoegde vragen om
    1234 (2023-2024)                                                   uitleg van A ... en van B ...",
    De voorzitter                                                      "Actuele vraag van A aan minister M, over ...")
    Mevrouw <X> heeft het woord.  /  De heer <X> heeft het woord.  /  Minister <X> heeft het woord.
    <Name> (<party>)  |  Minister <Name>          (speaker line; some reports leave it out)
    ... the turn ...
    De vraag om uitleg is afgehandeld.

Turns become sections: the askers' question turns, the minister's answer (until the asker's
reply), the reply ("repliek", never an answer) and the minister's last word ("slotwoord"). An MP
who speaks during the answer without being given the floor is an interruption, not a reply.
Answer parts follow the sub-questions when the MP numbers them or when the minister answers per
question ("Wat uw eerste vraag betreft, ..."); with several askers, one part per asker (the minister
turns to each: "Mevrouw X, ...", or moves on with "Wat de middelen betreft, ...").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Paragraph, Part, PQDocument
from ..textutil import squash_ws
from .common import NUMBERING, _Line, _label, _paragraphs, _split_numbered
from .dates import session_of, written_date
from .names import PERSON, SURNAME, person_name, strip_party, surname_matches

_ROLE_MINISTER = r"(?:[Vv]laams\s+)?(?:[Vv]ice-?)?[Mm]inister(?:-[Pp]resident)?|[Ss]taatssecretaris"
ANNOUNCE = re.compile(
    rf"^(?:De\s+voorzitter\s*:\s*)?(?P<role>Mevrouw|De\s+heer|Mijnheer|{_ROLE_MINISTER})\s+(?P<name>{SURNAME}|{PERSON})\s+heeft\s+het\s+woord\.?\s*$"
)
PRESIDENT = re.compile(r"^(?:De\s+)?(?:[Oo]nder)?[Vv]oorzitter\s*:?\s*$")
SPEAKER = re.compile(
    rf"^(?P<min>(?:{_ROLE_MINISTER})\s+)?(?P<name>{PERSON})(?:\s*\((?P<party>[^)]{{1,30}})\))?\s*$"
)
# "Eline Maertens (cd&v): Minister, ..." (the speaker inline, as some reports print it)
INLINE_SPEAKER = re.compile(
    rf"^(?P<min>(?:{_ROLE_MINISTER})\s+)?(?P<name>{PERSON})(?:\s*\((?P<party>[^)]{{1,30}})\))?\s*:\s+(?P<rest>\S.*)$", re.S
)
NUMBER_LINE = re.compile(r"^\s*(?:\d{1,5}\s*\(\s*(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}\s*\)\s*)+$")
NUMBER_ITEM = re.compile(r"(\d{1,5})\s*\(\s*((?:19|20)\d{2})\s*[-–]\s*((?:19|20)\d{2})\s*\)")
MEETING = re.compile(r"^\s*(?P<kind>Commissievergadering|Plenaire\s+vergadering|Commissie\b.*|Plenaire\b.*)$", re.I)
CLOSING = re.compile(r"^(?:De|Het)\s+(?:samengevoegde\s+)?(?:vra(?:ag|gen)\s+om\s+uitleg|actuele\s+vra(?:ag|gen)|interpellaties?|vra(?:ag|gen))\s+(?:is|zijn)\s+(?:afgehandeld|gesloten)\.?$", re.I)
TITLE_START = re.compile(
    r"(?:Samengevoegde\s+vragen\s+om\s+uitleg|Vragen\s+om\s+uitleg|Vraag\s+om\s+uitleg|Actuele\s+vra(?:ag|gen)|"
    r"Interpellatie|Samengevoegde\s+interpellaties)\s+van\b"
)
# the heading a web page prints above a report's question: the subject, without the names
SUBJECT_TITLE = re.compile(r"^\s*(?:Samengevoegde\s+)?(?:Vraag|Vragen)\s+om\s+uitleg\s+over\b|"
                           r"^\s*Actuele\s+vra(?:ag|gen)\s+over\b|^\s*(?:Samengevoegde\s+)?[Ii]nterpellaties?\s+over\b", re.I)
ASKER_IN_TITLE = re.compile(rf"\bvan\s+(?:(?:mevrouw|de\s+heer)\s+)?(?P<name>{PERSON})\s+(?:aan|tot)\s+")
MINISTER_IN_TITLE = re.compile(
    rf"\b(?:aan|tot)\s+(?:de\s+)?(?:{_ROLE_MINISTER})\s+(?P<name>{PERSON})(?=\s*(?:,|\s+over\b|\s+en\b|\s*$))"
)
ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6, "zevende": 7,
            "achtste": 8, "negende": 9, "tiende": 10}
_ORD = "|".join(ORDINALS)
# "Wat uw eerste vraag betreft", "Wat ten slotte uw derde vraag betreft", "Op uw tweede vraag", "Uw derde vraag: ..."
PER_QUESTION = re.compile(
    rf"^(?:(?:Mevrouw|Mijnheer|Collega)\s+[^,]{{1,40}},\s*)?(?:wat|op|in\s+antwoord\s+op|dan\s+uw|voor)?\s*(?:(?P<last>ten\s+slotte|tot\s+slot|tenslotte)\s+)?"
    rf"(?:uw|de|het)\s+(?P<ord>{_ORD}|laatste)\s+(?:(?:en\s+(?:{_ORD})\s+)?(?:deel)?vra(?:ag|gen))\b", re.I)
TOPIC = re.compile(r"^(?:(?:Mevrouw|Mijnheer|Collega)\s+[^,]{1,40},\s*)?wat\s+(?P<last>ten\s+slotte\s+|tot\s+slot\s+)?(?:uw|de|het|die)\b[^.:]{0,80}?\bbetreft\b", re.I)
VOCATIVE = re.compile(rf"^(?:Mevrouw|Mijnheer|Collega|Geachte\s+collega)\s+(?P<name>{SURNAME})\s*,")


@dataclass
class _Turn:
    role: str  # "mp" | "minister" | "president"
    name: str
    announced: bool
    paras: list[Paragraph] = field(default_factory=list)


# "De voorzitter" on its own line, then the turn it gives: a report (or the page of one speaker's
# turn in it) even when it holds that one turn
_PRESIDENT_GIVES = re.compile(
    r"(?m)^\s*(?:De\s+)?[Vv]oorzitter\s*:?\s*$\s*^\s*(?:Mevrouw|De\s+heer|Mijnheer|(?:[Vv]laams\s+)?[Mm]inister)\s+[^\n]{1,60}?\s+heeft\s+het\s+woord\.?\s*$")


def is_transcript(text: str) -> bool:
    """Two or more "... heeft het woord." turns, one given by "De voorzitter", or the titles and
    closing formula of the genre."""
    turns = len(re.findall(r"\bheeft\s+het\s+woord\b", text))
    return turns >= 2 or bool(_PRESIDENT_GIVES.search(text)) \
        or (bool(TITLE_START.search(text)) and bool(re.search(r"afgehandeld|heeft het woord", text)))


def report_blocks(lines: list[_Line]) -> list[list[_Line]]:
    """The questions of a report (a committee's or the plenary's verslag) that holds several, each
    with the meeting's header lines (the meeting, its date) before its own title. A new question
    starts at a title formula ("Vraag om uitleg van ...", "Actuele vraag van ...") after the
    closing formula of the one before ("De vraag om uitleg is afgehandeld.") or after its turns.
    One block when the text holds one question."""
    starts: list[int] = []
    first_title: int | None = None
    closed = spoken = False
    for i, line in enumerate(lines):
        t = line.text.strip()
        if CLOSING.match(t):
            closed = True
        elif ANNOUNCE.match(t):
            spoken = True
        elif TITLE_START.match(t):
            if first_title is None:
                first_title = i
            elif closed or spoken:  # (some reports leave the closing formula out)
                starts.append(i)
            closed = spoken = False
    if not starts:
        return [lines]
    head = lines[:first_title] if first_title is not None else []
    bounds = [0, *starts, len(lines)]
    blocks = [lines[a:b] for a, b in zip(bounds, bounds[1:])]
    return [_without_contents(blocks[0], [lines[i] for i in starts])] + [head + b for b in blocks[1:]]


def _without_contents(block: list[_Line], later_titles: list[_Line]) -> list[_Line]:
    """The first question of a report without the report's table of contents: the titles of the
    later questions listed above it (with their wrapped lines and number lines) are theirs."""
    keys = {squash_ws(t.text)[:60].lower() for t in later_titles}
    out: list[_Line] = []
    dropping = False
    for i, line in enumerate(block):
        t = line.text.strip()
        if ANNOUNCE.match(t):
            return out + block[i:]  # the turns start: nothing after this is a table of contents
        if TITLE_START.match(t) and squash_ws(t)[:60].lower() in keys:
            dropping = True
            continue
        if dropping and (not line.blank_before or NUMBER_LINE.match(t)) and not TITLE_START.match(t) \
                and not PRESIDENT.match(t):
            continue
        dropping = False
        out.append(line)
    return out


def transcript_type(text: str) -> str:
    if re.search(r"\bActuele\s+vra(?:ag|gen)\s+van\b|\bPlenaire\s+vergadering\b|actuele\s+vra(?:ag|gen)\s+(?:is|zijn)\s+afgehandeld", text, re.I):
        return "actuele-vraag"
    return "vraag-om-uitleg"


def _solo(text: str) -> bool:
    return bool(ANNOUNCE.match(text) or PRESIDENT.match(text) or NUMBER_LINE.match(text) or CLOSING.match(text)
                or MEETING.match(text) and len(text) < 60
                or (len(text) < 70 and (m := SPEAKER.match(text)) and (m.group("party") or m.group("min"))))


def _role(prefix: str | None) -> str:
    return "minister" if prefix and re.search(r"minister|staatssecretaris", prefix, re.I) else "mp"


def parse_transcript(lines: list[_Line], doc: PQDocument, text: str) -> None:
    """Fill `doc` from a committee or plenary transcript."""
    doc.type = transcript_type(text)
    doc.parliament = "Vlaams Parlement"
    doc.meeting = "plenaire" if doc.type == "actuele-vraag" else "commissie"
    paras = _paragraphs(lines, solo=_solo)
    first_turn = next((i for i, p in enumerate(paras) if ANNOUNCE.match(p.text) or PRESIDENT.match(p.text)
                       or INLINE_SPEAKER.match(p.text) and len(p.text) > 80), len(paras))
    first_turn = _past_page_labels(paras, first_turn)
    head = [p for p in paras[:first_turn] if not PRESIDENT.match(p.text)]
    head_text = "\n".join(p.text for p in head)
    _read_header(doc, head, head_text)
    turns = _turns(paras[first_turn:], doc)
    _structure(doc, turns)


# the question's header line without its formula, as the parliament's web page prints it under
# the title: "van Katrien Schryvers aan minister Jo Vandeurzen"
UNTITLED_HEADER = re.compile(rf"^van\s+(?:(?:mevrouw|de\s+heer)\s+)?{PERSON}\s+(?:aan|tot)\s+", re.I)


def _header_like(text: str) -> bool:
    return bool(NUMBER_LINE.match(text) or TITLE_START.match(text) or UNTITLED_HEADER.match(text))


def _past_page_labels(paras: list[Paragraph], first_turn: int) -> int:
    """A report's web page prints a "Voorzitter" label above the question's header lines (the
    asker and minister, the number): the first turn starts after them. Only header lines move the
    start; a president who speaks before the first "... heeft het woord." still starts a turn."""
    i = first_turn
    while i < len(paras) and PRESIDENT.match(paras[i].text):
        j = i + 1
        while j < len(paras) and _header_like(paras[j].text):
            j += 1
        if j == i + 1:
            break
        i = j
    return i


def _read_header(doc: PQDocument, head: list[Paragraph], head_text: str) -> None:
    doc.date = written_date(head_text)[0]
    # titles: from each formula start to the next one (or the number line)
    flat = squash_ws(" ".join(p.text for p in head if not NUMBER_LINE.match(p.text)))
    starts = [m.start() for m in TITLE_START.finditer(flat)]
    titles = [flat[a:b].strip() for a, b in zip(starts, starts[1:] + [len(flat)])]
    titles = [re.sub(r"\s*\d{1,5}\s*\(\s*(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}\s*\).*$", "", t).strip() for t in titles]
    titles = list(dict.fromkeys(titles))  # a table of contents repeats the title above the question
    if titles:
        doc.title, doc.other_titles = titles[0], titles[1:]
    elif subject := next((p.text for p in head if SUBJECT_TITLE.match(p.text)), ""):
        doc.title = squash_ws(subject)  # the web page's heading: "Vraag om uitleg over de kind-check"
    nums = [(m.group(1), f"{m.group(2)}-{m.group(3)}") for p in head for m in NUMBER_ITEM.finditer(p.text)
            if NUMBER_LINE.match(p.text)]
    if nums:
        doc.numbers = list(dict.fromkeys(n for n, _ in nums))
        doc.number = doc.numbers[0]
        doc.session = session_of(nums[0][1])
    askers: list[str] = []
    # no title (a web page prints it apart): the header line "van X aan minister Y" names them
    for t in titles or [p.text for p in head if UNTITLED_HEADER.match(p.text)][:1]:
        for m in ASKER_IN_TITLE.finditer(t):
            askers.append(person_name(m.group("name")))
        if not doc.minister and (m := MINISTER_IN_TITLE.search(t)):
            doc.minister = person_name(m.group("name"))
    doc.askers = list(dict.fromkeys(askers))
    doc.header = squash_ws(" ".join(p.text for p in head))


def _turns(paras: list[Paragraph], doc: PQDocument) -> list[_Turn]:
    turns: list[_Turn] = []
    cur: _Turn | None = None
    expect_speaker = False
    for para in paras:
        t = para.text
        if PRESIDENT.match(t):
            cur = _Turn("president", "De voorzitter", True)
            turns.append(cur)
            expect_speaker = False
            continue
        if m := ANNOUNCE.match(t):
            name = m.group("name")
            role = _role(m.group("role"))
            if role == "mp" and doc.minister and surname_matches(name, doc.minister) and "minister" in m.group("role").lower():
                role = "minister"
            cur = _Turn(role, _full_name(name, doc, role), True)
            turns.append(cur)
            expect_speaker = True
            continue
        if CLOSING.match(t):
            cur = _Turn("president", "De voorzitter", True)
            turns.append(cur)
            continue
        sm = SPEAKER.match(t) if len(t) < 70 else None
        if sm and expect_speaker and cur is not None and _same_person(sm.group("name"), cur.name):
            cur.name = person_name(sm.group("name"))
            if sm.group("min"):
                cur.role = "minister"
            expect_speaker = False
            continue
        if sm and (sm.group("party") or sm.group("min")):
            # a speaker line without "heeft het woord": an interruption (or a report without announcements)
            role = _role(sm.group("min"))
            if doc.minister and surname_matches(sm.group("name").split()[-1], doc.minister):
                role = "minister"
            cur = _Turn(role, person_name(sm.group("name")), False)
            turns.append(cur)
            expect_speaker = False
            continue
        im = INLINE_SPEAKER.match(t)
        if im and (im.group("party") or im.group("min")):
            role = _role(im.group("min"))
            cur = _Turn(role, person_name(im.group("name")), True)
            cur.paras.append(Paragraph(im.group("rest").strip(), para.page, para.gap))
            turns.append(cur)
            expect_speaker = False
            continue
        expect_speaker = False
        if cur is None:
            continue
        cur.paras.append(para)
    if not doc.minister:
        doc.minister = next((t.name for t in turns if t.role == "minister"), "")
    return [t for t in turns if t.paras]


def _same_person(speaker_line_name: str, announced: str) -> bool:
    last = announced.split()[-1].lower()
    return last in speaker_line_name.lower().split()


def _full_name(name: str, doc: PQDocument, role: str) -> str:
    """The announced surname with the first name the title gives ('Maertens' -> 'Eline Maertens')."""
    pool = [doc.minister] if role == "minister" else doc.askers
    for full in pool:
        if full and surname_matches(name, full):
            return full
    return person_name(name)


def _structure(doc: PQDocument, turns: list[_Turn]) -> None:
    mp_turns = [t for t in turns if t.role == "mp"]
    if not doc.askers:
        first_min = next((i for i, t in enumerate(turns) if t.role == "minister"), len(turns))
        doc.askers = list(dict.fromkeys(t.name for t in turns[:first_min] if t.role == "mp"))
    # phases: questions until the minister speaks; the answer until an MP is given the floor again
    q_turns: list[_Turn] = []
    a_turns: list[_Turn] = []
    replies: list[Part] = []
    phase = "question"
    for t in turns:
        if t.role == "president":
            continue
        if phase == "question":
            if t.role == "minister":
                phase = "answer"
                a_turns.append(t)
            else:
                q_turns.append(t)
        elif phase == "answer":
            if t.role == "minister":
                a_turns.append(t)
            elif not t.announced and any(x.announced for x in mp_turns):
                replies.append(Part("interruptie", "", [], t.paras, speaker=t.name))
            else:
                phase = "reply"
                replies.append(Part("repliek", "", [], t.paras, speaker=t.name))
        else:
            section = "slotwoord" if t.role == "minister" else "repliek"
            replies.append(Part(section, "", [], t.paras, speaker=t.name))
    doc.replies = replies
    a_paras = [p for t in a_turns for p in t.paras]
    minister_name = a_turns[0].name if a_turns else doc.minister
    if len(doc.askers) > 1:
        doc.question = _questions_per_asker(doc.askers, q_turns)
        doc.answer = _answers_per_asker(doc.askers, a_paras, minister_name)
        return
    q_paras = [p for t in q_turns for p in t.paras]
    speaker = q_turns[0].name if q_turns else ""
    if any(NUMBERING.match(p.text) for p in q_paras):
        questions = _split_numbered(q_paras, "question")
    else:
        questions = []
    answers = _answers_single(a_paras, questions)
    if not questions:
        per_q = sorted({n for a in answers for n in a.numbers})
        questions = _questions_from_sentences(q_paras, len(per_q) if len(per_q) > 1 else 1)
    if answers and not any(a.numbers for a in answers):
        nums = sorted({n for q in questions for n in q.numbers}) or [1]
        label, nums = _label(",".join(map(str, nums)))
        for a in answers:
            a.label, a.numbers = label, nums
    for part in questions:
        part.speaker = speaker
    for part in answers:
        part.speaker = minister_name
    doc.question, doc.answer = questions, answers


def _questions_per_asker(askers: list[str], q_turns: list[_Turn]) -> list[Part]:
    parts: list[Part] = []
    done: set[str] = set()
    for t in q_turns:
        idx = next((i for i, a in enumerate(askers, 1) if surname_matches(a.split()[-1], t.name) or a == t.name), 0)
        if idx and t.name not in done:
            done.add(t.name)
            parts.append(Part("question", str(idx), [idx], t.paras, speaker=t.name, asker=askers[idx - 1]))
        else:
            parts.append(Part("question", "", [], t.paras, speaker=t.name))
    return parts


def _answers_per_asker(askers: list[str], paras: list[Paragraph], minister: str) -> list[Part]:
    """One answer part per asker: the minister turns to each by name, or moves on by topic."""
    uses_vocative = any(_vocative_index(p.text, askers) for p in paras)
    parts: list[Part] = []
    cur = 1
    for i, para in enumerate(paras):
        k = _vocative_index(para.text, askers)
        if k:
            cur = k
        elif not uses_vocative and i and TOPIC.match(para.text):
            cur = min(cur + 1, len(askers))
        if not parts or parts[-1].numbers != [cur]:
            parts.append(Part("answer", str(cur), [cur], [], speaker=minister, asker=askers[cur - 1]))
        parts[-1].paragraphs.append(para)
    return parts


def _vocative_index(text: str, askers: list[str]) -> int:
    m = VOCATIVE.match(text)
    if not m:
        return 0
    return next((i for i, a in enumerate(askers, 1) if surname_matches(m.group("name"), a)), 0)


def _answers_single(paras: list[Paragraph], questions: list[Part]) -> list[Part]:
    """The minister's answer in parts: numbered, per question ("Wat uw eerste vraag betreft"), or one part."""
    if not paras:
        return []
    max_q = max((n for p in questions for n in p.numbers), default=0)
    if any(NUMBERING.match(p.text) for p in paras):
        parts = _split_numbered(paras, "answer", max_number=max_q)
        if any(p.numbers for p in parts):
            return parts
    marks = [_per_question(p.text) for p in paras]
    # "Wat de middelen betreft" alone is a topic, not a sub-question: per question only when
    # the minister counts them ("Wat uw eerste vraag betreft", "Wat ten slotte ...")
    ordinal = any(PER_QUESTION.match(p.text) for p in paras)
    if ordinal and (sum(1 for m in marks if m) >= 2 or max_q):
        parts = []
        last = 0
        for para, mark in zip(paras, marks):
            if mark:
                n = last + 1 if mark == -1 else mark
                if n > last:
                    parts.append(Part("answer", str(n), [n], []))
                    last = n
            if not parts:
                parts.append(Part("answer", "", [], []))
            parts[-1].paragraphs.append(para)
        if any(p.numbers for p in parts):
            return parts
    return [Part("answer", "", [], list(paras))]


def _per_question(text: str) -> int:
    """The sub-question number a paragraph starts to answer (-1: "the next one"), 0 when none."""
    m = PER_QUESTION.match(text)
    if m:
        return -1 if m.group("ord").lower() == "laatste" else ORDINALS[m.group("ord").lower()]
    m = TOPIC.match(text)
    if m:
        return -1
    return 0


_Q_SENTENCE = re.compile(r"[^.?!]*?\?")


def _questions_from_sentences(paras: list[Paragraph], n: int) -> list[Part]:
    """Unnumbered questions: the context, then the question sentences. When the minister answers
    per question, the question sentences are cut into that many parts (in order)."""
    first_q = next((i for i, p in enumerate(paras) if "?" in p.text), None)
    if first_q is None:
        return [Part("question", "1", [1], list(paras))] if paras else []
    parts: list[Part] = []
    if first_q:
        parts.append(Part("question", "", [], paras[:first_q]))
    rest = paras[first_q:]
    if n <= 1:
        parts.append(Part("question", "1", [1], rest))
        return parts
    sentences: list[tuple[str, int]] = []
    for para in rest:
        for s in re.findall(r"[^?]*\?", para.text):
            s = s.strip()
            if s:
                sentences.append((s, para.page))
    if len(sentences) < n:
        parts.append(Part("question", "1", [1], rest))
        return parts
    # n parts: one sentence each, the surplus joined to the last
    groups = [sentences[i:i + 1] for i in range(n - 1)] + [sentences[n - 1:]]
    for i, group in enumerate(groups, 1):
        parts.append(Part("question", str(i), [i], [Paragraph(" ".join(s for s, _ in group), group[0][1])]))
    return parts
