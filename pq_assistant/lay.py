"""Lay language: find the answer when the question shares few words with it, learned from the
index's own written questions (no word list, no dev queries).

Every written question pairs its numbered sub-questions with the answer parts that answer them
(chunking.py: a sub-question chunk `…:question:n` with part "3", answer chunks with part "3" or
"2-3"). From those pairs, at ingest (`build`, stored by storage/layfile.py):

- asked before: sub-question chunk -> the answer chunks that answer it. A question that resembles
  an earlier sub-question brings up that sub-question's answer (`boost_asked`).
- translation: an IBM Model 1 word-translation table t(answer word | question word), fitted by EM
  on the (sub-question, answer part) pairs; a query's words are translated into the words answers
  use, searched with BM25 as a separate list and fused with a small weight (`translated_query`).
- compounds: the index's word vocabulary; a query word the index never uses is split into two words
  it does use ("kinderopvangplaatsen" -> "kinderopvang plaatsen"), added to the BM25 query.
- adapter: a linear map fitted (ridge, shrunk towards the identity) so that a sub-question's
  vector lands near its answer parts' vectors; the dense search uses normalise(q + q W).

`ACTIVE` (a set of: asked, translate, compounds, adapter) holds the methods in use, DEFAULT_METHODS
unless a benchmark or a test sets it; benchmarks/RESULTS.md, "Lay language", says what each one
measured alone and together.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from .textutil import fold

VERSION = 1
DEFAULT_METHODS = ("asked", "translate", "compounds", "adapter")
ASKED_WEIGHT = 0.9  # an answer part gets this share of its sub-question's fused score
TRANSLATE_WEIGHT = 0.15  # fusion weight of the translated BM25 list (the query's own lists: 1)
EM_ITERATIONS = 8
T_MIN = 0.05  # translations kept: t(a|q) at least this ...
T_TOP = 3  # ... and at most this many per question word
MAX_PAIRS = 20000  # the translation table learns from at most this many pairs (an archive's first)
MIN_PAIRS = 2  # a question word needs this many pairs to be translated
COMPOUND_MIN = 8  # a word shorter than this is not split
RIDGE = 3.0  # the adapter's shrinkage towards the identity
MIN_ADAPTER_PAIRS = 8  # fewer sub-question/answer pairs: no adapter
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


# The methods in use (benchmarks/lay_eval.py and the tests switch them; the CLI uses the default).
ACTIVE: frozenset[str] = frozenset(DEFAULT_METHODS)


def methods() -> frozenset[str]:
    return ACTIVE


def _numbers(label: str) -> set[int]:
    """'3' -> {3}; '2-3' -> {2, 3}; '1-2-4' -> {1, 2, 4}; '' -> {}."""
    nums = [int(x) for x in re.findall(r"\d+", label or "")]
    if len(nums) == 2 and "-" in label and nums[1] > nums[0] and nums[1] - nums[0] < 10:
        return set(range(nums[0], nums[1] + 1))
    return set(nums)


def _order(cid: str) -> tuple:
    doc, section, n = (cid.rsplit(":", 2) + ["", ""])[:3]
    return (doc, section, int(n) if n.isdigit() else 0)


# -- at ingest ----------------------------------------------------------------------------------

def build(chunks) -> tuple[dict, "np.ndarray | None"]:
    """The lay data of an index from its chunks: (chunk id, text, metadata[, vector]) rows as the
    vector store scans them (metadata: section, part), and the query adapter (None without
    vectors or with too few pairs). Deterministic for one set of chunks."""
    from .storage.lexical import tokenize

    rows, vecs = [], {}
    for row in chunks:
        cid, text, meta = row[0], row[1] or "", row[2] or {}
        rows.append((cid, text, meta))
        if len(row) > 3 and row[3] is not None:
            vecs[cid] = row[3]
    rows.sort(key=lambda r: _order(r[0]))
    by_doc: dict[str, dict[str, list]] = defaultdict(lambda: {"question": [], "answer": []})
    words: Counter = Counter()
    surface: dict[str, Counter] = defaultdict(Counter)
    for cid, text, meta in rows:
        for w in _WORD.findall(fold(text)):
            if len(w) > 2:
                words[w] += 1
        sec = meta.get("section") or cid.rsplit(":", 2)[-2]
        if sec in ("question", "answer"):
            by_doc[cid.split(":", 1)[0]][sec].append((cid, meta.get("part") or "", text))
    asked: dict[str, list[str]] = {}
    pairs: list[tuple[list[str], list[str]]] = []
    for did in sorted(by_doc):
        d = by_doc[did]
        for qcid, qlabel, qtext in d["question"]:
            qn = _numbers(qlabel)
            if not qn:
                continue
            answers = [(acid, atext) for acid, alabel, atext in d["answer"] if qn & _numbers(alabel)]
            if not answers:
                continue
            asked[qcid] = [acid for acid, _ in answers]
            if len(pairs) >= MAX_PAIRS:
                continue
            qtok = tokenize(qtext)
            atok = tokenize(" ".join(t for _, t in answers))
            if qtok and atok:
                pairs.append((qtok, atok))
    for w, c in words.items():
        tok = tokenize(w)
        if tok:
            surface[tok[0]][w] += c
    data = {"version": VERSION, "chunks": len(rows), "asked": asked,
            "translate": ibm1(pairs), "words": {w: c for w, c in sorted(words.items())},
            "surface": {s: min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0] for s, c in sorted(surface.items())}}
    return data, adapter(asked, vecs)


def adapter(asked: dict[str, list[str]], vecs: dict) -> "np.ndarray | None":
    """A linear map W that moves a sub-question's vector towards the mean vector of its answer
    parts: ridge regression shrunk towards the identity,
        W = argmin ||X W - Y||^2 + RIDGE ||W - I||^2 = (X'X + RIDGE I)^-1 (X'Y + RIDGE I).
    The query then searches with normalise(q + q W)."""
    import numpy as np

    keys = [q for q in sorted(asked) if q in vecs and all(a in vecs for a in asked[q])][:MAX_PAIRS]
    if len(keys) < MIN_ADAPTER_PAIRS:
        return None
    X = np.asarray([vecs[q] for q in keys], dtype=np.float64)
    Y = np.asarray([np.mean([vecs[a] for a in asked[q]], axis=0) for q in keys], dtype=np.float64)
    Y /= np.maximum(np.linalg.norm(Y, axis=1, keepdims=True), 1e-12)
    eye = np.eye(X.shape[1])
    return np.linalg.solve(X.T @ X + RIDGE * eye, X.T @ Y + RIDGE * eye).astype(np.float32)


def ibm1(pairs: list[tuple[list[str], list[str]]], iterations: int = EM_ITERATIONS) -> dict[str, list]:
    """IBM Model 1 by EM: t(a | q) for question words q and answer words a (with a NULL question
    word, which soaks up the answer words no question word explains). Kept per question word: the
    T_TOP best other words with t >= T_MIN, for words seen in at least MIN_PAIRS pairs.

    Vectorised over the (pair, question word, answer word) cells (numpy): one EM step is a few
    bincounts, where the dictionary version took 0.7 s for 184 pairs."""
    import numpy as np

    if not pairs:
        return {}
    null = "\0"
    seen: Counter = Counter(q for qs, _ in pairs for q in set(qs))
    qvocab = sorted({q for qs, _ in pairs for q in qs} | {null})
    avocab = sorted({a for _, a_s in pairs for a in a_s})
    qi, ai = {w: i for i, w in enumerate(qvocab)}, {w: i for i, w in enumerate(avocab)}
    cq, ca, cn, cs = [], [], [], []  # a cell: question word, answer word, the answer word's count, its (pair, a) slot
    slot = 0
    for qs, a_s in pairs:
        qids = np.asarray([qi[q] for q in sorted(set(qs))] + [qi[null]], dtype=np.int64)
        ac = Counter(a_s)
        aids = np.asarray([ai[a] for a in ac], dtype=np.int64)
        ns = np.asarray(list(ac.values()), dtype=np.float64)
        cq.append(np.repeat(qids, len(aids)))
        ca.append(np.tile(aids, len(qids)))
        cn.append(np.tile(ns, len(qids)))
        cs.append(np.tile(np.arange(slot, slot + len(aids)), len(qids)))
        slot += len(aids)
    cq, ca, cn, cs = (np.concatenate(x) for x in (cq, ca, cn, cs))
    # The (q, a) pairs that co-occur: t is kept for those only (uniform start, as EM's first step).
    key = cq * len(avocab) + ca
    keys, cell_key = np.unique(key, return_inverse=True)
    key_q = keys // len(avocab)
    t = np.ones(len(keys))
    for _ in range(iterations):
        tv = t[cell_key]
        z = np.bincount(cs, weights=tv, minlength=slot)
        counts = np.bincount(cell_key, weights=cn * tv / z[cs], minlength=len(keys))
        t = counts / np.bincount(key_q, weights=counts, minlength=len(qvocab))[key_q]
    key_a = keys % len(avocab)
    out = {}
    bounds = np.searchsorted(key_q, np.arange(len(qvocab) + 1))
    for n, q in enumerate(qvocab):
        if q == null or seen[q] < MIN_PAIRS:
            continue
        lo, hi = bounds[n], bounds[n + 1]
        best = sorted(((avocab[a], float(p)) for a, p in zip(key_a[lo:hi], t[lo:hi]) if avocab[a] != q and p >= T_MIN),
                      key=lambda ap: (-ap[1], ap[0]))
        if best:
            out[q] = [[a, round(p, 4)] for a, p in best[:T_TOP]]
    return out


# -- at query time ------------------------------------------------------------------------------

class Lay:
    """The lay data of one index, for the ranker (ranking.rank's `lay`)."""

    def __init__(self, data: dict, use: frozenset[str] | None = None, adapter=None) -> None:
        self.data = data
        self.W = adapter
        self.use = methods() if use is None else use
        # (a lay.json of before holds the asked-before map; now the catalog does: view.asked_of)
        self.asked: dict[str, list[str]] | None = data.get("asked")
        self.table: dict[str, list] = data.get("translate") or {}
        self.words: dict[str, int] = data.get("words") or {}
        self.surface: dict[str, str] = data.get("surface") or {}

    # adapter
    def query_vector(self, qvec):
        """The query vector for the dense search: normalise(q + q W) with the learned adapter."""
        if "adapter" not in self.use or self.W is None or len(qvec) != self.W.shape[0]:
            return qvec
        import numpy as np

        q = np.asarray(qvec, dtype=np.float32)
        v = q + q @ self.W
        return v / max(float(np.linalg.norm(v)), 1e-12)

    # compounds
    def split(self, word: str) -> list[str]:
        """Two words of the index that make up `word` (a linking s/e/en between them allowed), the
        split with the longest known tail; [] when `word` is known or no split is."""
        w = fold(word)
        if len(w) < COMPOUND_MIN or w in self.words:
            return []
        for i in range(3, len(w) - 2):
            head, tail = w[:i], w[i:]
            if tail not in self.words:
                continue
            for h in (head, head[:-1] if head.endswith("s") else "", head[:-2] if head.endswith("en") else "",
                      head[:-1] if head.endswith("e") else ""):
                if len(h) >= 3 and h in self.words:
                    return [h, tail]  # the first known split has the longest tail
        return []

    def lexical_query(self, query: str) -> str:
        """The BM25 query with the parts of unknown compounds added."""
        if "compounds" not in self.use or not self.words:
            return query
        extra = [p for w in _WORD.findall(query) for p in self.split(w)]
        return query if not extra else query + " " + " ".join(extra)

    # translation
    def translated_query(self, query: str) -> str:
        """The words answers use for the query's words (IBM Model 1), as a BM25 query; '' if none."""
        if "translate" not in self.use or not self.table:
            return ""
        from .storage.lexical import tokenize

        q = set(tokenize(query))
        out: list[str] = []
        for s in dict.fromkeys(tokenize(query)):
            for a, _p in self.table.get(s, []):
                if a not in q and a not in out:
                    out.append(a)
        return " ".join(self.surface.get(a, a) for a in out)

    def fuse_into(self, view, query: str, fused: dict[str, float], k: int, doc_ids) -> dict[str, float]:
        """The ranker's hook after fusion: the translated BM25 list (weight TRANSLATE_WEIGHT, scores
        relative to its best) and the asked-before boost."""
        tq = self.translated_query(query)
        if tq:
            hits = view.lexical(tq, k, doc_ids)
            top = hits[0][1] if hits and hits[0][1] else 1.0
            fused = dict(fused)
            for cid, s in hits:
                fused[cid] = fused.get(cid, 0.0) + TRANSLATE_WEIGHT * s / top
        return self.boost_asked(fused, view)

    # asked before
    def boost_asked(self, fused: dict[str, float], view=None) -> dict[str, float]:
        """Answer parts of the sub-questions among the candidates get ASKED_WEIGHT of their
        sub-question's score (when that is more than their own). The map is the file's (one of
        before) or the index's for these candidates (`view.asked_of`)."""
        if "asked" not in self.use:
            return fused
        if self.asked is not None:
            asked = self.asked
        else:
            asked = view.asked_of(list(fused)) if view is not None and hasattr(view, "asked_of") else {}
        if not asked:
            return fused
        out = dict(fused)
        for cid, s in fused.items():
            for a in asked.get(cid, ()):
                if ASKED_WEIGHT * s > out.get(a, 0.0):
                    out[a] = ASKED_WEIGHT * s
        return out


_CACHE: dict[str, tuple[tuple, Lay | None]] = {}


def for_index(root) -> Lay | None:
    """The Lay of the index at `root`, read once per change of its file (None: no file, or every
    method off)."""
    from pathlib import Path

    from .storage import layfile

    use = methods()
    if not use:
        return None
    p = layfile.path_of(Path(root))
    try:
        st = p.stat()
        key = (st.st_mtime_ns, st.st_size, use)
    except OSError:
        return None
    hit = _CACHE.get(str(p))
    if hit is None or hit[0] != key:
        data = layfile.load(Path(root))
        hit = (key, Lay(data, use, layfile.load_adapter(Path(root))) if data else None)
        _CACHE[str(p)] = hit
    return hit[1]
