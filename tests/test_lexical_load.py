"""The BM25 index: bm25s's own scores (the "lucene" variant), in segments that score as one
index, updated in proportion to the change, merged without changing a score; the query side
imports neither bm25s nor scipy."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pq_assistant.storage import lexical as lexmod
from pq_assistant.storage.lexical import LexicalIndex, tokenize

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
IDS = [f"d:answer:{i}" for i in range(len(TEXTS))]


def bm25s_scores(texts, query):
    import bm25s

    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index([tokenize(t) or ["\u2205"] for t in texts], show_progress=False)
    toks = [t for t in tokenize(query) if t in ref.vocab_dict]
    return ref.get_scores(toks) if toks else np.zeros(len(texts))


def test_same_scores_as_bm25s(tmp_path):
    lex = LexicalIndex(tmp_path / "lexical")
    lex.build(IDS, TEXTS)
    for q in QUERIES:
        np.testing.assert_allclose(lex.scores(tokenize(q)), bm25s_scores(TEXTS, q), rtol=1e-5, atol=1e-6)
    hits = lex.search("Huizen van het Kind", k=3)
    assert [cid for cid, _ in hits][:1] in (["d:answer:4"], ["d:answer:0"])


def test_segments_score_as_one_index_and_merge_without_changing_a_score(tmp_path, monkeypatch):
    """Built in three steps (with one chunk replaced and one removed on the way) it gives the
    scores of one index of the same chunks (the replaced ones count in the statistics until a
    merge, as in Lucene); merged, exactly one index of the live chunks."""
    lex = LexicalIndex(tmp_path / "lexical")
    lex.build(IDS[:3], TEXTS[:3])
    lex.update([], IDS[3:], TEXTS[3:])
    assert len(lex.ids) == 6 and lex.count == 6
    for q in QUERIES:
        np.testing.assert_allclose(lex.scores(tokenize(q)), bm25s_scores(TEXTS, q), rtol=1e-5, atol=1e-6)
    new = "Er zijn nu 160 erkende Huizen van het Kind."
    lex.update({IDS[0], IDS[5]}, [IDS[0]], [new])
    assert sorted(lex.ids) == sorted(IDS[:5]) and lex.count == 5
    assert lex.search("160 erkende huizen", k=1)[0][0] == IDS[0]
    assert not [cid for cid, _ in lex.search("231 gemeenten", k=5) if cid == IDS[0]]  # the old text is gone
    monkeypatch.setattr(lexmod, "MAX_DELETED", 0.0)  # merge everything on the next update
    lex.update([], [], [])
    assert len(lex._manifest()["segments"]) == 1 and lex.leftovers() == []
    live = [new] + TEXTS[1:5]
    order = [IDS[0]] + IDS[1:5]
    for q in QUERIES:
        sc = lex.scores(tokenize(q))
        got = dict(zip(lex._all, sc))
        np.testing.assert_allclose([got[c] for c in order], bm25s_scores(live, q), rtol=1e-5, atol=1e-6)


def test_many_small_segments_are_merged(tmp_path):
    lex = LexicalIndex(tmp_path / "lexical")
    lex.build(IDS[:1], TEXTS[:1])
    for i in range(1, len(TEXTS)):
        lex.update([], [f"x{i}:answer:0"], [TEXTS[i]])
    for i in range(1, 6):
        lex.update([], [f"y{i}:answer:0"], [TEXTS[i]])
    assert len(lex._manifest()["segments"]) <= lexmod.MAX_SEGMENTS
    assert lex.count == 11 and len(set(lex.ids)) == 11
    assert sorted(p.name for p in (tmp_path / "lexical").iterdir() if p.is_dir()) == sorted(
        s["name"] for s in lex._manifest()["segments"])


def test_a_folder_of_the_old_layout_is_read(tmp_path):
    """Before segments the folder was one bm25s index (ids.json + bm25s files)."""
    import bm25s
    import json

    folder = tmp_path / "lexical"
    ref = bm25s.BM25(k1=1.2, b=0.75)
    ref.index([tokenize(t) or ["\u2205"] for t in TEXTS], show_progress=False)
    ref.save(str(folder))
    (folder / "ids.json").write_text(json.dumps(IDS))
    lex = LexicalIndex(folder)
    assert lex.is_legacy and lex.ids == IDS
    for q in QUERIES:
        np.testing.assert_allclose(lex.scores(tokenize(q)), bm25s_scores(TEXTS, q), rtol=1e-5, atol=1e-6)
    lex.build(IDS, TEXTS)  # a writer rebuilds it
    assert not lex.is_legacy and sorted(p.name for p in folder.iterdir()) == ["seg-1", "segments.json"]


@pytest.mark.parametrize("legacy", [False, True])
def test_query_side_does_not_import_bm25s(tmp_path, legacy):
    if legacy:
        import bm25s
        import json

        ref = bm25s.BM25(k1=1.2, b=0.75)
        ref.index([tokenize(t) for t in TEXTS[:2]], show_progress=False)
        ref.save(str(tmp_path / "lexical"))
        (tmp_path / "lexical" / "ids.json").write_text(json.dumps(["a:text:0", "a:text:1"]))
    else:
        LexicalIndex(tmp_path / "lexical").build(["a:text:0", "a:text:1"], TEXTS[:2])
    code = ("import sys; from pq_assistant.storage.lexical import LexicalIndex; "
            f"r = LexicalIndex({str(tmp_path / 'lexical')!r}).search('budget werkingsmiddelen'); "
            "assert r and r[0][0] == 'a:text:1', r; print('bm25s' in sys.modules, 'scipy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=Path(__file__).parent.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False False"
