"""BM25 over chunk texts with a Dutch stemmer and Dutch stop words (PyStemmer), in segments.

Numbers are kept as tokens, with Dutch thousands separators removed ("52.302" -> "52302") and
decimal commas kept ("6,8"), so a figure typed in a query matches the figure in a passage.

Segments, so that adding or changing a document costs time in proportion to that document: each
ingest adds one small segment with the new chunks and marks the replaced chunks of older segments
deleted; a few small segments are merged into one (no re-tokenising: their postings are
concatenated), and when many chunks are deleted everything is merged. The statistics are global
(document count, document frequency, mean length over all segments; deleted chunks count until
the merge, as in Lucene), so a chunk scores the same whichever segment holds it. Scoring is
bm25s's "lucene" variant (k1 1.2, b 0.75): idf = log(1 + (N - df + 0.5) / (df + 0.5)),
tf part = tf / (tf + k1 (1 - b + b dl / avgdl)).

On disk (`lexical/`): `segments.json` (the segments and their deleted positions: replacing it is
the commit of every change), and one folder a segment (`seg-N/`: ids.json, vocab.json and
memory-mapped arrays). A folder of the layout before segments (bm25s files) is read as is; the
next writer rebuilds it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from functools import lru_cache
from pathlib import Path

import numpy as np

from ..textutil import fold

DUTCH_STOPWORDS = frozenset("""
aan al alle alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een
eens en er ge geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is
ja je kan kon kunnen maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder
ons ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat we wel werd
wezen wie wil worden wordt zal ze zelf zich zij zijn zo zonder zou zouden welke welk waar hoeveel
wanneer waarom graag sinds dat deze the of and in to for what how many was were which is are
""".split())

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*|[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer  # PyStemmer: Snowball, C speed

    return Stemmer.Stemmer("dutch")


def _number_token(tok: str) -> str:
    # "52.302" / "1.250.000" -> digits only; "6,8" stays; "1.5" (rare) -> "15"
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", tok):
        return tok.replace(".", "")
    return tok


def tokenize(text: str) -> list[str]:
    """Lower-cased, accent-folded, stop words dropped, Dutch-stemmed; numbers kept."""
    words: list[str] = []
    nums: list[str] = []
    order: list[tuple[int, int]] = []
    for m in _TOKEN.finditer(fold(text)):
        tok = m.group(0)
        if tok[0].isdigit():
            order.append((1, len(nums)))
            nums.append(_number_token(tok))
        elif tok not in DUTCH_STOPWORDS and len(tok) > 1:
            order.append((0, len(words)))
            words.append(tok)
    stems = _stemmer().stemWords(words) if words else []
    return [stems[i] if kind == 0 else nums[i] for kind, i in order]


K1, B = 1.2, 0.75
SEGMENTS = "segments.json"
MAX_SEGMENTS = 8  # more than this: the small ones are merged
MAX_DELETED = 0.25  # a larger share of deleted chunks: everything is merged
_EMPTY = "\u2205"  # the token of a chunk without any (as bm25s does)


class _Segment:
    """One saved segment: ids, vocabulary, postings term -> (docs, tf), document lengths."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.ids: list[str] = json.loads((folder / "ids.json").read_text(encoding="utf-8"))
        self.vocab: dict[str, int] = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))
        load = lambda name: np.load(folder / f"{name}.npy", mmap_mode="r")  # noqa: E731
        self.indptr, self.docs, self.tf, self.doclen = load("indptr"), load("docs"), load("tf"), load("doclen")

    @property
    def n(self) -> int:
        return len(self.ids)

    def postings(self, term: str):
        t = self.vocab.get(term)
        if t is None:
            return None
        a, b = int(self.indptr[t]), int(self.indptr[t + 1])
        return self.docs[a:b], self.tf[a:b]


