"""Structure-aware chunks: a sub-question, each answer part (with the sub-question it answers as
embedding context), paragraphs of long parts, annex rows kept together."""
from __future__ import annotations

import re

from .models import Chunk, Paragraph, Part, PQDocument

MAX_WORDS = 160  # ~300 e5 tokens with the context line: well inside the model's 512
ANNEX_MAX_WORDS = 220

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+(?=[A-ZÀ-Ý0-9“\"‘(])")


def _words(text: str) -> int:
    return len(text.split())


def _split_long(text: str, limit: int) -> list[str]:
    """Split an over-long paragraph at sentence ends (or, failing that, at word boundaries)."""
    if _words(text) <= limit:
        return [text]
    out: list[str] = []
    cur: list[str] = []
    for sent in _SENTENCE_END.split(text):
        while _words(sent) > limit:  # a run-on "sentence" (a list, a table flattened)
            words = sent.split()
            head, sent = " ".join(words[:limit]), " ".join(words[limit:])
            if cur:
                out.append(" ".join(cur))
                cur = []
            out.append(head)
        if cur and _words(" ".join(cur)) + _words(sent) > limit:
            out.append(" ".join(cur))
            cur = []
        cur.append(sent)
    if cur:
        out.append(" ".join(cur))
    return out


def _group(paragraphs: list[Paragraph], limit: int, sep: str = "\n\n") -> list[tuple[str, int]]:
    """Pack consecutive paragraphs into pieces of at most `limit` words; (text, first page)."""
    pieces: list[tuple[str, int]] = []
    cur: list[str] = []
    page = 0
    for para in paragraphs:
        for bit in _split_long(para.text, limit) if "\n" not in para.text else [para.text]:
            if cur and _words(sep.join(cur)) + _words(bit) > limit:
                pieces.append((sep.join(cur), page))
                cur = []
            if not cur:
                page = para.page
            cur.append(bit)
    if cur:
        pieces.append((sep.join(cur), page))
    return [(t, p) for t, p in pieces if t.strip()]


def _annex_pieces(part: Part) -> list[tuple[str, int, str]]:
    """Annex rows in pieces that keep whole rows; (text, page, caption+header for context)."""
    out = []
    for para in part.paragraphs:
        rows = para.text.split("\n")
        head = "\n".join(rows[:2])
        cur: list[str] = []
        for row in rows:
            if cur and _words("\n".join(cur)) + _words(row) > ANNEX_MAX_WORDS:
                out.append(("\n".join(cur), para.page, head))
                cur = []
            cur.append(row)
        if cur:
            out.append(("\n".join(cur), para.page, head))
    return out


CONTEXT_WORDS = 60  # a question turn of a transcript can run to 300 words: the model would cut the answer


def _question_context(text: str) -> str:
    """The question an answer part answers, as embedding context: whole when short, else its
    question sentences (those ending in '?'), cut to CONTEXT_WORDS words."""
    if _words(text) <= CONTEXT_WORDS:
        return text
    asks = " ".join(re.findall(r"[^.?!]*\?", text)).strip() or text
    words = asks.split()
    return " ".join(words[:CONTEXT_WORDS])


def doc_metadata(doc: PQDocument) -> dict:
    """The metadata every chunk of `doc` carries (Chroma accepts str/int/float/bool only)."""
    date_int = int(doc.date.replace("-", "")) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", doc.date) else 0
    return {
        "doc": doc.file, "doc_id": doc.doc_id, "path": doc.path, "title": doc.title,
        "number": doc.number, "date": doc.date, "date_int": date_int, "year": doc.year,
        "asker": doc.asker, "minister": doc.minister,
        # the shapes (lists joined: Chroma metadata hold scalars only)
        "type": doc.type, "session": doc.session, "parliament": doc.parliament, "meeting": doc.meeting,
        "answer_date": doc.answer_date, "askers": "; ".join(doc.askers), "numbers": "; ".join(doc.numbers),
    }


def chunk_document(doc: PQDocument) -> list[Chunk]:
    """Cut a parsed document into retrievable chunks with stable ids `<doc-id>:<section>:<n>`."""
    meta = doc_metadata(doc)
    head = doc.title or doc.file
    chunks: list[Chunk] = []
    counters: dict[str, int] = {}

    def add(section: str, label: str, text: str, page: int, context: str) -> None:
        n = counters.get(section, 0)
        counters[section] = n + 1
        embed = "\n".join(x for x in (head, context, text) if x)
        chunks.append(Chunk(
            chunk_id=f"{doc.doc_id}:{section}:{n}", doc_id=doc.doc_id, text=text, embed_text=embed,
            page=page, section=section, part=label,
            metadata={**meta, "page": page, "section": section, "part": label},
        ))

    # The header ("... ANTWOORD op vraag nr. 503 van 23 mei 2018 van ...") opens the first answer
    # chunk (or the first chunk), so a lookup by number shows it and BM25 can match it.
    header_pending = bool(doc.header)

    def with_header(text: str, section: str) -> str:
        nonlocal header_pending
        if header_pending and (section == "answer" or not doc.answer):
            header_pending = False
            return doc.header + "\n\n" + text
        return text

    subq = {n: p.text for p in doc.subquestions for n in p.numbers}
    for part in doc.question:
        # a press item is all text: the minister's words stand in it, not an MP's question
        section = "question" if doc.is_pq and doc.type != "persbericht" else "text"
        ctx = f"Vraag {part.label}:" if part.label else ""
        if part.asker:
            ctx = f"Vraag {part.label} van {part.asker}:"
        for text, page in _group(part.paragraphs, MAX_WORDS):
            add(section, part.label, with_header(text, section), page, ctx)
    for part in doc.answer:
        asked = _question_context(" ".join(dict.fromkeys(subq[n] for n in part.numbers if n in subq)))
        ctx = f"Vraag: {asked}\nAntwoord:" if asked else "Antwoord:"
        for text, page in _group(part.paragraphs, MAX_WORDS):
            add("answer", part.label, with_header(text, "answer"), page, ctx)
    for part in doc.replies:
        # the reply and the minister's last word: searchable, never an answer part
        who = f" van {part.speaker}" if part.speaker else ""
        ctx = {"repliek": f"Repliek{who}:", "slotwoord": f"Slotwoord{who}:", "interruptie": f"Onderbreking{who}:"}.get(part.section, "")
        for text, page in _group(part.paragraphs, MAX_WORDS):
            add(part.section, "", text, page, ctx)
    for part in doc.annex:
        for text, page, caption in _annex_pieces(part):
            add("annex", "", text, page, "Bijlage:" + ("" if text.startswith(caption) else "\n" + caption))
    return chunks
