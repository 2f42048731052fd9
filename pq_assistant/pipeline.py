"""One document from loaded text to what the index stores: parse, chunk, find and link its
figures, embed its chunks. No storage here: the result goes to `storage.writer.Writer.put`."""
from __future__ import annotations

import json
import time

from .errors import LoadError
from .models import Figure, LoadedDocument, PQDocument
from .storage.catalog import DocumentRow, DocumentWrite
from .storage.writer import PreparedDocument


def prepare(loaded: LoadedDocument, doc_id: str, key: str, embedder) -> PreparedDocument:
    """The write unit of `loaded` under `doc_id` (`key`: its resolved path), for a file of one
    question (a report of several: its first; see `prepare_all`). LoadError when nothing is left
    to index after parsing."""
    return prepare_all(loaded, doc_id, key, embedder)[0]


def prepare_all(loaded: LoadedDocument, doc_id: str, key: str, embedder) -> list[PreparedDocument]:
    """The write units of `loaded`: one a question it holds (a report of several questions gives
    several documents, `doc_id` and its siblings `parsing.sibling_id(doc_id, k)`). LoadError when
    nothing is left to index after parsing."""
    from .parsing import parse_all

    docs = parse_all(loaded, doc_id=doc_id)
    out = []
    for doc in docs:
        try:
            out.append(_prepare_doc(doc, loaded, key, embedder))
        except LoadError:
            if len(docs) == 1:
                raise
    if not out:
        raise LoadError(loaded.path, "geen tekst om te indexeren na het ontleden")
    if len(out) > 1:
        for p in out:  # how many documents the file gives: an ingest checks they are all there
            p.write.row.extra["file_docs"] = len(out)
    return out


def _prepare_doc(doc: PQDocument, loaded: LoadedDocument, key: str, embedder) -> PreparedDocument:
    from .chunking import chunk_document

    doc_id = doc.doc_id
    doc.path = key
    chunks = chunk_document(doc)
    if not chunks:
        raise LoadError(loaded.path, "geen tekst om te indexeren na het ontleden")
    figures = figures_for(doc)
    link_figures(figures, chunks)
    vectors = embedder.embed_passages([c.embed_text for c in chunks])
    fig_dicts = [f.to_dict() for f in figures]
    metas = [{**c.metadata, "path": key, "ctx": c.embed_text[: len(c.embed_text) - len(c.text)],
              # what a client of a shared Chroma server needs to rebuild its catalog and ledger
              # from the chunks alone (pq reindex)
              "sha256": loaded.sha256, "kind": loaded.kind, "pages": doc.pages, "is_pq": doc.is_pq,
              "model": embedder.name,
              "figures": json.dumps([fd for f, fd in zip(figures, fig_dicts) if f.chunk_id == c.chunk_id],
                                    ensure_ascii=False)}
             for c in chunks]
    extra = shape_fields(doc)
    if not doc.date and (est := year_estimate(figures)):
        extra["year_estimate"] = est  # ranks an undated document by time (never shown as its date)
    row = DocumentRow(doc_id=doc_id, file=doc.file, path=key, sha256=loaded.sha256, kind=loaded.kind,
                      title=doc.title, number=doc.number, date=doc.date, asker=doc.asker, minister=doc.minister,
                      pages=doc.pages, chunks=len(chunks), figures=len(figures), is_pq=doc.is_pq,
                      ingested=time.strftime("%Y-%m-%dT%H:%M:%S"), extra=extra)
    write = DocumentWrite(row=row, record=doc.to_dict(), chunk_ids=[c.chunk_id for c in chunks], figures=fig_dicts)
    return PreparedDocument(write=write, vectors=vectors, texts=[c.text for c in chunks], metadatas=metas)


def shape_fields(doc: PQDocument) -> dict:
    """What the catalog keeps of a document's shape beside its columns (filters, `pq docs`,
    number lookups): the row's extra fields."""
    from .parsing import PARSER_VERSION

    return {"type": doc.type, "parliament": doc.parliament, "session": doc.session, "answer_date": doc.answer_date,
            "askers": list(doc.askers), "numbers": list(doc.numbers), "meeting": doc.meeting,
            "parser": PARSER_VERSION}


def year_estimate(figures: list[Figure]) -> str:
    """When a document without a date was written, at the earliest: the latest year of its
    explicitly dated measurements (a text reports on the past; targets and forecasts look ahead).
    '' when none. Web pages of a report often print no date; the ranker's sense of "newest" needs
    one (ranking.recency_map)."""
    from .figures.timelines import figure_kind

    years = [f.date[:4] for f in figures if f.date_source == "explicit" and f.date[:4].isdigit()
             and figure_kind(f) == "measurement"]
    return max(years, default="")


def figures_for(doc: PQDocument) -> list[Figure]:
    """The figures of a parsed document (the figures module is optional while it is built)."""
    try:
        from .figures import figures_for_document
    except ImportError:
        return []
    return figures_for_document(doc)


def link_figures(figures: list[Figure], chunks) -> None:
    """Point each figure at the chunk that holds its sentence (same page first)."""
    from .textutil import squash_ws

    keyed = [(c, squash_ws(c.text)) for c in chunks]
    for f in figures:
        sent = squash_ws(f.sentence)
        probe = sent[:80] if sent else f.value
        best = next((c for c, t in keyed if probe in t and c.page == f.page), None) \
            or next((c for c, t in keyed if probe in t), None)
        if best is None and f.start >= 0:  # sentence cut by a chunk border: match the value's context
            around = sent[max(0, f.start - 30): f.end + 30]
            best = next((c for c, t in keyed if around and around in t), None)
        if best is not None:
            f.chunk_id = best.chunk_id


def record_to_document(rec: dict) -> PQDocument:
    """A PQDocument from a stored record (fields this code does not know are left out)."""
    from .models import Paragraph, Part

    fields = {k: v for k, v in rec.items() if k in PQDocument.__dataclass_fields__}
    for sec in ("question", "answer", "annex", "replies"):  # "replies": absent in records before the shapes
        fields[sec] = [Part(section=p["section"], label=p["label"], numbers=p["numbers"],
                            paragraphs=[Paragraph(**q) for q in p["paragraphs"]],
                            speaker=p.get("speaker", ""), asker=p.get("asker", "")) for p in rec.get(sec, [])]
    return PQDocument(**fields)