def _write_segment(folder: Path, ids: list[str], vocab: dict[str, int], terms, docs, tf, doclen) -> None:
    """Save a segment from postings (term id, doc, tf) in any order, atomically (temp + rename)."""
    tmp = folder.with_name(folder.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    terms = np.asarray(terms, dtype=np.int64)
    docs = np.asarray(docs, dtype=np.int32)
    order = np.lexsort((docs, terms))
    indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
    np.cumsum(np.bincount(terms, minlength=len(vocab)), out=indptr[1:])
    np.save(tmp / "indptr.npy", indptr)
    np.save(tmp / "docs.npy", docs[order])
    np.save(tmp / "tf.npy", np.asarray(tf, dtype=np.float32)[order])
    np.save(tmp / "doclen.npy", np.asarray(doclen, dtype=np.int32))
    (tmp / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (tmp / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
    os.replace(tmp, folder)


def _segment_from_texts(folder: Path, ids: list[str], texts: list[str]) -> int:
    """Tokenise and save; returns the total length (tokens)."""
    vocab: dict[str, int] = {}
    terms: list[int] = []
    docs: list[int] = []
    tfs: list[int] = []
    doclen = np.zeros(len(ids), dtype=np.int32)
    for d, text in enumerate(texts):
        toks = tokenize(text) or [_EMPTY]
        doclen[d] = len(toks)
        for tok, c in Counter(toks).items():
            terms.append(vocab.setdefault(tok, len(vocab)))
            docs.append(d)
            tfs.append(c)
    _write_segment(folder, ids, vocab, terms, docs, tfs, doclen)
    return int(doclen.sum())


class LexicalIndex:
    """The BM25 index of an index folder (see the module docstring)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.forget()

    def forget(self) -> None:
        """Read the index from disk again on next use (after a write, or to check it)."""
        self._state: dict | None = None
        self._segs: list[_Segment] | None = None
        self._legacy = None
        self._ids: list[str] | None = None
        self._all: list[str] | None = None
        self._dead: np.ndarray | None = None
        self._pos: dict[str, int] | None = None
        self._doc_pos: dict[str, np.ndarray] | None = None

    # -- state ------------------------------------------------------------------------------
    def _manifest(self) -> dict:
        if self._state is None:
            p = self.folder / SEGMENTS
            self._state = json.loads(p.read_text(encoding="utf-8")) if p.exists() else {"segments": [], "next": 1}
        return self._state

    @property
    def is_legacy(self) -> bool:
        """A folder of the layout before segments (one bm25s index)."""
        return not (self.folder / SEGMENTS).exists() and (self.folder / "ids.json").exists()

    @property
    def count(self) -> int:
        """How many live chunks it holds (without reading the ids)."""
        if self.is_legacy:
            return len(self.ids)
        return sum(s["n"] - len(s["deleted"]) for s in self._manifest()["segments"])

    def _open(self) -> None:
        if self._all is not None:
            return
        for attempt in range(3):
            try:
                return self._read()
            except FileNotFoundError:  # a writer merged segments away between reading the list and them
                if attempt == 2:
                    raise
                self.forget()

    def _read(self) -> None:
        if self.is_legacy:
            self._all = json.loads((self.folder / "ids.json").read_text(encoding="utf-8"))
            self._dead = np.zeros(len(self._all), dtype=bool)
            self._segs = []
        else:
            m = self._manifest()
            self._segs = [_Segment(self.folder / s["name"]) for s in m["segments"]]
            self._all = [cid for seg in self._segs for cid in seg.ids]
            self._dead = np.zeros(len(self._all), dtype=bool)
            off = 0
            for seg, s in zip(self._segs, m["segments"]):
                if s["deleted"]:
                    self._dead[off + np.asarray(s["deleted"], dtype=np.int64)] = True
                off += seg.n
        # (the live ids and their positions are made when asked for: a search needs neither,
        # and at 250k chunks they cost a cold `pq ask` ~0.3 s)

    @property
    def ids(self) -> list[str]:
        """The live chunk ids."""
        self._open()
        if self._ids is None:
            self._ids = [cid for cid, dead in zip(self._all, self._dead) if not dead]
        return self._ids

    def _positions(self) -> dict[str, int]:
        self._open()
        if self._pos is None:
            self._pos = {cid: i for i, cid in enumerate(self._all) if not self._dead[i]}
        return self._pos

    def validate(self) -> None:
        """Read every part (raises when something is unreadable; for pq doctor)."""
        self.forget()
        self._open()
        if self.is_legacy and self._all:
            _SavedBM25.load(self.folder)
        for seg in self._segs or []:
            if len(seg.doclen) != seg.n or len(seg.indptr) != len(seg.vocab) + 1:
                raise ValueError(f"segment {seg.folder.name} is inconsistent")

    def leftovers(self) -> list[Path]:
        """Segment folders no segments.json lists (a write cut off before its commit)."""
        if not self.folder.is_dir() or self.is_legacy:
            return []
        listed = {s["name"] for s in self._manifest()["segments"]}
        return sorted(p for p in self.folder.iterdir() if p.is_dir() and p.name not in listed)

    # -- writing ----------------------------------------------------------------------------
    def _commit(self, m: dict) -> None:
        from .layout import atomic_write

        atomic_write(self.folder / SEGMENTS, json.dumps(m), sync=False)
        listed = {s["name"] for s in m["segments"]}
        for p in list(self.folder.iterdir()):  # what no segment list names any more
            if p.name != SEGMENTS and p.name not in listed and not p.name.startswith("."):
                shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
        self.forget()

    def _new_name(self, m: dict) -> str:
        """A segment name never used before (a stray folder of a cut-off write keeps its name)."""
        n = m.get("next", 1)
        while (self.folder / f"seg-{n}").exists() or (self.folder / f"seg-{n}.tmp").exists():
            n += 1
        m["next"] = n + 1
        return f"seg-{n}"

    def build(self, ids: list[str], texts: list[str]) -> None:
        """Index `texts` under `ids` from scratch: one segment."""
        self.folder.mkdir(parents=True, exist_ok=True)
        m = {"segments": [], "next": self._manifest().get("next", 1) if not self.is_legacy else 1}
        if ids:
            name = self._new_name(m)
            total = _segment_from_texts(self.folder / name, ids, texts)
            m["segments"] = [{"name": name, "n": len(ids), "length": total, "deleted": []}]
        self._commit(m)

    def update(self, remove: set[str] | list[str], ids: list[str], texts: list[str]) -> None:
        """Mark the chunks `remove` deleted, then add `ids` (texts) as a new segment; merge when
        the segments grow many or hold many deleted chunks. One commit."""
        assert not self.is_legacy, "a legacy BM25 folder is rebuilt, not updated"
        self.folder.mkdir(parents=True, exist_ok=True)
        m = json.loads(json.dumps(self._manifest()))
        remove = set(remove)
        if remove:  # only the segments' ids are read (not the whole index's look-ups)
            for s in m["segments"]:
                ids_of = json.loads((self.folder / s["name"] / "ids.json").read_text(encoding="utf-8"))
                hit = {i for i, cid in enumerate(ids_of) if cid in remove}
                if hit:
                    s["deleted"] = sorted(set(s["deleted"]) | hit)
        if ids:
            name = self._new_name(m)
            total = _segment_from_texts(self.folder / name, ids, texts)
            m["segments"].append({"name": name, "n": len(ids), "length": total, "deleted": []})
        m["segments"] = [s for s in m["segments"] if s["n"] > len(s["deleted"])]
        n_all = sum(s["n"] for s in m["segments"])
        n_dead = sum(len(s["deleted"]) for s in m["segments"])
        if n_all and n_dead > MAX_DELETED * n_all:
            m["segments"] = [self._merge(m, m["segments"])]
        elif len(m["segments"]) > MAX_SEGMENTS:
            big = max(m["segments"], key=lambda s: s["n"])
            small = [s for s in m["segments"] if s is not big]
            m["segments"] = [big, self._merge(m, small)]
        self._commit(m)

    def _merge(self, m: dict, segs: list[dict]) -> dict:
        """One segment of the live chunks of `segs` (postings concatenated, no re-tokenising)."""
        vocab: dict[str, int] = {}
        ids: list[str] = []
        terms, docs, tfs, lens = [], [], [], []
        for s in segs:
            seg = _Segment(self.folder / s["name"])
            alive = np.ones(seg.n, dtype=bool)
            alive[np.asarray(s["deleted"], dtype=np.int64)] = False
            newpos = np.cumsum(alive) - 1 + len(ids)
            remap = np.empty(len(seg.vocab), dtype=np.int64)
            for tok, t in seg.vocab.items():
                remap[t] = vocab.setdefault(tok, len(vocab))
            term_of = np.repeat(np.arange(len(seg.vocab)), np.diff(np.asarray(seg.indptr)))
            d = np.asarray(seg.docs)
            keep = alive[d]
            terms.append(remap[term_of[keep]])
            docs.append(newpos[d[keep]])
            tfs.append(np.asarray(seg.tf)[keep])
            lens.append(np.asarray(seg.doclen)[alive])
            ids += [cid for cid, a in zip(seg.ids, alive) if a]
        name = self._new_name(m)
        cat = lambda xs, dt: np.concatenate(xs).astype(dt) if xs else np.zeros(0, dtype=dt)  # noqa: E731
        doclen = cat(lens, np.int32)
        _write_segment(self.folder / name, ids, vocab, cat(terms, np.int64), cat(docs, np.int32),
                       cat(tfs, np.float32), doclen)
        return {"name": name, "n": len(ids), "length": int(doclen.sum()), "deleted": []}

    # -- querying ---------------------------------------------------------------------------
    def doc_mask(self, doc_ids) -> np.ndarray:
        """A boolean mask over the indexed chunks: True for the chunks of `doc_ids`."""
        self._open()
        assert self._all is not None
        if self._doc_pos is None:
            pos: dict[str, list[int]] = {}
            for i, cid in enumerate(self._all):
                pos.setdefault(cid.split(":", 1)[0], []).append(i)
            self._doc_pos = {d: np.asarray(v, dtype=np.int64) for d, v in pos.items()}
        mask = np.zeros(len(self._all), dtype=bool)
        for d in doc_ids:
            p = self._doc_pos.get(d)
            if p is not None:
                mask[p] = True
        return mask

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every indexed chunk (deleted ones: 0) for query tokens."""
        self._open()
        assert self._all is not None and self._segs is not None and self._dead is not None
        if self.is_legacy:
            bm25 = self._legacy = self._legacy or _SavedBM25.load(self.folder)
            q = [t for t in tokens if t in bm25.vocab_dict]
            return bm25.get_scores(q) if q else np.zeros(len(self._all), dtype=np.float32)
        m = self._manifest()["segments"]
        n = sum(s["n"] for s in m)
        scores = np.zeros(len(self._all), dtype=np.float32)
        if not n:
            return scores
        avgdl = sum(s["length"] for s in m) / n
        offsets = np.cumsum([0] + [seg.n for seg in self._segs])
        for tok in tokens:
            found = [(off, seg, p) for off, seg in zip(offsets, self._segs) if (p := seg.postings(tok)) is not None]
            df = sum(len(p[0]) for _off, _seg, p in found)
            if not df:
                continue
            idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5))
            for off, seg, (docs, tf) in found:
                docs = np.asarray(docs)
                dl = np.asarray(seg.doclen)[docs]
                # np.add.at: a chunk id can sit in a segment once, so plain fancy-index += is exact
                scores[off + docs] += (idf * tf / (tf + K1 * (1 - B + B * dl / avgdl))).astype(np.float32)
        scores[self._dead] = 0.0
        return scores

    def search(self, query: str, k: int = 50, allowed: set[str] | np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top `k` (chunk id, score) for `query`, only among `allowed` chunks when given (a set of
        chunk ids, or a boolean mask over the indexed chunks as `doc_mask` makes)."""
        q = tokenize(query)
        self._open()
        assert self._all is not None
        if not q or not self._all:
            return []
        scores = self.scores(q)
        if isinstance(allowed, np.ndarray):
            scores = np.where(allowed, scores, 0.0)
        elif allowed is not None:
            mask = np.zeros(len(self._all), dtype=bool)
            pos = self._positions()
            for cid in allowed:
                i = pos.get(cid)
                if i is not None:
                    mask[i] = True
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self._all[i], float(scores[i])) for i in top if scores[i] > 0]


class _SavedBM25:
    """A saved bm25s index read for querying without importing bm25s (and scipy, tqdm ...), which
    costs a cold `pq ask` ~0.2-0.3 s. Same files, same arithmetic as bm25s.BM25.load(mmap=True)
    and .get_scores for the methods without a non-occurrence array (ours: "lucene"); for the
    others it is bm25s itself."""

    _NONOCCURRENCE = ("bm25l", "bm25+")

    def __init__(self, vocab: dict[str, int], data, indices, indptr, num_docs: int, dtype: str,
                 int_dtype: str) -> None:
        self.vocab_dict = vocab
        self.data, self.indices, self.indptr = data, indices, indptr
        self.num_docs = num_docs
        self.dtype, self.int_dtype = np.dtype(dtype), np.dtype(int_dtype)

    @classmethod
    def load(cls, folder: Path):
        params = json.loads((folder / "params.index.json").read_text(encoding="utf-8"))
        if params.get("method") in cls._NONOCCURRENCE:
            import bm25s

            return bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        vocab = json.loads((folder / "vocab.index.json").read_text(encoding="utf-8"))
        arrays = [np.load(folder / f"{name}.csc.index.npy", mmap_mode="r") for name in ("data", "indices", "indptr")]
        return cls(vocab, *arrays, num_docs=params["num_docs"], dtype=params.get("dtype", "float32"),
                   int_dtype=params.get("int_dtype", "int32"))

    def get_scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 score of every document for query tokens (all in the vocabulary)."""
        ids = np.asarray([self.vocab_dict[t] for t in tokens], dtype=self.int_dtype)
        starts, ends = self.indptr[ids], self.indptr[ids + 1]
        scores = np.zeros(self.num_docs, dtype=self.dtype)
        for start, end in zip(starts, ends):
            np.add.at(scores, self.indices[start:end], self.data[start:end])
        return scores
