"""The facade that the CLI, the tests and the README examples call.

    from pq_assistant import Assistant
    a = Assistant("index")
    a.ingest(["corpus"])
    for p in a.search("Hoeveel Huizen van het Kind zijn er erkend?", top_k=3):
        print(p.citation, p.text)
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .errors import IndexError_, LoadError, UsageError
from .figures.ledger import figure_dict  # the JSON form of a figure; importable from here as before
from .models import Figure, Passage, PQDocument
from .thesaurus import expand
from .ranking import NO_ANSWER_BELOW
from .search import Filters, doc_passes, strip_filter_terms

DEFAULT_INDEX = "index"
USE_THESAURUS = os.environ.get("PQ_THESAURUS", "1") != "0"  # PQ_THESAURUS=0 to measure without it


def default_index() -> Path:
    return Path(os.environ.get("PQ_INDEX") or DEFAULT_INDEX)


@dataclass
class IngestReport:
    ingested: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    removed: list[str] = field(default_factory=list)
    upgraded: list[str] = field(default_factory=list)  # unchanged files read again by a newer parser
    chunks: int = 0
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"ingested": self.ingested, "unchanged": self.unchanged, "removed": self.removed,
                "upgraded": self.upgraded,
                "failed": [{"path": p, "reason": r} for p, r in self.failed], "chunks": self.chunks,
                "seconds": round(self.seconds, 3)}


@dataclass
class Answer:
    query: str
    passages: list[Passage]
    figures: list[Figure]
    filters: Filters
    status: dict[int, str] = field(default_factory=dict)  # id(figure) -> latest | superseded | conflict
    answer: object | None = None  # answerline.AnswerLine: the figure that answers, cited
    time: object | None = None  # querytime.QueryTime: the moment the question asks about
    notes: list[str] = field(default_factory=list)  # why a filter or number lookup found less (Dutch)
    replaced_by: dict[int, dict] = field(default_factory=dict)  # id(figure) -> the ledger's replaced_by
    weak_below: float = 0.0  # passages scoring below this are shown as weak (ranking.NO_ANSWER_BELOW)

    @property
    def answered(self) -> bool:
        """Does any passage seem to answer the question (calibrated score at or above the threshold)?"""
        return any(p.score >= self.weak_below for p in self.passages)

    @property
    def note(self) -> str:
        if not self.passages:
            return ""
        if not self.answered:
            return (f"geen passage lijkt deze vraag te beantwoorden (beste score "
                    f"{max(p.score for p in self.passages):.2f})".replace(".", ","))
        return ""

    def to_dict(self) -> dict:
        return {"query": self.query, "answered": self.answered, "note": self.note or None,
                "answer": self.answer.to_dict() if self.answer is not None else None,
                "results": [p.to_dict() for p in self.passages],
                "figures": [{**figure_dict(f), "status": self.status.get(id(f), ""),
                             "replaced_by": self.replaced_by.get(id(f)) or None} for f in self.figures],
                "notes": self.notes}




Progress = Callable[[str, int, int], None]  # (what, done, total)


class Assistant:
    """Ingest PQ documents into an index and answer questions over it."""

    def __init__(self, index: str | Path | None = None, model: str | None = None,
                 chroma_url: str | None = None) -> None:
        from .lexical import LexicalIndex
        from .store import IndexStore

        self.index = Path(index) if index else default_index()
        self.model = model
        self.store = IndexStore(self.index, chroma_url=chroma_url)
        self.lexical = LexicalIndex(self.index / "lexical")
        self._embedder = None
        self._ledger = None
        self._ledger_vectors = None

    # -- model --------------------------------------------------------------------------------
    @property
    def embedder(self):
        """The embedder: the one asked for, else the one that built the index, else the default."""
        if self._embedder is None:
            from .embeddings import get_embedder, resolve_name

            built_with = self.store.manifest().get("model") if self.store.exists() else None
            if self.model:
                self.store.check_model(resolve_name(self.model))
            self._embedder = get_embedder(self.model or built_with)
            self.store.check_model(self._embedder.name, self._embedder.dim)
        return self._embedder

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, prune: bool = False, rebuild: bool = False,
               progress: Progress | None = None, on_error: Callable[[str, str], None] | None = None,
               wait: bool = True, on_wait: Callable[[], None] | None = None) -> IngestReport:
        """Add or update the documents under `paths`; see IngestReport. Bad files are reported
        (and passed to `on_error`) while the others go on; nothing already ingested is lost."""
        from .loaders import iter_files, load

        report = IngestReport()
        t0 = time.perf_counter()
        with self.store.write_lock(wait=wait, on_wait=on_wait):
            if rebuild or self._leftovers_without_manifest():
                self._wipe()
            manifest = self.store.manifest(reload=True)
            emb = self.embedder
            redo = self._recover_pending(manifest)
            manifest["model"], manifest["dim"] = emb.name, emb.dim

            files: list[Path] = []
            for p in paths:
                try:
                    files.extend(iter_files([p]))
                except LoadError as exc:
                    report.failed.append((exc.path, exc.reason))
                    if on_error:
                        on_error(exc.path, exc.reason)
            # A document whose update was cut off is ingested again even when not named this time.
            if redo and redo not in {str(f.resolve()) for f in files}:
                files.append(Path(redo))
            by_path = {d["path"]: did for did, d in manifest["docs"].items()}
            changed = False
            for i, path in enumerate(files):
                if progress:
                    progress(path.name, i, len(files))
                try:
                    loaded = load(path)
                except LoadError as exc:
                    report.failed.append((exc.path, exc.reason))
                    if on_error:
                        on_error(exc.path, exc.reason)
                    continue
                key = str(path.resolve())
                doc_id = by_path.get(key) or self._new_doc_id(path, key, manifest)
                entry = manifest["docs"].get(doc_id)
                if entry and entry.get("sha256") == loaded.sha256:
                    if not _parser_outdated(entry):
                        report.unchanged.append(str(path))
                        continue
                    report.upgraded.append(str(path))
                try:
                    n = self._ingest_one(loaded, doc_id, key, manifest)
                except LoadError as exc:
                    report.failed.append((exc.path, exc.reason))
                    if on_error:
                        on_error(exc.path, exc.reason)
                    continue
                by_path[key] = doc_id
                report.ingested.append(str(path))
                report.chunks += n
                changed = True
            if progress:
                progress("", len(files), len(files))
            if prune:
                for did, d in list(manifest["docs"].items()):
                    if not Path(d["path"]).exists():
                        self._remove_doc(did, manifest)
                        report.removed.append(d["path"])
                        changed = True
            if changed or not self._lexical_in_sync(manifest):
                self.rebuild_lexical()
            if changed or not self._ledger_in_sync(manifest):
                self.rebuild_ledger()
            self.store.save_manifest()
        report.seconds = time.perf_counter() - t0
        self._ledger = self._ledger_vectors = None
        return report

    def _new_doc_id(self, path: Path, key: str, manifest: dict) -> str:
        from .parsing import doc_id_for

        base = doc_id_for(path)
        if base not in manifest["docs"]:
            return base
        return f"{base}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"

    def _ingest_one(self, loaded, doc_id: str, key: str, manifest: dict) -> int:
        from .chunking import chunk_document
        from .parsing import parse

        doc = parse(loaded, doc_id=doc_id)
        doc.path = key
        chunks = chunk_document(doc)
        if not chunks:
            raise LoadError(loaded.path, "no text to index after parsing")
        figures = _figures_for(doc)
        _link_figures(figures, chunks)
        vectors = self.embedder.embed_passages([c.embed_text for c in chunks])
        # One unit: mark pending, replace the chunks, write the record, then mark done.
        # The lexical index is stale from here until it is rebuilt (a crash in between must not
        # leave it stale for good: a changed document can keep its chunk ids and count).
        manifest["pending"] = doc_id
        manifest["lexical_stale"] = manifest["ledger_stale"] = True
        self.store.save_manifest()
        self.store.delete_doc(doc_id)
        self.store.add_chunks(
            [c.chunk_id for c in chunks], vectors, [c.text for c in chunks],
            [{**c.metadata, "path": key, "ctx": c.embed_text[: len(c.embed_text) - len(c.text)],
              # what a client of a shared Chroma server needs to rebuild its manifest and
              # ledger from the chunks alone (pq reindex)
              "sha256": loaded.sha256, "kind": loaded.kind, "pages": doc.pages, "is_pq": doc.is_pq,
              "model": self.embedder.name, "figures": json.dumps([f.to_dict() for f in figures if f.chunk_id == c.chunk_id],
                                                                ensure_ascii=False)}
             for c in chunks],
        )
        record = doc.to_dict()
        record["chunk_ids"] = [c.chunk_id for c in chunks]
        record["figures"] = [f.to_dict() for f in figures]
        self.store.save_doc_record(doc_id, record)
        manifest["docs"][doc_id] = {
            "doc_id": doc_id, "file": doc.file, "path": key, "sha256": loaded.sha256, "kind": loaded.kind,
            "title": doc.title, "number": doc.number, "date": doc.date, "asker": doc.asker,
            "minister": doc.minister, "pages": doc.pages, "chunks": len(chunks), "figures": len(figures),
            "is_pq": doc.is_pq, "ingested": time.strftime("%Y-%m-%dT%H:%M:%S"),
            **_shape_fields(doc),
        }
        manifest["pending"] = None
        self.store.save_manifest()
        return len(chunks)

    def _recover_pending(self, manifest: dict) -> str | None:
        """A run that died mid-document left `pending`: drop that document's partial chunks and
        record. Returns the path of a document that was ingested before (its old chunks are gone
        too), so that the caller ingests it again: nothing already ingested is lost."""
        bulk = manifest.get("pending_bulk") or []  # a cut-off batch of bulk.bulk_ingest: new documents only
        for bid in bulk:
            self.store.delete_doc(bid)
            self.store.remove_doc_record(bid)
            manifest["docs"].pop(bid, None)
        if bulk:
            manifest["pending_bulk"] = None
            manifest["lexical_stale"] = True
            self.store.save_manifest()
        did = manifest.get("pending")
        if not did:
            return None
        self.store.delete_doc(did)
        self.store.remove_doc_record(did)
        entry = manifest["docs"].pop(did, None)
        manifest["pending"] = None
        manifest["lexical_stale"] = manifest["ledger_stale"] = True
        self.store.save_manifest()
        path = entry.get("path") if entry else None
        return path if path and Path(path).is_file() else None

    def _remove_doc(self, doc_id: str, manifest: dict) -> None:
        manifest["lexical_stale"] = manifest["ledger_stale"] = True
        self.store.delete_doc(doc_id)
        self.store.remove_doc_record(doc_id)
        manifest["docs"].pop(doc_id, None)

    def _leftovers_without_manifest(self) -> bool:
        """Chunks or records on disk but no manifest: a --rebuild cut off (or a manifest deleted).
        Nothing in them is known to be complete, so a fresh index starts from nothing."""
        if self.store.exists() or self.store.chroma_url:
            return False
        return any((self.index / sub).exists() for sub in ("chroma", "docs", "lexical"))

    def _wipe(self) -> None:
        """--rebuild: drop everything of this index (also a server-side collection).

        The manifest goes first: a wipe cut off half-way leaves no manifest that lists documents
        whose chunks are gone (the next ingest then wipes the leftovers)."""
        had_manifest = self.store.exists()
        self.store.manifest_path.unlink(missing_ok=True)
        dropped = False
        if had_manifest or (self.index / "chroma").exists():
            try:
                col = self.store.collection()
                self.store._client.delete_collection(col.name)
                dropped = True
            except Exception:
                pass
        # The chroma folder stays when its collection could be dropped: chromadb keeps one client
        # per folder for the whole process, and that client cannot write to a folder made anew.
        subs = ["docs", "lexical", "lexical.tmp", "lexical.old"] + ([] if dropped else ["chroma"])
        for sub in subs:
            shutil.rmtree(self.index / sub, ignore_errors=True)
        if not dropped:
            from .store import forget_chroma_client

            forget_chroma_client(self.index / "chroma")
        from .store import IndexStore

        self.store = IndexStore(self.index, chroma_url=self.store.chroma_url)
        self._embedder = None

    def _lexical_in_sync(self, manifest: dict) -> bool:
        if manifest.get("lexical_stale"):
            return False
        want = sum(d["chunks"] for d in manifest["docs"].values())
        try:
            return len(self.lexical.ids) == want
        except (OSError, ValueError):  # an unreadable ids.json: rebuild it
            return False

    @property
    def ledger_path(self) -> Path:
        return self.index / "figures.json"

    def _ledger_in_sync(self, manifest: dict) -> bool:
        if manifest.get("ledger_stale"):  # a run cut off between a document and the ledger rebuild
            return False
        want = sum(d.get("figures", 0) for d in manifest["docs"].values())
        return self.ledger_path.exists() and len(self.ledger()) == want

    def rebuild_ledger(self) -> int:
        """Group every figure of the index into timelines and save the ledger (figures.json)."""
        from . import ledger

        figs: list[Figure] = []
        for did in sorted(self.store.manifest()["docs"]):
            rec = self.store.load_doc_record(did)
            if rec is not None:
                figs.extend(Figure(**f) for f in rec.get("figures", []))
            else:  # a document ingested by another client of a shared server: its chunks carry them
                got = self.store.collection().get(where={"doc_id": did}, include=["metadatas"])
                for meta in sorted(got["metadatas"], key=lambda m: (m.get("section", ""), m.get("page", 0))):
                    figs.extend(Figure(**f) for f in json.loads(meta.get("figures") or "[]"))
        # One memo for both uses: the grouping and the look-up embed the same phrases ("query: "
        # on both sides, as e5 wants for symmetric similarity).
        embed = _memo(self.embedder.embed_queries)
        entries = ledger.build(figs, embed=embed)
        vectors = embed([ledger.description(e) for e in entries])
        ledger.save(entries, self.ledger_path)
        _save_npy(self.index / "figures.npy", vectors)
        self._ledger, self._ledger_vectors = entries, vectors
        if self.store.exists() and self.store.manifest().get("ledger_stale"):  # both files written
            self.store.manifest()["ledger_stale"] = False
            self.store.save_manifest()
        return len(entries)

    def ledger_vectors(self):
        """Embeddings of the ledger's figure descriptions (aligned with `ledger()`)."""
        if getattr(self, "_ledger_vectors", None) is None:
            path = self.index / "figures.npy"
            self._ledger_vectors = np.load(path) if path.exists() else None
        return self._ledger_vectors

    def ledger(self):
        """The figures ledger (list of ledger.LedgerEntry), read once per Assistant."""
        from . import ledger

        if self._ledger is None:
            self._ledger = ledger.load(self.ledger_path)
        return self._ledger

    def figures(self, query: str | None = None, *, since: str = "", until: str = "", minister: str = "",
                top_k: int = 10):
        """Timelines of figures: for `query` the quantities it asks about (found through the best
        passages), else the whole ledger. Entries are ordered by timeline, then reference date."""
        from . import ledger

        entries = self.ledger()
        if query:
            # Timelines found two ways: through the figures of the best passages, and by the
            # closest figure descriptions (benchmarks/figures_timelines.py measures both).
            passages = self.search(query, top_k=top_k)
            groups = ledger.choose_groups(query, passages, entries)
            qvec = self.embedder.embed_queries([query])[0]
            groups += [g for g in ledger.semantic_groups(qvec, self.ledger_vectors(), entries, query) if g not in groups]
            groups += [g for g in ledger.named_groups(query, entries) if g not in groups]
            keep = known_quantities(query, groups, entries, passages)
            entries = sorted((e for e in entries if e.group in keep), key=ledger.sort_key)
        else:
            entries = sorted(entries, key=lambda e: (e.group, ledger.sort_key(e)))
        return ledger.filter_entries(entries, since=since, until=until, minister=minister)

    def reindex(self) -> dict:
        """Rebuild what lives beside the client from the chunks in Chroma: the manifest entries of
        documents that another client put on a shared server, the BM25 index and the ledger."""
        with self.store.write_lock():
            manifest = self.store.manifest(reload=True)
            found: dict[str, dict] = {}
            for cid, _text, meta in self.store.all_chunks():
                did = meta.get("doc_id") or cid.split(":", 1)[0]
                d = found.setdefault(did, {"meta": meta, "chunks": 0, "figures": 0})
                d["chunks"] += 1
                d["figures"] += len(json.loads(meta.get("figures") or "[]"))
            added = []
            for did, d in found.items():
                if did in manifest["docs"]:
                    continue
                m = d["meta"]
                manifest["docs"][did] = {
                    "doc_id": did, "file": m.get("doc", did), "path": m.get("path", ""), "sha256": m.get("sha256", ""),
                    "kind": m.get("kind", ""), "title": m.get("title", ""), "number": m.get("number", ""),
                    "date": m.get("date", ""), "asker": m.get("asker", ""), "minister": m.get("minister", ""),
                    "pages": m.get("pages", 0), "chunks": d["chunks"], "figures": d["figures"],
                    "is_pq": m.get("is_pq", True), "ingested": "", "remote": True, **_shape_from_meta(m)}
                added.append(did)
                manifest["model"] = manifest.get("model") or m.get("model")
            removed = [did for did in manifest["docs"] if did not in found]
            for did in removed:
                manifest["docs"].pop(did)
                self.store.remove_doc_record(did)
            self.store.save_manifest()
            n = self.rebuild_lexical()
            if found:
                self.rebuild_ledger()
        return {"documents": len(manifest["docs"]), "added": added, "removed": removed, "lexical_chunks": n}

    def rebuild_lexical(self) -> int:
        """Rebuild the BM25 index from the chunks in Chroma (also after `pq reindex`)."""
        ids, texts = [], []
        for cid, text, meta in self.store.all_chunks():
            ids.append(cid)
            texts.append((meta.get("ctx") or "") + (text or ""))
        self.lexical.build(ids, texts)
        if self.store.exists() and self.store.manifest().get("lexical_stale"):
            self.store.manifest()["lexical_stale"] = False
            self.store.save_manifest()
        return len(ids)

    # -- reading ------------------------------------------------------------------------------
    def require_index(self) -> dict:
        """The manifest of a non-empty index (else an IndexError_ that says how to fill it)."""
        if not self.store.exists() or not self.store.manifest().get("docs"):
            raise IndexError_(f"geen index in {self.index} (of hij is leeg): maak hem met  pq ingest corpus/ --index {self.index}")
        return self.store.manifest()

    def documents(self, filters: Filters | None = None) -> list[dict]:
        """Manifest entries of the ingested documents (newest first), filtered."""
        docs = list(self.require_index()["docs"].values())
        if filters and filters.active():
            docs = [d for d in docs if doc_passes(d, filters)]
        return sorted(docs, key=lambda d: (d.get("date") or "", d["file"]), reverse=True)

    def resolve_doc(self, ref: str) -> str:
        """A doc id from an id, a file name, a path or a question number ('503', '503/2018')."""
        docs = self.require_index()["docs"]
        if ref in docs:
            return ref
        name = Path(ref).name
        hits = [did for did, d in docs.items() if d["file"] == name or d["path"] == ref
                or Path(d["file"]).stem == ref]
        if not hits and (m := re.fullmatch(r"(?:nr\.?\s*)?(\d+)(?:\s*[/ ]\s*(\d{4}))?", ref.strip())):
            hits = [did for did, d in docs.items() if d.get("number") == m.group(1)
                    and (not m.group(2) or (d.get("date") or "").startswith(m.group(2)))]
        if len(hits) == 1:
            return hits[0]
        if not hits:
            raise UsageError(f"no document {ref!r} in index {self.index} (see: pq docs)")
        raise UsageError(f"{ref!r} matches several documents: {', '.join(sorted(hits))}; give the file name")

    def document(self, ref: str) -> PQDocument:
        """The parsed structure of one document."""
        from .models import Paragraph, Part

        did = self.resolve_doc(ref)
        rec = self.store.load_doc_record(did)
        if rec is None:
            raise IndexError_(f"index {self.index}: record of {did} is missing; run pq doctor")
        fields = {k: v for k, v in rec.items() if k in PQDocument.__dataclass_fields__}
        for sec in ("question", "answer", "annex", "replies"):  # "replies": absent in records before the shapes
            fields[sec] = [Part(section=p["section"], label=p["label"], numbers=p["numbers"],
                                paragraphs=[Paragraph(**q) for q in p["paragraphs"]],
                                speaker=p.get("speaker", ""), asker=p.get("asker", "")) for p in rec.get(sec, [])]
        return PQDocument(**fields)

    def stats(self) -> dict:
        m = self.store.manifest() if self.store.exists() else {"docs": {}, "model": None}
        docs = m["docs"].values()
        return {"documents": len(m["docs"]), "chunks": sum(d["chunks"] for d in docs),
                "figures": sum(d.get("figures", 0) for d in docs), "model": m.get("model"),
                "dim": m.get("dim"), "index": str(self.index), "schema": m.get("schema"),
                "chroma": self.store.chroma_url or str(self.index / "chroma"),
                "lexical_chunks": len(self.lexical.ids), "updated": m.get("updated")}

    # -- search -------------------------------------------------------------------------------
    def search(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> list[Passage]:
        """The best passages for `query`: hybrid dense + BM25, filtered, number lookup first."""
        return self.search_many([query], top_k=top_k, filters=[filters or Filters()])[0]

    def search_many(self, queries: list[str], *, top_k: int = 5,
                    filters: list[Filters] | None = None) -> list[list[Passage]]:
        """Like `search` for many queries at once (the model embeds them in one batch)."""
        return self._search_many(queries, top_k=top_k, filters=filters)[0]

    def _search_many(self, queries: list[str], *, top_k: int = 5,
                     filters: list[Filters] | None = None) -> tuple[list[list[Passage]], object]:
        manifest = self.require_index()
        filters = filters or [Filters() for _ in queries]
        # Names given as filters are enforced by the filter; left in the query text they would
        # only pull in every chunk that prints that name (answer headers).
        queries = [strip_filter_terms(q, f) for q, f in zip(queries, filters)]
        qvecs = self.embedder.embed_queries(list(queries)) if queries else np.zeros((0, 1))
        out = []
        for query, f, qv in zip(queries, filters, qvecs):
            out.append(self._search_one(query, qv, top_k, f, manifest))
        return out, qvecs

    def _search_one(self, query: str, qvec, top_k: int, f: Filters, manifest: dict) -> list[Passage]:
        from .ranking import rank

        view = _StoreView(self, manifest)
        # The thesaurus adds the official terms to the BM25 query only: measured on the dev set,
        # expanding the dense query as well pulled e5 away from the question's own wording.
        hits = rank(view, query, qvec, top_k, f, lexical_query=expand(query) if USE_THESAURUS else query,
                    recency=self._recency(manifest), figure_dates=self._figure_dates)
        docs = manifest["docs"]
        out = []
        for h in hits:
            # The score shown is the calibrated confidence (comparable across questions); the
            # order is the ranker's.
            p = self.passage(h.chunk_id, h.text, h.metadata, h.confidence, docs)
            p.dense, p.lexical, p.pinned, p.coverage, p.rank_score = h.dense, h.lexical, h.pinned, h.coverage, h.score
            out.append(p)
        return out

    def _figure_dates(self, cid: str) -> list[str]:
        """Reference dates of the figures of a chunk (for a question that names a time)."""
        return [f.date for f in self._figures_by_chunk().get(cid, []) if f.date]

    def _recency(self, manifest: dict) -> dict[str, float]:
        """0 for the oldest dated document, 1 for the newest (undated: 0); computed once per
        manifest (profiled: 140 ms a search at 26k documents when done each time)."""
        from .ranking import recency_map

        if getattr(self, "_recency_src", None) is manifest:
            return self._recency_map
        self._recency_src, self._recency_map = manifest, recency_map(manifest["docs"])
        return self._recency_map

    def passage(self, cid: str, text: str, meta: dict, score: float, docs: dict) -> Passage:
        """A Passage for a stored chunk, with its citation and its figures."""
        from .citations import citation_from_meta

        d = docs.get(meta.get("doc_id"), {})
        cite = citation_from_meta(meta, meta.get("page"), d.get("pages", 0))
        p = Passage(chunk_id=cid, doc_id=meta.get("doc_id", ""), doc=meta.get("doc", ""), text=text, score=score,
                    page=int(meta.get("page") or 1), section=meta.get("section", ""), part=meta.get("part", ""),
                    metadata=meta, citation=cite)
        p.figures = self._figures_by_chunk().get(cid, [])
        return p

    def _figures_by_chunk(self) -> dict[str, list[Figure]]:
        if getattr(self, "_by_chunk_src", None) is not self.ledger():
            self._by_chunk_src = self.ledger()
            self._by_chunk: dict[str, list[Figure]] = {}
            for e in self._by_chunk_src:
                self._by_chunk.setdefault(e.figure.chunk_id, []).append(e.figure)
        return self._by_chunk

    def ask(self, query: str, *, top_k: int = 5, filters: Filters | None = None) -> Answer:
        """Passages plus the figures found in them (newest reference date first)."""
        return self.ask_many([query], top_k=top_k, filters=[filters or Filters()])[0]

    def ask_many(self, queries: list[str], *, top_k: int = 5, filters: list[Filters] | None = None) -> list[Answer]:
        """`ask` for many queries; the model embeds them in one batch (`pq ask --batch`)."""
        from . import answerline, ledger
        from .querytime import query_time
        from .search import number_lookup

        filters = filters or [Filters() for _ in queries]
        found, qvecs = self._search_many(queries, top_k=top_k, filters=filters)
        entries = self.ledger()
        by_figure = {id(e.figure): e for e in entries}
        out = []
        for query, f, passages, qv in zip(queries, filters, found, qvecs):
            passages, notes = self.checked(query, f, passages, top_k)
            nl = number_lookup(query)
            qt = query_time(query, {nl[1]} if nl and nl[1] else None)
            groups: list[int] = []
            semantic: list[int] = []
            if entries and passages:
                groups = ledger.choose_groups(query, passages, entries, max_groups=6)
                if answerline.is_figure_question(query):
                    semantic = ledger.semantic_groups(qv, self.ledger_vectors(), entries, query)
                    groups += [g for g in semantic if g not in groups]
            # The answer line obeys the filters like the passages: only figures of documents that pass.
            pool = entries
            if f.active():
                docs = self.require_index()["docs"]
                pool = [e for e in entries if (d := docs.get(e.figure.doc_id)) is not None and doc_passes(d, f)]
            line = answerline.choose(query, qt, passages, pool, groups, ledger.sort_key, self.cite, semantic)
            if line is not None and not any(p.score >= NO_ANSWER_BELOW for p in passages):
                line = None  # nothing answers the question: no figure is offered as its answer
            if line is not None:
                passages = self._lead_with(line.chunk_id, query, passages, top_k)
            figs = relevant_figures(query, passages, groups, by_figure, line, entries)
            out.append(Answer(query=query, passages=passages, figures=figs, filters=f,
                              status=self.figure_status(figs), answer=line, time=qt,
                              replaced_by=replaced_by(figs, by_figure, entries), weak_below=NO_ANSWER_BELOW,
                              notes=notes))
        return out

    def _lead_with(self, chunk_id: str, query: str, passages: list[Passage], top_k: int) -> list[Passage]:
        """The passage that holds the answer line's figure goes first: the line cites it, and the
        reader should see its words before any other (benchmarks/now_eval.py measures this)."""
        from .ranking import confidence, coverage

        if passages and passages[0].chunk_id == chunk_id:
            return passages
        hit = next((p for p in passages if p.chunk_id == chunk_id), None)
        if hit is None:
            manifest = self.require_index()
            got = _StoreView(self, manifest).chunks([chunk_id]).get(chunk_id)
            if got is None:
                return passages
            meta = got["metadata"] or {}
            floor = min((p.dense for p in passages if p.dense is not None), default=0.8)
            cov = coverage(query, (meta.get("ctx") or "") + " " + got["text"])
            hit = self.passage(chunk_id, got["text"], meta, confidence(floor, cov), manifest["docs"])
            hit.coverage = cov
        return [hit] + [p for p in passages if p.chunk_id != chunk_id][: max(0, top_k - 1)]

    def cite(self, doc_id: str, page: int | None = None) -> str:
        """The citation of a document (at a page), as the passages carry it."""
        from .citations import citation_from_meta

        d = self.require_index()["docs"].get(doc_id, {})
        meta = {k: ("; ".join(v) if isinstance(v, list) else v) for k, v in d.items()}
        meta.update(doc=d.get("file", doc_id), doc_id=doc_id)
        return citation_from_meta(meta, page, d.get("pages", 0))

    # -- what a filter or a number lookup found (never silent) -----------------------------------
    def filter_notes(self, f: Filters | None) -> list[str]:
        """Notes on the filters over this index: documents lacking the field, unknown names with
        the closest names of the index (see search.filter_notes)."""
        from .search import filter_notes

        if not f or not f.active():
            return []
        return filter_notes(list(self.require_index()["docs"].values()), f)

    def number_result(self, query: str, f: Filters | None = None):
        """The documents a number in `query` names (None when it names no number), with notes."""
        from .search import lookup_number, parse_number_query

        nq = parse_number_query(query)
        if nq is None:
            return None
        docs = [d for d in self.require_index()["docs"].values()
                if not f or not f.active() or doc_passes(d, f)]
        return lookup_number(docs, nq)

    def checked(self, query: str, f: Filters, passages: list[Passage], top_k: int) -> tuple[list[Passage], list[str]]:
        """The passages of a search with the notes that say what the filters and a number lookup
        found. A query that is only a number ('vraag nr. 999') gets no unrelated passages: the
        number's documents, those of another year (with a note), or none (with a note)."""
        from .search import is_pure_number_query

        notes = self.filter_notes(f)
        nr = self.number_result(query, f)
        if nr is None:
            return passages, notes
        notes += nr.notes
        if not is_pure_number_query(query, nr.query):
            return passages, notes
        targets = nr.found or nr.other
        if not targets:
            return [], notes
        ids = {d["doc_id"] for d in targets}
        if not passages or passages[0].doc_id not in ids:
            again = self.search(f"vraag {targets[0].get('number')}", top_k=top_k, filters=f)
            passages = [p for p in again if p.doc_id in ids] or passages
        return passages, notes

    def figure_status(self, figures: list[Figure]) -> dict[int, str]:
        """Each figure's place in its timeline (latest / superseded / conflict), by id(figure)."""
        status = {id(e.figure): e.status for e in self.ledger()}
        return {id(f): status.get(id(f), "") for f in figures}

    # -- figures ------------------------------------------------------------------------------
    def all_figures(self) -> list[Figure]:
        """Every figure of the index."""
        return [e.figure for e in self.ledger()]

    # -- long-running readers -----------------------------------------------------------------
    def refresh(self) -> bool:
        """Pick up what another process (an ingest) wrote since this Assistant read the index.

        A long-running reader (`pq serve`) calls it before each request; `pq ask` gets the same
        by starting fresh. Costs one stat of the manifest when nothing changed. The manifest is
        saved last by an ingest, so a changed manifest means the lexical index and the ledger
        beside it are the ones of that state. A local Chroma client does not see vectors that
        another process added after it was opened: it is closed and opened again (~0.3 s, only
        after a change). The embedder stays loaded. Not thread-safe: the caller holds its lock.
        Returns whether anything was reloaded."""
        from .lexical import LexicalIndex
        from .store import IndexStore, forget_chroma_client

        try:
            stamp = self.store.manifest_path.stat().st_mtime_ns
        except OSError:
            stamp = None
        if stamp == getattr(self, "_refresh_stamp", None):
            return False
        first = not hasattr(self, "_refresh_stamp")
        self._refresh_stamp = stamp
        if not first or self.store._collection is not None:
            if not self.store.chroma_url:
                forget_chroma_client(self.index / "chroma", stop=True)
            self.store = IndexStore(self.index, chroma_url=self.store.chroma_url)
        self.store.manifest(reload=True)
        self.lexical = LexicalIndex(self.index / "lexical")
        self._ledger = self._ledger_vectors = None
        return True


def _shape_fields(doc: PQDocument) -> dict:
    """What the manifest keeps of a document's shape (filters, `pq docs`, number lookups)."""
    from .parsing import PARSER_VERSION

    return {"type": doc.type, "parliament": doc.parliament, "session": doc.session, "answer_date": doc.answer_date,
            "askers": list(doc.askers), "numbers": list(doc.numbers), "meeting": doc.meeting,
            "parser": PARSER_VERSION}


def _shape_from_meta(m: dict) -> dict:
    """The shape fields of a manifest entry rebuilt from chunk metadata (pq reindex)."""
    from .parsing import PARSER_VERSION

    split = lambda v: [x for x in str(v or "").split("; ") if x]  # noqa: E731
    return {"type": m.get("type", ""), "parliament": m.get("parliament", ""), "session": m.get("session", ""),
            "answer_date": m.get("answer_date", ""), "askers": split(m.get("askers")), "numbers": split(m.get("numbers")),
            "meeting": m.get("meeting", ""), "parser": PARSER_VERSION if m.get("type") else 1}


def _parser_outdated(entry: dict) -> bool:
    """A document parsed by an older parser (an index built before the document types): the
    next ingest parses it again from its file (unchanged files included); nothing else changes."""
    from .parsing import PARSER_VERSION

    return int(entry.get("parser") or 1) < PARSER_VERSION


class _StoreView:
    """The ranker's read view of this index (ranking.IndexView)."""

    def __init__(self, a: "Assistant", manifest: dict) -> None:
        self.a, self.docs = a, manifest["docs"]

    def dense(self, qvec, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        store = self.a.store
        if doc_ids is not None and len(doc_ids) > 0.3 * len(self.docs):
            # A filter that keeps much of the index: Chroma's `$in` over thousands of ids costs far
            # more (measured at 250k chunks) than asking for more neighbours and dropping the rest.
            keep = set(doc_ids)
            wide = min(store.count(), int(k * len(self.docs) / len(doc_ids) * 2))
            return [h for h in store.query(qvec, wide) if h[0].split(":", 1)[0] in keep][:k]
        return store.query(qvec, k, doc_ids)

    def lexical(self, text: str, k: int, doc_ids: list[str] | None) -> list[tuple[str, float]]:
        mask = self.a.lexical.doc_mask(doc_ids) if doc_ids is not None else None
        return self.a.lexical.search(text, k, mask)

    def chunk_count(self) -> int:
        return self.a.store.count()

    def chunks(self, ids: list[str]) -> dict[str, dict]:
        return self.a.store.get_chunks(ids)

    def doc_chunk_ids(self, doc_id: str) -> list[str]:
        return (self.a.store.load_doc_record(doc_id) or {}).get("chunk_ids", [])


def _memo(embed):
    """Wrap an embed function so each distinct text is embedded once, across calls."""
    seen: dict[str, np.ndarray] = {}

    def run(texts: list[str]):
        new = [t for t in dict.fromkeys(texts) if t not in seen]
        if new:
            seen.update(zip(new, embed(new)))
        if not texts:
            return np.zeros((0, 1), dtype=np.float32)
        return np.stack([seen[t] for t in texts])

    return run


def _save_npy(path: Path, array) -> None:
    """np.save via a temporary file and rename (readers never see half a file)."""
    tmp = path.with_name(path.name + ".tmp.npy")
    np.save(tmp, np.asarray(array, dtype=np.float32))
    os.replace(tmp, path)


def known_quantities(query: str, groups: list[int], entries, passages: list[Passage]) -> set[int]:
    """The timelines of `groups` that are about what `query` names: a content word of the
    question in the timeline's wording, or, when the question shares no word with any (another
    language), the nearest ones if a passage answers the question with confidence. An unknown
    quantity gets none, and `pq figures` says so instead of listing unrelated figures."""
    from .answerline import _words, shared

    qwords = _words(query)
    phrases: dict[int, set[str]] = {}
    for e in entries:
        if e.group in groups:
            phrases.setdefault(e.group, set()).update(_words(f"{e.figure.quantity} {e.figure.unit}"))
    named = {g for g in groups if shared(qwords, phrases.get(g, set()))}
    if named:
        return named
    if any(p.score >= NO_ANSWER_BELOW for p in passages) and not any(shared(qwords, ph) for ph in phrases.values()):
        return set(groups[:3])
    return set()


def relevant_figures(query: str, passages: list[Passage], groups: list[int], by_figure: dict, line, entries) -> list[Figure]:
    """The Cijfers of an answer: the figures of the question's quantity (its timelines, best
    first) that the shown passages hold, plus the answer line's figure; without a matching
    timeline, the passages' figures whose quantity shares a word with the question. Sorted by
    relevance (timeline rank, then passage rank), then newest reference date first."""
    from . import ledger

    figs = figures_of(passages)
    if line is not None:
        extra = next((e.figure for e in entries if e.figure.chunk_id == line.chunk_id and e.figure.value == line.value
                      and e.figure.date == line.date), None)
        if extra is not None and all(f is not extra for f in figs):
            figs.append(extra)
    rank_of_chunk = {p.chunk_id: i for i, p in enumerate(passages)}
    group_rank = {g: i for i, g in enumerate(groups)}
    if groups and any(by_figure.get(id(f)) and by_figure[id(f)].group in group_rank for f in figs):
        keep = [f for f in figs if by_figure.get(id(f)) and by_figure[id(f)].group in group_rank]
        rel = lambda f: group_rank[by_figure[id(f)].group]  # noqa: E731
    else:
        from .answerline import _words

        qwords = _words(query)
        keep = [f for f in figs if qwords & _words(f"{f.quantity} {f.unit}")]
        rel = lambda f: rank_of_chunk.get(f.chunk_id, len(passages))  # noqa: E731
    # newest first within equal relevance: sort by date descending, then stably by relevance
    keep.sort(key=lambda f: _date_key(f), reverse=True)
    keep.sort(key=rel)
    return keep


def replaced_by(figs: list[Figure], by_figure: dict, entries) -> dict[int, dict]:
    """For each superseded figure: what replaced it and where (the ledger's `replaced_by`)."""
    out: dict[int, dict] = {}
    for f in figs:
        e = by_figure.get(id(f))
        if e is not None and e.status == "superseded" and getattr(e, "replaced_by", None):
            out[id(f)] = e.replaced_by
    return out


def _date_key(f: Figure) -> tuple:
    """A year-only date sorts with its year (at its end), not before every dated day of it."""
    d = f.date or ""
    if len(d) == 4:
        d += "-12-31"
    elif len(d) == 7:
        d += "-31"
    return (d, f.doc_date or "")


def figures_of(passages: list[Passage]) -> list[Figure]:
    """The figures of the passages, newest reference date first, each once."""
    seen, out = set(), []
    for p in passages:
        for f in p.figures:
            key = (f.chunk_id, f.value, f.sentence)
            if key not in seen:
                seen.add(key)
                out.append(f)
    return sorted(out, key=lambda f: (f.date or "", f.doc_date or ""), reverse=True)


def _figures_for(doc: PQDocument) -> list[Figure]:
    """The figures of a parsed document (the figures module is optional while it is built)."""
    try:
        from .figures import figures_for_document
    except ImportError:
        return []
    return figures_for_document(doc)


def _link_figures(figures: list[Figure], chunks) -> None:
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
