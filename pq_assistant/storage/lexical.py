"""BM25 over chunk texts with a Dutch stemmer and Dutch stop words (bm25s + PyStemmer).

Numbers are kept as tokens, with Dutch thousands separators removed ("52.302" -> "52302") and
decimal commas kept ("6,8"), so a figure typed in a query matches the figure in a passage.
The index is saved in the index folder, written atomically, and memory-mapped when loaded.
"""
from __future__ import annotations

import json
import os
import re
import shutil
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


class LexicalIndex:
    """A BM25 index over chunk ids; rebuilt from all chunk texts after each ingest."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self._bm25 = None
        self._ids: list[str] | None = None
        self._pos: dict[str, int] | None = None

    # -- building ---------------------------------------------------------------------------
    def build(self, ids: list[str], texts: list[str]) -> None:
        """Index `texts` under `ids` and save atomically (temp folder + rename)."""
        import bm25s

        tmp = self.folder.with_name(self.folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        corpus_tokens = [tokenize(t) or ["\u2205"] for t in texts]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        if ids:
            retriever.index(corpus_tokens, show_progress=False)
            retriever.save(str(tmp))
        (tmp / "ids.json").write_text(json.dumps(ids), encoding="utf-8")
        old = self.folder.with_name(self.folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if self.folder.exists():
            os.replace(self.folder, old)
        os.replace(tmp, self.folder)
        shutil.rmtree(old, ignore_errors=True)
        self.forget()

    def forget(self) -> None:
        """Read the index from disk again on next use (after a write, or to check it)."""
        self._bm25, self._ids, self._pos = None, None, None
        self._doc_pos_src = None

    # -- querying ---------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        if self._ids is None:
            path = self.folder / "ids.json"
            self._ids = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
            self._pos = {cid: i for i, cid in enumerate(self._ids)}
        return self._ids

    def _load(self):
        if self._bm25 is None and self.ids:
            self._bm25 = _SavedBM25.load(self.folder)
        return self._bm25

    def doc_mask(self, doc_ids) -> np.ndarray:
        """A boolean mask over the indexed chunks: True for the chunks of `doc_ids`."""
        if getattr(self, "_doc_pos_src", None) is not self.ids:
            self._doc_pos_src = self.ids
            pos: dict[str, list[int]] = {}
            for i, cid in enumerate(self.ids):
                pos.setdefault(cid.split(":", 1)[0], []).append(i)
            self._doc_pos = {d: np.asarray(v, dtype=np.int64) for d, v in pos.items()}
        mask = np.zeros(len(self.ids), dtype=bool)
        for d in doc_ids:
            p = self._doc_pos.get(d)
            if p is not None:
                mask[p] = True
        return mask

    def search(self, query: str, k: int = 50, allowed: set[str] | np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top `k` (chunk id, score) for `query`, only among `allowed` chunks when given (a set of
        chunk ids, or a boolean mask over the indexed chunks as `doc_mask` makes)."""
        bm25 = self._load()
        q = tokenize(query)
        if bm25 is None or not q:
            return []
        vocab = bm25.vocab_dict
        q = [t for t in q if t in vocab]
        if not q:
            return []
        scores = bm25.get_scores(q)
        if isinstance(allowed, np.ndarray):
            scores = np.where(allowed, scores, 0.0)
        elif allowed is not None:
            mask = np.zeros(len(self.ids), dtype=bool)
            assert self._pos is not None
            for cid in allowed:
                i = self._pos.get(cid)
                if i is not None:
                    mask[i] = True
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


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
