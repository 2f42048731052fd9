"""Everything on disk (and on a Chroma server): the only package that opens a file of an index
or talks to Chroma. `Storage` is its front door.

    layout    folder and file names, schema version, atomic writes, the writer's lock
    catalog   SQLite: documents, their records, chunk ids, figures, index state
    vectors   Chroma (the only `import chromadb`)
    lexical   the BM25 index
    dense     the chunks' vectors in segments (exact search without Chroma)
    ledgerdb  the figures ledger (tables of the catalog)
    ledgerupdate  the ledger updated for one change (the timelines and series it touches)
    writer    the crash-safety protocol: put/remove documents, recover, batches, rebuilds, reindex
    migrate   schema 1 (manifest.json + docs/) -> schema 2
    check     `pq doctor`
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from ..errors import IndexError_, ModelMismatch, PQError
from .catalog import Catalog, DocumentRow, DocumentWrite, IndexState
from .dense import DenseSegments
from .layout import SCHEMA_VERSION, Layout
from .lexical import LexicalIndex
from .vectors import ChromaVectors

if TYPE_CHECKING:
    from .writer import Writer

__all__ = ["Catalog", "DocumentRow", "DocumentWrite", "IndexState", "Layout", "SCHEMA_VERSION", "Snapshot", "Storage"]


@dataclass
class Snapshot:
    """The index as readers see it at one catalog generation: model, dimension, every document's
    row, and (built on first use) the look-ups that make a filter cost little at any size."""

    model: str | None
    dim: int | None
    generation: int
    docs: dict[str, dict]  # doc id -> storage.DocumentRow as a dict
    _lookups: tuple | None = field(default=None, repr=False)
    _chunks: int | None = field(default=None, repr=False)
    _all_rows: object = field(default=None, repr=False)
    # Chroma behind the catalog (writer.py, DEFER_MIN_CHUNKS): documents whose current chunks only
    # their vector segment holds, and chunk ids Chroma still holds of removed or changed documents.
    behind: frozenset = frozenset()
    stale: frozenset = frozenset()

    def vector_rows(self, doc_ids=None) -> dict | None:
        """Vector segment -> the sorted rows of the chunks of `doc_ids` (all documents when None;
        that one is kept); None when one of them has no segment (it is searched through Chroma)."""
        import numpy as np

        if doc_ids is None and self._all_rows is not None:
            return self._all_rows or None
        spans: dict[str, list[tuple[int, int]]] = {}
        for did in (self.docs if doc_ids is None else doc_ids):
            d = self.docs.get(did)
            if d is None:
                continue
            seg, row = d.get("vec_seg"), int(d.get("vec_row", -1))
            if not seg or row < 0:
                if doc_ids is None:
                    self._all_rows = {}
                return None
            spans.setdefault(seg, []).append((row, int(d.get("chunks") or 0)))
        out = {}
        for seg, v in spans.items():
            starts, lens = np.array(v, dtype=np.int64).reshape(-1, 2).T
            offs = np.cumsum(lens) - lens
            out[seg] = np.sort(np.arange(int(lens.sum())) - np.repeat(offs, lens) + np.repeat(starts, lens))
        if doc_ids is None:
            self._all_rows = out
        return out

    def _index(self) -> tuple:
        if self._lookups is None:
            from ..textutil import name_words

            words: dict[str, dict[str, set[str]]] = {"minister": {}, "asker": {}}
            for did, d in self.docs.items():
                for key, fields_ in (("minister", ("minister",)), ("asker", ("asker", "askers"))):
                    for fld in fields_:
                        values = d.get(fld) or []
                        for v in ([values] if isinstance(values, str) else values):
                            for w in name_words(str(v)):
                                words[key].setdefault(w, set()).add(did)
            dated = sorted((d["date"], did) for did, d in self.docs.items() if d.get("date"))
            self._lookups = (words, [x[0] for x in dated], [x[1] for x in dated])
        return self._lookups

    def chunk_total(self) -> int:
        """How many chunks the documents hold (the catalog's count, without asking Chroma)."""
        if self._chunks is None:
            self._chunks = sum(int(d.get("chunks") or 0) for d in self.docs.values())
        return self._chunks

    def candidates(self, *, minister: str = "", asker: str = "", since: str = "", until: str = "") -> list[str]:
        """Ids of the documents that can pass these filters (every one that does, and maybe some
        more: the caller decides): all the words of a name among the document's names (asker
        also among its askers), its date (full ISO here) in the range; in id order."""
        from bisect import bisect_left, bisect_right

        from ..textutil import name_words

        words, dates, dated_ids = self._index()
        keep: set[str] | None = None
        for key, wanted in (("minister", minister), ("asker", asker)):
            if not wanted:
                continue
            want = name_words(wanted)
            if not want:
                return []
            for w in want:
                hit = words[key].get(w, set())
                keep = set(hit) if keep is None else keep & hit
        if since or until:
            lo = bisect_left(dates, since) if since else 0
            hi = bisect_right(dates, until) if until else len(dates)
            in_range = set(dated_ids[lo:hi])
            keep = in_range if keep is None else keep & in_range
        return sorted(keep if keep is not None else self.docs)


class Storage:
    """One index: its folder, its catalog, its vectors (local Chroma or a server), its BM25 index and
    its figures ledger. Reading never takes the lock; writing goes through `write()`."""

    def __init__(self, root: str | Path, *, chroma_url: str | None = None, collection: str | None = None,
                 on_notice: Callable[[str], None] | None = None, exact_search: bool = False) -> None:
        self.layout = Layout(root)
        self.segments = DenseSegments(self.layout.vectors)
        # A process that answers one question (pq ask) ranks every chunk exactly over the vector
        # segments: less than importing chromadb and loading its HNSW index (~1.5 s at 250k chunks).
        self.exact_search = exact_search
        self.root = self.layout.root
        self.chroma_url = chroma_url or None
        self.vectors = ChromaVectors(self.layout.chroma, url=self.chroma_url, collection=collection)
        self.lexical = LexicalIndex(self.layout.lexical)
        self.on_notice = on_notice
        self._catalog: Catalog | None = None
        self._snapshot: Snapshot | None = None
        self._ledger_db = None

    # -- opening ----------------------------------------------------------------------------
    def exists(self) -> bool:
        """An index (of this schema, or one to migrate) is here."""
        return self.layout.exists() or self.layout.is_legacy()

    def _notice(self, msg: str) -> None:
        if self.on_notice:
            self.on_notice(msg)

    def _migrate_if_legacy(self, locked: bool = False) -> None:
        """Migrate an index of an earlier layout (`locked`: the caller holds the write lock)."""
        if self.layout.is_legacy():
            from .migrate import migrate_v1, read_legacy_manifest

            read_legacy_manifest(self.layout)  # a clear error before taking the lock
            if locked:
                self._notice(migrate_v1(self.layout, self.vectors))
                return
            with self.layout.write_lock():
                if self.layout.is_legacy():
                    self._notice(migrate_v1(self.layout, self.vectors))

    def open(self) -> None:
        """Open the catalog now (migrating an index of an earlier layout): before taking the lock
        for a consistent read. Errors are left for `catalog` to raise."""
        try:
            if self.exists():
                self.catalog
        except PQError:
            pass

    @property
    def catalog(self) -> Catalog:
        """The catalog (an index of an earlier layout is migrated first). IndexError_ when there is
        no index here."""
        if self._catalog is None:
            self._migrate_if_legacy()
            if not self.layout.exists():
                raise IndexError_(f"index {self.root} is leeg: maak hem met  pq ingest corpus/ --index {self.root}")
            self._catalog = Catalog(self.layout.catalog)
        return self._catalog

    def _open_for_writing(self) -> Catalog:
        self._migrate_if_legacy(locked=True)
        if self._catalog is None:
            self._catalog = Catalog(self.layout.catalog, create=True)
        return self._catalog

    def snapshot(self) -> "Snapshot":
        """Model, dimension and every document's row (as dicts, for the ranker's filters, priors
        and citations), read once per catalog generation: a reader sees each commit."""
        cat = self.catalog
        gen = cat.generation
        if self._snapshot is None or self._snapshot.generation != gen:
            st = cat.state()
            behind, stale = cat.vectors_behind()
            self._snapshot = Snapshot(model=st.model, dim=st.dim, generation=gen,
                                      docs=cat.document_dicts(), behind=frozenset(behind), stale=frozenset(stale))
        return self._snapshot

    def is_empty(self) -> bool:
        return not self.exists() or not self.catalog.has_documents()

    def state(self) -> IndexState | None:
        return self.catalog.state() if self.exists() else None

    def check_model(self, model: str, dim: int | None = None) -> None:
        """Refuse to mix models: the index keeps the model (and dimension) that built it."""
        if not self.exists():
            return
        built, bdim = self.catalog.model, self.catalog.dim
        if built and built != model:
            raise ModelMismatch(
                f"index {self.root} is gemaakt met model {built!r}, niet {model!r}; vraag zonder --model, of "
                f"bouw opnieuw: pq ingest --rebuild <bestanden> --index {self.root} --model {model}")
        if dim and bdim and bdim != dim:
            raise ModelMismatch(f"index {self.root} bevat {bdim}-d vectoren, het model geeft {dim}-d; "
                                f"bouw opnieuw: pq ingest --rebuild <bestanden> --index {self.root}")

    @contextmanager
    def write(self, *, wait: bool = True, on_wait=None) -> Iterator["Writer"]:
        """The writer, under the index's exclusive lock (see writer.py)."""
        from .writer import Writer

        with self.layout.write_lock(wait=wait, on_wait=on_wait):
            w = Writer(self)
            try:
                yield w
            finally:
                w.close()
                self.forget_caches()

    # -- reading vectors --------------------------------------------------------------------
    # A filtered dense search over up to EXACT_MAX chunks ranks them exactly over the vector
    # segments (a matrix product over their rows), where Chroma's filtered query cost ~85 ms at
    # 250k chunks (benchmarks/bench_scale.py). Over more it asks Chroma for more neighbours and
    # drops the other documents' chunks (a wide query costs little next to a large `$in`).
    EXACT_MAX = 50000
    WIDE_MAX = 2000

    def dense(self, qvec, k: int, doc_ids: list[str] | None, index: "Snapshot") -> list[tuple[str, float]]:
        """The `k` chunks nearest to `qvec` (cosine), only of `doc_ids` when given: (chunk id, similarity)."""
        if doc_ids is None:
            if self.exact_search and (rows := index.vector_rows()) is not None:
                if (got := self.segments.search(qvec, k, rows)) is not None:
                    return got
            return self._chroma(qvec, k, None, index)
        if not doc_ids:
            return []
        share = len(doc_ids) / max(1, len(index.docs))
        if share <= 0.3 or self.exact_search:  # (over 30 % of the documents a wide query is cheap)
            n = sum(int(index.docs[d].get("chunks") or 0) for d in doc_ids if d in index.docs)
            if n <= self.EXACT_MAX or self.exact_search:
                if (rows := index.vector_rows(doc_ids)) is not None and \
                        (got := self.segments.search(qvec, k, rows)) is not None:
                    return got
        total = index.chunk_total()
        wide = min(total, int(k / share * 2) + k)
        if share > 0.3 or wide <= self.WIDE_MAX:
            keep = set(doc_ids)
            hits = [h for h in self._chroma(qvec, max(1, wide), None, index) if h[0].split(":", 1)[0] in keep]
            if len(hits) >= k or wide >= total or share > 0.3:
                return hits[:k]
        return self._chroma(qvec, k, doc_ids, index)

    def _chroma(self, qvec, k: int, doc_ids: list[str] | None, index: "Snapshot") -> list[tuple[str, float]]:
        """Chroma's `k` nearest (of `doc_ids`), with the documents it does not hold yet ranked
        exactly over their vector segments and what it still holds of changed or removed
        documents left out."""
        if not index.behind and not index.stale:
            return self.vectors.query(qvec, k, doc_ids)
        behind = [d for d in (index.behind if doc_ids is None else doc_ids) if d in index.behind]
        rest = None if doc_ids is None else [d for d in doc_ids if d not in index.behind]
        hits: list[tuple[str, float]] = []
        if rest is None or rest:
            # What Chroma holds of a document behind is its old version, whose chunk ids are all
            # stale (the writer notes them), so only that many hits can be left out: asking for
            # more neighbours costs (2,000 more: 18 -> 36 ms a search at 250k chunks).
            pad = len(index.stale)
            hits = [h for h in self.vectors.query(qvec, k + pad, rest)
                    if h[0] not in index.stale and h[0].split(":", 1)[0] not in index.behind]
        if behind and (rows := index.vector_rows(behind)) is not None:
            hits += self.segments.search(qvec, k, rows) or []
        return sorted(hits, key=lambda h: -h[1])[:k]

    def section_vectors(self, section: str) -> list[tuple[dict, object]]:
        """(metadata, vector) of every chunk of one section ("question", "answer", ...): from
        Chroma, and from their vector segments for the documents Chroma does not hold yet."""
        index = self.snapshot()
        out = [(meta, emb) for cid, _t, meta, emb in self.vectors.where({"section": section}, embeddings=True)
               if cid not in index.stale and (meta or {}).get("doc_id") not in index.behind]
        for did in sorted(index.behind):
            row, ids = index.docs.get(did) or {}, self.catalog.chunk_ids(did)
            if not ids or not row.get("vec_seg"):
                continue
            mat, _seg_ids = self.segments.segment(row["vec_seg"])
            got = self.catalog.chunk_rows(ids)
            start = int(row.get("vec_row", 0))
            out += [(got[c]["metadata"], mat[start + i]) for i, c in enumerate(ids)
                    if c in got and got[c]["metadata"].get("section") == section]
        return out

    def chunks(self, ids: list[str]) -> dict[str, dict]:
        """Chunk id -> {"text", "metadata"} for the ids that exist: from the catalog, else Chroma."""
        if not ids:
            return {}
        got = self.catalog.chunk_rows(ids) if self.exists() else {}
        missing = [c for c in ids if c not in got]
        if missing:
            got.update(self.vectors.get(missing))
        return got

    # -- the figures ledger -----------------------------------------------------------------
    @property
    def figures_ledger(self):
        """The figures ledger (ledgerdb.LedgerDB): read only what a question needs (the figures
        of some chunks, documents or timelines, the phrase vectors, the timelines' keys). A
        ledger of before it moved into the catalog (figures.json) is migrated first."""
        from .ledgerdb import LedgerDB

        if self._ledger_db is None:
            cat = self.catalog
            if self.layout.ledger.exists():
                self._migrate_ledger_file()
            self._ledger_db = LedgerDB(cat)
        return self._ledger_db

    def _migrate_ledger_file(self, locked: bool = False) -> None:
        """Move a figures.json ledger (and figures.npy) into the catalog, under the lock."""
        from .migrate import migrate_ledger_file

        if locked:
            note = migrate_ledger_file(self.layout, self.catalog)
        else:
            with self.layout.write_lock():
                note = migrate_ledger_file(self.layout, self.catalog)
        if note:
            self._notice(note)

    def ledger(self) -> list:
        """Every entry of the figures ledger (ledger.LedgerEntry list, in ledger order)."""
        return self.figures_ledger.all() if self.exists() else []

    def stats(self) -> dict:
        """Counts, model and where things are (`pq stats`)."""
        if not self.exists():
            return {"documents": 0, "chunks": 0, "figures": 0, "model": None, "dim": None, "index": str(self.root),
                    "schema": None, "chroma": self.vectors.where_label, "lexical_chunks": len(self.lexical.ids),
                    "updated": None}
        st = self.catalog.state()
        n_docs, n_chunks, n_figs = self.catalog.counts()
        return {"documents": n_docs, "chunks": n_chunks, "figures": n_figs, "model": st.model, "dim": st.dim,
                "index": str(self.root), "schema": st.schema, "chroma": self.vectors.where_label,
                "lexical_chunks": len(self.lexical.ids), "updated": st.updated,
                # chunks Chroma has yet to take or drop (writer.py: Chroma behind the catalog)
                "chroma_behind": self.catalog.vectors_behind_count()}

    def refresh(self) -> bool:
        """Pick up what another process wrote since this one read the index (a long-running reader
        calls it before each request). Costs one catalog query when nothing changed: every write
        of an index is a catalog transaction (the BM25 index and the ledger are marked in sync by
        one too), so a new catalog generation means there is something to see. A local Chroma
        client does not see vectors that another process added after it was opened: it is closed
        and opened again (~0.3 s, and the HNSW index's load: 0.8 s at 250k chunks) when the
        catalog's vectors generation moved (a change that left Chroma alone, writer.py's Chroma
        behind the catalog, keeps it), or when the catalog does not count it. Returns whether
        anything was reloaded."""
        try:
            gen = self.catalog.generation if self.exists() else None
            vgen = self.catalog.vectors_generation if gen is not None else None
        except IndexError_:
            gen = vgen = None
        if gen == getattr(self, "_refresh_gen", None):
            return False
        first = not hasattr(self, "_refresh_gen")
        self._refresh_gen = gen
        if not first and (vgen is None or vgen != getattr(self, "_refresh_vgen", None)):
            self.vectors.close()
        self._refresh_vgen = vgen
        self.forget_caches()
        return True

    def forget_caches(self) -> None:
        if self._ledger_db is not None:
            self._ledger_db.forget()
        self.segments.forget()
        self.lexical.forget()
