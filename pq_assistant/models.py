"""Dataclasses that flow between the modules (loaders -> parsing -> chunking/figures -> store -> search)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class LoadedDocument:
    """A file read into page texts (page i+1 is pages[i]), before any PQ parsing."""

    path: str
    pages: list[str]
    sha256: str
    kind: str  # "txt" | "pdf" | "docx" | "html"
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

    section: str  # "question" | "answer" | "annex" | "repliek" (an MP's reply) | "slotwoord" (the minister's last word)
    label: str  # "" for unnumbered text (context, an unnumbered answer)
    numbers: list[int]
    paragraphs: list[Paragraph]
    speaker: str = ""  # transcripts: who speaks ("Eline Maertens", "Minister Jeroen Casteleyn")
    asker: str = ""  # a question of several askers: the asker this part asks or answers

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def page(self) -> int:
        return self.paragraphs[0].page if self.paragraphs else 1


DOC_TYPES = ("schriftelijke-vraag", "vraag-om-uitleg", "actuele-vraag", "persbericht", "kamervraag",
             "federale-vraag", "overig")

TYPE_LABELS = {
    "schriftelijke-vraag": "Schriftelijke vraag", "vraag-om-uitleg": "Vraag om uitleg",
    "actuele-vraag": "Actuele vraag", "persbericht": "Persbericht", "kamervraag": "Kamervraag",
    "federale-vraag": "Federale schriftelijke vraag", "overig": "Document",
}


@dataclass
class PQDocument:
    """A parsed parliamentary question (any shape, see DOC_TYPES) with its answer. Unknown
    fields stay empty: nothing is invented."""

    doc_id: str
    file: str  # file name
    path: str
    sha256: str
    pages: int
    title: str = ""  # the whole first line: "Onderwerp - Subonderwerp"
    subject: str = ""
    subtopic: str = ""
    number: str = ""
    date: str = ""  # ISO date of the question / meeting / release ("op vraag nr. 503 van 23 mei 2018")
    asker: str = ""  # derived: the askers joined with ", " (for callers of one asker)
    minister: str = ""  # as a person writes it: "Jeroen Casteleyn"
    minister_function: str = ""
    header: str = ""  # the answer header (or title-area header) as written, shown with the first chunk
    question: list[Part] = field(default_factory=list)  # context (label "") and sub-questions
    answer: list[Part] = field(default_factory=list)
    annex: list[Part] = field(default_factory=list)
    is_pq: bool = True  # False for a plain document (no PQ structure found)
    type: str = ""  # one of DOC_TYPES ("" in records of an index built before the types)
    parliament: str = ""  # "Vlaams Parlement" | "Tweede Kamer" | "Kamer/Senaat" | ""
    session: str = ""  # "2023-2024" where the document prints it
    answer_date: str = ""  # ISO date of the answer where it is printed apart ("Beantwoord ...")
    askers: list[str] = field(default_factory=list)  # every registered asker, as a person writes the name
    numbers: list[str] = field(default_factory=list)  # all numbers of joined questions ("412", "437")
    other_titles: list[str] = field(default_factory=list)  # plenary: the titles of the other actuele vragen
    meeting: str = ""  # transcripts: "commissie" | "plenaire"
    replies: list[Part] = field(default_factory=list)  # transcripts: repliek and the minister's last word

    def __post_init__(self) -> None:
        if self.askers and not self.asker:
            self.asker = ", ".join(self.askers)
        elif self.asker and not self.askers:
            self.askers = [self.asker]
        if self.number and not self.numbers:
            self.numbers = [self.number]

    @property
    def subquestions(self) -> list[Part]:
        return [p for p in self.question if p.numbers]

    @property
    def year(self) -> str:
        return self.date[:4]

    def citation(self, page: int | None = None) -> str:
        """A citation that names the type, e.g.
        'Schriftelijke vraag nr. 503 van 23 mei 2018 — Bart Van Malderen aan minister Jo Vandeurzen — p. 1',
        'Vraag om uitleg nr. 1234 (2023-2024) van Eline Maertens aan minister Jeroen Casteleyn — commissie 12 maart 2024 — p. 1'."""
        from .citations import citation

        return citation(self, page)

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
    coverage: float = 0.0  # share of the question's words the passage holds
    rank_score: float = 0.0  # the ranker's fused score, relative to the question's best

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
