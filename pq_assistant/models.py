"""Dataclasses that flow between the modules (loaders -> parsing -> chunking/figures -> store -> search)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class LoadedDocument:
    """A file read into page texts (page i+1 is pages[i]), before any PQ parsing."""

    path: str
    pages: list[str]
    sha256: str
    kind: str  # "txt" | "pdf" | "docx"
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        from pathlib import Path

        return Path(self.path).name


@dataclass
class Paragraph:
    """A paragraph of a document with hard wraps and hyphenation undone."""

    text: str
    page: int
    gap: bool = True  # a blank line came before it (False: it starts right under the previous line)


@dataclass
class Part:
    """A piece of a PQ: a question's context, a numbered sub-question, an answer part, the annex.

    `label` is the number as written, normalised ("1", "1-2", "3-4"); `numbers` are the
    sub-question numbers it covers ([1, 2] for "1-2." and for "1 en 2.").
    """

    section: str  # "question" | "answer" | "annex"
    label: str  # "" for unnumbered text (context, an unnumbered answer)
    numbers: list[int]
    paragraphs: list[Paragraph]

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def page(self) -> int:
        return self.paragraphs[0].page if self.paragraphs else 1


@dataclass
class PQDocument:
    """A parsed written parliamentary question with its answer. Unknown fields stay empty."""

    doc_id: str
    file: str  # file name
    path: str
    sha256: str
    pages: int
    title: str = ""  # the whole first line: "Onderwerp - Subonderwerp"
    subject: str = ""
    subtopic: str = ""
    number: str = ""
    date: str = ""  # ISO date of the question ("op vraag nr. 503 van 23 mei 2018")
    asker: str = ""
    minister: str = ""
    minister_function: str = ""
    header: str = ""  # the answer header (or title-area header) as written, shown with the first chunk
    question: list[Part] = field(default_factory=list)  # context (label "") and sub-questions
    answer: list[Part] = field(default_factory=list)
    annex: list[Part] = field(default_factory=list)
    is_pq: bool = True  # False for a plain document (no PQ structure found)

    @property
    def subquestions(self) -> list[Part]:
        return [p for p in self.question if p.numbers]

    @property
    def year(self) -> str:
        return self.date[:4]

    def citation(self, page: int | None = None) -> str:
        """'Schriftelijke vraag nr. 503 van 23 mei 2018 — Bart Van Malderen aan minister Jo Vandeurzen — p. 1'."""
        from .textutil import iso_to_dutch, title_case_name

        head = "Schriftelijke vraag"
        if self.number:
            head += f" nr. {self.number}"
        if self.date:
            head += f" van {iso_to_dutch(self.date)}"
        if not self.number and not self.date:
            head = self.title or self.file
        bits = [head]
        who = ""
        if self.asker:
            who = title_case_name(self.asker)
        if self.minister:
            who += (" aan " if who else "") + f"minister {title_case_name(self.minister)}"
        if who:
            bits.append(who)
        if page:
            bits.append(f"p. {page}")
        if self.number or self.date:
            bits.append(self.file)
        return " — ".join(bits)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Chunk:
    """A retrievable unit. `text` is shown to the user; `embed_text` adds its context for the model."""

    chunk_id: str  # "<doc-id>:<section>:<n>"
    doc_id: str
    text: str
    embed_text: str
    page: int
    section: str
    part: str
    metadata: dict = field(default_factory=dict)


@dataclass
class Figure:
    """A number the minister gave, with what it counts and its reference date."""

    value: str  # as written: "153", "6,8", "17", "1 op 5"
    number_value: float | None
    unit: str  # "Huizen van het Kind", "%", "miljoen euro", "gemeenten"
    quantity: str  # normalised noun phrase of what is counted (timeline key)
    date: str  # ISO reference date ("2018-05-01", "2019", "2018-2019" for a school year)
    date_source: str  # "explicit" | "answer-date" | "none"
    sentence: str
    scope: str = ""  # row label of an annex table, a province, a target group
    doc: str = ""
    doc_id: str = ""
    number: str = ""  # question number of the source PQ
    page: int = 1
    chunk_id: str = ""
    minister: str = ""
    doc_date: str = ""
    start: int = -1  # offset of the value in `sentence`
    end: int = -1

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Passage:
    """A search result: a chunk with its score, document metadata and the figures it holds."""

    chunk_id: str
    doc_id: str
    doc: str
    text: str
    score: float
    page: int
    section: str
    part: str
    metadata: dict
    citation: str = ""
    figures: list[Figure] = field(default_factory=list)
    dense: float | None = None  # cosine similarity with the query (None: not a dense candidate)
    lexical: float = 0.0  # BM25 score relative to the question's best BM25 score
    pinned: bool = False  # put first by a question-number lookup

    def to_dict(self) -> dict:
        return {
            "doc": self.doc,
            "doc_id": self.doc_id,
            "chunk_id": self.chunk_id,
            "text": self.text,
            "score": round(float(self.score), 6),
            "page": self.page,
            "section": self.section,
            "part": self.part,
            "citation": self.citation,
            "metadata": {k: self.metadata.get(k, "") for k in ("title", "number", "date", "asker", "minister")},
        }
