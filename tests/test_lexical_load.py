"""The query-side reader of the BM25 index gives bm25s's own scores, without importing bm25s."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

from pq_assistant.storage.lexical import LexicalIndex, _SavedBM25, tokenize

TEXTS = [
    "Op 1 mei 2018 waren er 153 erkende Huizen van het Kind in 231 gemeenten.",
    "Het budget voor de werkingsmiddelen bedroeg in 2019 6,8 miljoen euro.",
    "De inloopteams bereikten 5.870 gezinnen; 71 % leefde in kansarmoede.",
    "Kind en Gezin organiseert consultatiebureaus in elke gemeente van Vlaanderen.",
    "Huizen van het Kind werken samen met opvoedingswinkels en inloopteams.",
    "",
]
QUERIES = ["Huizen van het Kind", "kind kind gemeenten", "5870 gezinnen", "6,8 miljoen euro budget", "inloopteams",
           "consultatiebureau Vlaanderen 2018"]


def test_same_scores_as_bm25s(tmp_path):
    import bm25s

    lex = LexicalIndex(tmp_path / "lexical")
    lex.build([f"d:answer:{i}" for i in range(len(TEXTS))], TEXTS)
    ref = bm25s.BM25.load(str(tmp_path / "lexical"), mmap=True, show_progress=False)
    mine = _SavedBM25.load(tmp_path / "lexical")
    assert isinstance(mine, _SavedBM25)
    for q in QUERIES:
        toks = [t for t in tokenize(q) if t in ref.vocab_dict]
        assert toks, q
        a, b = ref.get_scores(toks), mine.get_scores(toks)
        assert a.dtype == b.dtype and np.array_equal(a, b), q
    hits = lex.search("Huizen van het Kind", k=3)
    assert [cid for cid, _ in hits][:1] in (["d:answer:4"], ["d:answer:0"])


def test_query_side_does_not_import_bm25s(tmp_path):
    LexicalIndex(tmp_path / "lexical").build(["a:text:0", "a:text:1"], TEXTS[:2])
    code = ("import sys; from pq_assistant.storage.lexical import LexicalIndex; "
            f"r = LexicalIndex({str(tmp_path / 'lexical')!r}).search('budget werkingsmiddelen'); "
            "assert r and r[0][0] == 'a:text:1', r; print('bm25s' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
