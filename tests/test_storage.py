"""The storage package: the one owner of the index (catalog, vectors, BM25, ledger files), an
index of the old layout opened and migrated, filters as SQL, and nothing outside storage/ that
touches an index file or Chroma."""
from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT, SMALL, copy_docs, ledger_rows
from typer.testing import CliRunner

from pq_assistant import Assistant, Filters
from pq_assistant.cli import app
from pq_assistant.search import doc_passes

PKG = ROOT / "pq_assistant"
LEGACY = DATA / "legacy-index-v1"


def _sources():
    for p in sorted(PKG.rglob("*.py")):
        yield p, p.read_text(encoding="utf-8")


def test_only_storage_imports_chromadb_or_names_index_files():
    """No module outside pq_assistant/storage/ imports chromadb or names a file of the index."""
    # a file name of the index anywhere, or one of its folders joined to a path
    index_files = re.compile(r"""["'](manifest\.json|catalog\.sqlite|figures\.json|figures\.npy|chroma\.sqlite3|"""
                             r"""ids\.json|\.lock)["']|/\s*["'](docs|chroma|lexical)["']""")
    offenders = []
    for p, text in _sources():
        rel = p.relative_to(PKG).as_posix()
        if rel.startswith("storage/"):
            continue
        for node in ast.walk(ast.parse(text)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n == "chromadb" or n.startswith("chromadb.") for n in names):
                offenders.append(f"{rel}:{node.lineno}: imports chromadb")
        for m in index_files.finditer(text):
            offenders.append(f"{rel}: names the index file {m.group(1) or m.group(2)!r}")
    assert offenders == []


def test_configuration_is_read_in_the_cli_only():
    """PQ_* variables are read by cli.py alone; the library gets its settings as arguments."""
    offenders = [p.relative_to(PKG).as_posix() for p, text in _sources()
                 if p.name != "cli.py" and re.search(r"""(environ(\.get)?\s*[\[(]|getenv\()\s*["']PQ_""", text)]
    assert offenders == []


@pytest.fixture
def legacy(tmp_path: Path) -> Path:
    index = tmp_path / "index"
    shutil.copytree(LEGACY, index)
    return index


def test_an_index_with_its_ledger_in_figures_json_opens_and_the_ledger_moves_into_the_catalog(tmp_path: Path):
    """tests/data/index-v2-ledger-json was written by the code of before the ledger moved into
    the catalog (figures.json + figures.npy): opening it moves the entries in as they are."""
    index = tmp_path / "index"
    shutil.copytree(DATA / "index-v2-ledger-json", index)
    old = json.loads((index / "figures.json").read_text(encoding="utf-8"))
    notes: list[str] = []
    a = Assistant(index, model="hash:128", on_notice=notes.append)
    ans = a.ask("Hoeveel Huizen van het Kind zijn er erkend?", top_k=3)
    assert ans.passages and ans.figures
    assert notes == [f"cijferregister figures.json overgezet naar de catalogus ({len(old)} cijfers, niets opnieuw berekend)"]
    assert not (index / "figures.json").exists() and not (index / "figures.npy").exists()
    got = ledger_rows(a)
    assert [(g, st, rb, cf, f["value"], f["date"], f["chunk_id"]) for g, st, rb, cf, f in got] == [
        (r["_group"], r["_status"], r["_replaced_by"], r["_confirms"], r["value"], r["date"], r["chunk_id"]) for r in old]
    assert a.check() == []
    # the next change updates it in the catalog, for the timelines it touches
    src = copy_docs(["2018-503-regionale-spreiding.txt"], tmp_path / "src")
    f = src / "2018-503-regionale-spreiding.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("153", "157"), encoding="utf-8")
    a.ingest([f])
    assert "157" in {e.figure.value for e in a.ledger()} and a.check() == []


def test_a_ledger_whose_rows_hold_their_pointers_is_read_as_is_and_rebuilt_by_the_next_writer(tmp_path: Path):
    """tests/data/index-v3-ledger-rows was written by the code of before ledger_current and the
    rkey column (6f833ea: every replaced figure's row held its pointer): it is read as it is, and
    the first change rebuilds the ledger (its rows lack the new columns), with one pointer a
    series; the ledger is then the one a rebuild makes."""
    import sqlite3

    index = tmp_path / "index"
    shutil.copytree(DATA / "index-v3-ledger-rows", index)
    with sqlite3.connect(index / "catalog.sqlite") as db:
        old = [(g, st, json.loads(d)["_replaced_by"]) for g, st, d in db.execute("SELECT grp, status, data FROM ledger "
                                                                                 "ORDER BY fid")]
    assert sum(rb is not None for _g, _st, rb in old) == 4
    a = Assistant(index, model="hash:128")
    assert [(g, st, rb) for g, st, rb, _cf, _f in ledger_rows(a)] == old
    src = copy_docs(["2018-503-regionale-spreiding.txt"], tmp_path / "src")
    f = src / "2018-503-regionale-spreiding.txt"
    f.write_text(f.read_text(encoding="utf-8").replace("153", "157"), encoding="utf-8")
    a.ingest([f])
    assert "157" in {e.figure.value for e in a.ledger()} and a.check() == []
    with sqlite3.connect(index / "catalog.sqlite") as db:
        assert {json.loads(d)["_replaced_by"] for (d,) in db.execute("SELECT data FROM ledger WHERE past = 1")} == {"series"}
        assert db.execute("SELECT COUNT(*) FROM ledger_current").fetchone()[0] >= 1
    _same_as_rebuild(a)


def test_an_index_of_the_old_layout_opens_is_migrated_and_answers(legacy: Path):
    """tests/data/legacy-index-v1 was written by the code before storage/ (manifest.json, docs/)."""
    old = json.loads((legacy / "manifest.json").read_text(encoding="utf-8"))
    notes: list[str] = []
    a = Assistant(legacy, on_notice=notes.append)
    hits = a.search("Hoeveel Huizen van het Kind zijn er erkend?", top_k=3)
    assert hits and all(p.citation.startswith("Schriftelijke vraag nr.") for p in hits)
    assert notes == [f"index {legacy} omgezet naar het nieuwe formaat (catalogus catalog.sqlite, schema 2): "
                     f"3 documenten, niets opnieuw berekend",
                     "cijferregister figures.json overgezet naar de catalogus (51 cijfers, niets opnieuw berekend)"]
    assert not (legacy / "manifest.json").exists() and not (legacy / "docs").exists()
    assert (legacy / "catalog.sqlite").exists()
    # every document with its metadata, chunks, figures and parsed record
    docs = {d["doc_id"]: d for d in a.documents()}
    assert set(docs) == set(old["docs"])
    for did, e in old["docs"].items():
        assert {k: docs[did][k] for k in ("file", "path", "sha256", "number", "date", "asker", "minister", "pages",
                                          "chunks", "figures")} == {k: e[k] for k in ("file", "path", "sha256", "number",
                                          "date", "asker", "minister", "pages", "chunks", "figures")}
        assert len(a.chunk_ids(did)) == e["chunks"]
    assert a.document("503/2018").number == "503"
    st = a.stats()
    assert (st["schema"], st["model"], st["dim"]) == (2, "hash:128", 128)
    assert len(a.all_figures()) == st["figures"] == sum(e["figures"] for e in old["docs"].values()) > 0
    assert a.check() == []
    # the CLI on it, and a second open: nothing more to migrate
    res = CliRunner().invoke(app, ["ask", "vraag 503 van 2018", "--index", str(legacy), "--json", "-k", "1"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["results"][0]["doc"] == "2018-503-regionale-spreiding.txt"
    assert "omgezet" not in res.stderr


def test_the_cli_says_in_dutch_that_it_migrated(legacy: Path):
    res = CliRunner().invoke(app, ["docs", "--index", str(legacy), "--json"])
    assert res.exit_code == 0, res.output
    assert res.stderr == (f"pq: index {legacy} omgezet naar het nieuwe formaat (catalogus catalog.sqlite, schema 2): "
                          f"3 documenten, niets opnieuw berekend\n")
    assert len(json.loads(res.stdout)["documents"]) == 3


def test_an_old_index_left_half_written_is_migrated_with_its_pending_document(legacy: Path, tmp_path: Path):
    """A schema-1 ingest killed mid-document: the pending mark comes along, the next ingest repairs it."""
    src = copy_docs(["2018-503-regionale-spreiding.txt"], tmp_path / "src")
    m = json.loads((legacy / "manifest.json").read_text(encoding="utf-8"))
    m["pending"] = "2018-503-regionale-spreiding"
    m["docs"]["2018-503-regionale-spreiding"]["path"] = str((src / "2018-503-regionale-spreiding.txt").resolve())
    (legacy / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    a = Assistant(legacy)
    assert [(p.code, p.doc_id) for p in a.check()][:1] == [("pending", "2018-503-regionale-spreiding")]
    assert a.lexical.is_legacy  # the old BM25 folder is read as it is ...
    report = a.ingest([])  # nothing named: the cut-off document comes back from its file
    assert report.ingested == [str((src / "2018-503-regionale-spreiding.txt").resolve())]
    assert not a.lexical.is_legacy  # ... and rebuilt in segments by the first writer
    assert a.check() == []
    assert a.search("vraag 503 van 2018", top_k=1)[0].doc_id == "2018-503-regionale-spreiding"


def test_old_files_left_by_a_migration_cut_off_are_deleted(legacy: Path):
    manifest = (legacy / "manifest.json").read_text(encoding="utf-8")
    Assistant(legacy).stats()  # migrates
    (legacy / "manifest.json").write_text(manifest, encoding="utf-8")  # as if killed before deleting it
    a = Assistant(legacy)
    assert [p.code for p in a.check()] == ["temp-file"]
    assert a.stats()["documents"] == 3  # the catalog wins
    a.repair()  # (any writer deletes them first thing)
    assert a.check() == [] and not (legacy / "manifest.json").exists()


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory) -> Assistant:
    base = tmp_path_factory.mktemp("storage")
    a = Assistant(base / "index", model="hash:128")
    a.ingest([ROOT / "corpus"])
    return a


@pytest.mark.parametrize("f", [
    Filters(minister="vandeurzen"), Filters(minister="Jo Vandeurzen"), Filters(asker="van malderen"),
    Filters(since="2019"), Filters(until="2016-06"), Filters(since="2015", until="2018-05-23"),
    Filters(minister="casteleyn", since="2025"), Filters(number="214"), Filters(minister="nobody"),
    Filters(asker="maertens", until="2026"), Filters(minister="  "), Filters(type="schriftelijke-vraag", since="2020"),
])
def test_the_snapshot_look_ups_give_what_doc_passes_gives(corpus_index: Assistant, f: Filters):
    """Filters look only at the snapshot's candidates (names by word, dates sorted): the same
    documents as search.doc_passes over every document."""
    snap = corpus_index.storage.snapshot()
    want = sorted(did for did, d in snap.docs.items() if doc_passes(d, f))
    assert sorted(corpus_index._passing(snap, f)) == want
    assert sorted(d["doc_id"] for d in corpus_index.documents(f)) == want


def test_changing_one_document_rewrites_only_that_document(tmp_path: Path):
    folder = copy_docs(SMALL, tmp_path / "corpus")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    before = a.storage.catalog.documents()
    f = folder / "2018-214-kleuterparticipatie.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\n\nAanvulling: 42 nieuwe kleuterscholen.\n", encoding="utf-8")
    rep = a.ingest([folder])
    assert [Path(p).name for p in rep.ingested] == ["2018-214-kleuterparticipatie.txt"]
    after = a.storage.catalog.documents()
    changed = {did for did in before if before[did] != after[did]}
    assert changed == {"2018-214-kleuterparticipatie"}
    assert a.check() == []


def test_a_change_that_leaves_the_figures_alone_keeps_the_ledger(tmp_path: Path, monkeypatch):
    """The ledger is a function of all figures: re-ingesting a document whose figures did not
    change leaves it as it is; changing a figure, adding or removing a document with figures
    updates it (for the timelines they touch: test below)."""
    from pq_assistant.storage.writer import Writer

    folder = copy_docs(SMALL, tmp_path / "corpus")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    ledger = ledger_rows(a)
    builds = []
    real = Writer.rebuild_ledger
    real_update = Writer.update_ledger
    monkeypatch.setattr(Writer, "rebuild_ledger", lambda self, build: builds.append(1) or real(self, build))
    monkeypatch.setattr(Writer, "update_ledger", lambda self, ids, build: builds.append(1) or real_update(self, ids, build))
    f = folder / "2018-503-regionale-spreiding.txt"
    text = f.read_text(encoding="utf-8")
    f.write_text(text.replace("consultatiebureau aangesloten", "zorgburgbureau aangesloten"), encoding="utf-8")
    assert a.ingest([folder]).ingested and builds == []
    assert a.check() == [] and ledger_rows(Assistant(tmp_path / "index", model="hash:128")) == ledger
    f.write_text(f.read_text(encoding="utf-8").replace("153", "157"), encoding="utf-8")
    assert a.ingest([folder]).ingested and builds == [1]
    assert "157" in {e.figure.value for e in a.ledger()}
    (folder / "2021-214-prenatale-ondersteuning.txt").unlink()
    a.ingest([folder], prune=True)
    assert builds == [1, 1] and a.check() == []


def test_a_ledger_grouped_by_older_rules_is_rebuilt_by_the_next_ingest(tmp_path: Path, monkeypatch):
    """When the grouping rules change (LEDGER_VERSION), an index's saved timelines are of the old
    rules: the next ingest rebuilds the ledger even when no file changed, once, and stores the
    version it grouped by; an ingest after that leaves it alone."""
    from pq_assistant.figures.ledger import LEDGER_VERSION
    from pq_assistant.storage.writer import Writer

    folder = copy_docs(SMALL[:2], tmp_path / "corpus")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    assert a.storage.catalog._meta("ledger_version") == LEDGER_VERSION
    with a.storage.catalog.transaction():
        a.storage.catalog._set("ledger_version", LEDGER_VERSION - 1)  # as an older pq left it
    builds = []
    real = Writer.rebuild_ledger
    monkeypatch.setattr(Writer, "rebuild_ledger", lambda self, build: builds.append(1) or real(self, build))
    b = Assistant(tmp_path / "index", model="hash:128")
    assert b.ingest([folder]).unchanged and builds == [1]
    assert b.storage.catalog._meta("ledger_version") == LEDGER_VERSION and b.check() == []
    b.ingest([folder])
    assert builds == [1]


def _timelines(entries) -> tuple[set, dict]:
    """The ledger as what it says: which figures share a timeline, and each figure's status."""
    key = lambda f: (f.doc_id, f.chunk_id, f.start, f.value, f.quantity)  # noqa: E731
    groups: dict[int, set] = {}
    for e in entries:
        groups.setdefault(e.group, set()).add(key(e.figure))
    return {frozenset(g) for g in groups.values()}, {key(e.figure): (e.status, e.replaced_by) for e in entries}


def test_a_question_reads_only_the_ledger_rows_it_needs(tmp_path: Path, monkeypatch):
    """An answer and `pq figures <quantity>` read the figures of the passages, of the candidate
    timelines, the phrase vectors and the keys: never the whole ledger (what made a cold ask
    cost 28 s on a big index)."""
    from pq_assistant.storage.ledgerdb import LedgerDB

    folder = copy_docs(SMALL, tmp_path / "corpus")
    Assistant(tmp_path / "index", model="hash:128").ingest([folder])
    monkeypatch.setattr(LedgerDB, "all", lambda self: pytest.fail("the whole ledger was read"))
    a = Assistant(tmp_path / "index", model="hash:128")
    ans = a.ask("Hoeveel erkende Huizen van het Kind zijn er?", top_k=3)
    assert ans.figures and all(ans.status[id(f)] for f in ans.figures)
    entries = a.figures("aantal erkende Huizen van het Kind")
    assert entries and {e.figure.value for e in entries} >= {"153"}


def test_the_ledger_updated_for_one_document_equals_a_rebuild(tmp_path: Path, monkeypatch):
    """Adding, changing and removing one document update the ledger for the timelines it touches
    (no whole rebuild), and the result is the ledger a whole rebuild makes."""
    from pq_assistant.storage.writer import Writer

    names = ["2018-503-regionale-spreiding.txt"] + [
        p.name for p in sorted((ROOT / "corpus").iterdir()) if p.suffix == ".txt" and not p.name.startswith("2018-503")][:13]
    folder = copy_docs(names[:-1], tmp_path / "corpus")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    rebuilds, updates = [], []
    real_rebuild, real_update = Writer.rebuild_ledger, Writer.update_ledger
    monkeypatch.setattr(Writer, "rebuild_ledger", lambda self, build: rebuilds.append(1) or real_rebuild(self, build))
    monkeypatch.setattr(Writer, "update_ledger", lambda self, ids, build: updates.append(set(ids)) or real_update(self, ids, build))

    def same_as_rebuild() -> None:
        got = _timelines(a.ledger())
        led = a.figures_ledger
        assert led.problems() == [] and len(led.phrases()[1]) == len({e.figure.quantity or e.figure.unit for e in a.ledger()})
        a.rebuild_ledger()
        assert _timelines(a.ledger()) == got
        assert a.check() == []

    copy_docs(names[-1:], folder)
    a.ingest([folder])
    assert updates and rebuilds == []
    same_as_rebuild()
    f = folder / "2018-503-regionale-spreiding.txt"
    rebuilds.clear(), updates.clear()
    f.write_text(f.read_text(encoding="utf-8").replace("153", "157"), encoding="utf-8")
    a.ingest([folder])
    assert updates == [{a.resolve_doc(f.name)}] and rebuilds == []
    assert "157" in {e.figure.value for e in a.ledger()}
    same_as_rebuild()
    rebuilds.clear(), updates.clear()
    (folder / names[1]).unlink()
    a.ingest([folder], prune=True)
    assert updates and rebuilds == []
    same_as_rebuild()


def _series_paths(monkeypatch) -> list[bool]:
    """Whether each ledger update took the path in time of its series (True) or regrouped (False)."""
    from pq_assistant.storage import ledgerupdate

    paths: list[bool] = []
    real = ledgerupdate.update_series
    monkeypatch.setattr(ledgerupdate, "update_series",
                        lambda *args: (lambda n: paths.append(n is not None) or n)(real(*args)))
    return paths


def _same_as_rebuild(a) -> None:
    """The ledger as the updates left it is the one a whole rebuild makes."""
    got = _timelines(a.ledger())
    a.rebuild_ledger()
    assert _timelines(a.ledger()) == got
    assert a.check() == []


def test_a_document_that_only_adds_to_known_quantities_updates_only_their_series(tmp_path: Path, monkeypatch):
    """A document whose figures all count quantities the ledger knows (and are not the first
    statement of any) changes no grouping: only the series it adds to or leaves are annotated
    again, and the ledger is the one a whole rebuild makes, when it comes, changes and goes."""
    from pq_assistant.storage import ledgerupdate

    names = ["2018-503-regionale-spreiding.txt", "2014-86-stand-van-zaken-erkenningen.txt",
             "2025-287-aantal-en-werkingsgebied-per-provincie.txt"]
    folder = copy_docs(names, tmp_path / "corpus")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    paths = _series_paths(monkeypatch)
    same_as_rebuild = lambda: _same_as_rebuild(a)  # noqa: E731

    # a later answer that repeats the 2018 figures with one newer value (sorts after every document)
    late = folder / "zz-2026-herhaling-regionale-spreiding.txt"
    late.write_text((folder / names[0]).read_text(encoding="utf-8").replace("op 1/5/2018", "op 1/5/2026"), encoding="utf-8")
    a.ingest([folder])
    assert paths == [True]
    same_as_rebuild()
    late.write_text(late.read_text(encoding="utf-8").replace("153", "157"), encoding="utf-8")
    a.ingest([folder])
    assert paths == [True, True] and "157" in {e.figure.value for e in a.ledger()}
    same_as_rebuild()
    late.unlink()
    a.ingest([folder], prune=True)
    assert paths == [True, True, True]
    same_as_rebuild()
    # an answer about an older reference date than the series' current ones: only that date's
    # figures are marked again (the series' current value does not move)
    olds = []
    real_old = ledgerupdate.old_buckets
    monkeypatch.setattr(ledgerupdate, "old_buckets", lambda *args: (lambda r: olds.append(bool(r)) or r)(real_old(*args)))
    early = folder / "zz-2026-terugblik-2012.txt"
    early.write_text((folder / names[0]).read_text(encoding="utf-8").replace("op 1/5/2018", "op 1/5/2012"), encoding="utf-8")
    a.ingest([folder])
    assert paths[-1] is True and any(olds), olds
    same_as_rebuild()
    early.write_text(early.read_text(encoding="utf-8").replace("153", "151"), encoding="utf-8")
    a.ingest([folder])
    same_as_rebuild()
    early.unlink()
    a.ingest([folder], prune=True)
    same_as_rebuild()


def _answer(title: str, number: int, date: str, body: str) -> str:
    """A written question's text in the corpus' shape (title, question, the answer's header)."""
    return (f" Kansarmoede  -  {title}\n\n1. Hoe evolueert de kansarmoede?\n\n\nHILDE CREVITS\n"
            f"VLAAMS MINISTER VAN WELZIJN, VOLKSGEZONDHEID EN GEZIN\n\nANTWOORD\nop vraag nr. {number} van {date}\n"
            f"van BART VAN MALDEREN\n\n1. {body}\n")


def test_a_document_that_names_one_quantity_twice_is_regrouped_not_only_annotated(tmp_path: Path, monkeypatch):
    """A document that states one distinctive value for one date under two phrases joins their
    timelines (figures.timelines): the update in time of its series alone must not be taken for
    it, when it comes nor when it goes. The ledger is the one a whole rebuild makes."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a-2025-10-index.txt").write_text(_answer("Index", 10, "3 maart 2025",
        "De kansarmoede-index voor 2024 bedraagt 17,4 procent."), encoding="utf-8")
    (folder / "b-2025-11-geboorten.txt").write_text(_answer("Geboorten", 11, "4 maart 2025",
        "In 2024 werd 17,4 procent van de kinderen geboren in een kansarm gezin."), encoding="utf-8")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    groups = lambda: {e.group for e in a.ledger() if e.figure.value in ("17,4", "17,8")}  # noqa: E731
    assert len(groups()) == 2, [(e.figure.value, e.figure.quantity) for e in a.ledger()]
    paths = _series_paths(monkeypatch)
    same_as_rebuild = lambda: _same_as_rebuild(a)  # noqa: E731

    both = folder / "c-2026-12-beide.txt"
    both.write_text(_answer("Beide", 12, "25 maart 2026", "De kansarmoede-index voor 2025 bedraagt 17,8 procent. "
                            "In 2025 werd 17,8 procent van de kinderen geboren in een kansarm gezin."), encoding="utf-8")
    a.ingest([folder])
    assert paths == [False] and len(groups()) == 1
    same_as_rebuild()
    both.unlink()
    a.ingest([folder], prune=True)
    assert paths == [False, False] and len(groups()) == 2
    same_as_rebuild()


@pytest.mark.parametrize("f", [None, Filters(minister="vandeurzen"), Filters(since="2019"), Filters(until="2016-06")])
def test_the_vector_segments_rank_as_chroma_does(corpus_index: Assistant, f):
    """The exact search over the index's vector segments (filtered searches over few documents,
    and every search of a one-question process) finds the neighbours Chroma finds, with the same
    similarities, and the chunk texts read from the catalog are Chroma's."""
    s = corpus_index.storage
    snap = corpus_index.require_index()
    ids = None if f is None else corpus_index._passing(snap, f)
    rows = snap.vector_rows(ids)
    assert rows is not None and sum(len(r) for r in rows.values()) == (
        snap.chunk_total() if ids is None else sum(snap.docs[d]["chunks"] for d in ids))
    for q in ("erkende Huizen van het Kind", "budget kinderopvang per provincie"):
        qv = corpus_index.embedder.embed_queries([q])[0]
        exact = s.segments.search(qv, 10, rows)
        chroma = s.vectors.query(qv, 10, ids)
        assert [c for c, _ in exact] == [c for c, _ in chroma]
        assert all(abs(a - b) < 2e-3 for (_, a), (_, b) in zip(exact, chroma))
    some = [c for c, _ in chroma]
    assert s.catalog.chunk_rows(some) == s.vectors.get(some)


def test_one_question_processes_rank_exactly_without_chroma(tmp_path: Path, monkeypatch):
    """`pq ask` with one question (exact_search) answers without querying Chroma; segments that no
    document points at are deleted, and many small ones are merged."""
    from pq_assistant.storage import vectors

    folder = copy_docs(SMALL, tmp_path / "corpus")
    a = Assistant(tmp_path / "index", model="hash:128")
    for p in sorted(folder.iterdir()):  # one segment a document
        a.ingest([p])
    want = [p.chunk_id for p in a.search("erkende Huizen van het Kind", top_k=5)]
    monkeypatch.setattr(vectors.ChromaVectors, "query", lambda *a, **k: pytest.fail("Chroma was queried"))
    monkeypatch.setattr(vectors.ChromaVectors, "get", lambda *a, **k: pytest.fail("Chroma was read"))
    b = Assistant(tmp_path / "index", exact_search=True)
    assert [p.chunk_id for p in b.search("erkende Huizen van het Kind", top_k=5)] == want
    assert b.search("kinderopvang", top_k=3, filters=Filters(since="2019"))
    monkeypatch.undo()
    segs = a.storage.segments
    assert len(segs.names()) == len(SMALL)
    f = folder / "2018-503-regionale-spreiding.txt"
    f.write_text(f.read_text(encoding="utf-8") + "\n\nAanvulling: er kwamen 12 plaatsen bij.\n", encoding="utf-8")
    a.ingest([f])
    assert len(segs.names()) == len(SMALL)  # the changed document's old segment is gone
    from pq_assistant.storage import dense
    monkeypatch.setattr(dense, "MAX_SEGMENTS", 2)
    f.write_text(f.read_text(encoding="utf-8") + "\nNog een zin.\n", encoding="utf-8")
    a.ingest([f])
    assert len(segs.names()) == 1 and a.check() == []
    assert [p.chunk_id for p in a.search("erkende Huizen van het Kind", top_k=5)] == want


def test_doctor_finds_and_fixes_a_lost_vector_segment(tmp_path: Path):
    folder = copy_docs(SMALL[:3], tmp_path / "corpus")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    want = [p.chunk_id for p in a.search("kinderopvang", top_k=5, filters=Filters(since="2015"))]
    for seg in a.storage.segments.names():  # one a document (each was written on its own)
        (tmp_path / "index" / "vectors" / f"{seg}.npy").unlink()
    problems = Assistant(tmp_path / "index").check()
    assert {p.code for p in problems} == {"vectors"} and len(problems) == 3
    assert "vectorsegment" in problems[0].message
    res = CliRunner().invoke(app, ["doctor", "--fix", "--index", str(tmp_path / "index")])
    assert res.exit_code == 0, res.output
    assert "pq doctor: hersteld: vectoren van 3 documenten opnieuw geschreven" in res.stderr
    assert len(a.storage.segments.names()) == 1
    b = Assistant(tmp_path / "index")
    assert b.check() == [] and [p.chunk_id for p in b.search("kinderopvang", top_k=5, filters=Filters(since="2015"))] == want


def test_no_import_cycle_between_the_modules():
    """The modules' top-level imports (those run when a module is imported) form no cycle."""
    graph: dict[str, set[str]] = {}
    for path, text in _sources():
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        package = name if parts[-1] == "__init__" else ".".join(parts[:-1])
        deps = graph.setdefault(name, set())
        for node in ast.parse(text).body:  # module level only: imports inside functions are lazy
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if target.startswith("pq_assistant"):
                    deps.add(target)
                    deps.update(f"{target}.{a.name}" for a in node.names)  # `from . import x`
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("pq_assistant"))
    # (a module's own packages are being imported already when it runs: not an edge)
    graph = {m: {d for d in ds if d in graph and d != m and not m.startswith(d + ".")} for m, ds in graph.items()}
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(m: str, stack: list[str]) -> bool:
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                cycle.extend(stack[stack.index(d):] + [m, d] if d in stack else [m, d])
                return True
            if d not in state and visit(d, stack + [m]):
                return True
        state[m] = 2
        return False

    for m in sorted(graph):
        if m not in state and visit(m, []):
            break
    assert not cycle, " -> ".join(cycle)


def test_a_new_current_value_reads_only_the_newest_dates_of_its_series(tmp_path: Path, monkeypatch):
    """A series' older figures all point at its current figure, stored once (ledger_current): an
    answer that extends the current value's run, or ends it, reads the series' newest dates
    (more of them while the run goes on) and the dates that change, not its oldest ones, and
    leaves the ledger a whole rebuild makes."""
    from pq_assistant.storage import ledgerupdate

    folder = tmp_path / "corpus"
    folder.mkdir()
    values = {2009: 90, 2010: 92, 2011: 95, 2012: 100, 2013: 105, 2014: 110, 2015: 115, 2016: 120, 2017: 120, 2018: 120,
              2019: 120}
    for n, (year, value) in enumerate(sorted(values.items())):
        (folder / f"{year}-{n}.txt").write_text(_answer("Erkenningen", 100 + n, f"3 maart {year}",
            f"Op 1 januari {year} waren er {value} erkende Huizen van het Kind."), encoding="utf-8")
    a = Assistant(tmp_path / "index", model="hash:128")
    a.ingest([folder])
    assert len({e.group for e in a.ledger()}) == 1, [(e.figure.value, e.figure.quantity) for e in a.ledger()]
    parts: list[tuple[set[str], bool]] = []
    real = ledgerupdate.series_part
    monkeypatch.setattr(ledgerupdate, "series_part", lambda *args: (lambda r: parts.append(
        ({e.figure.date[:4] for e in r[0]}, r[2])) or r)(real(*args)))
    paths = _series_paths(monkeypatch)

    new = folder / "2020-9.txt"
    new.write_text(_answer("Erkenningen", 120, "3 maart 2020", "Op 1 januari 2020 waren er 120 erkende Huizen "
                           "van het Kind."), encoding="utf-8")
    a.ingest([folder])  # the run of 120 goes on: 2 newest dates, then 8, which hold 115 (2015) that ends it
    assert paths == [True] and parts[-1] == ({str(y) for y in range(2013, 2021)}, False), parts
    _same_as_rebuild(a)
    latest = [e for e in a.ledger() if e.status == "latest"]
    assert [(e.figure.value, e.figure.date) for e in latest] == [("120", "2016-01-01")]
    new.write_text(new.read_text(encoding="utf-8").replace("waren er 120", "waren er 125"), encoding="utf-8")
    a.ingest([folder])  # 125 ends the run: every older figure now points at it
    assert parts[-1][1] is False and "2012" not in parts[-1][0], parts
    _same_as_rebuild(a)
    old = [e for e in a.ledger() if e.figure.date.startswith("2012")]
    assert [(e.status, e.replaced_by["value"]) for e in old] == [("superseded", "125")]
    new.unlink()
    a.ingest([folder], prune=True)
    assert paths == [True, True, True]
    _same_as_rebuild(a)
    assert [e.replaced_by["value"] for e in a.ledger() if e.figure.date.startswith("2012")] == ["120"]
    # an answer that also gives another value for an older date (a conflict there), and goes again
    both = folder / "2021-10.txt"
    both.write_text(_answer("Erkenningen", 130, "3 maart 2021", "Op 1 januari 2009 waren er 91 erkende Huizen van "
                            "het Kind. Op 1 januari 2021 waren er 130 erkende Huizen van het Kind."), encoding="utf-8")
    a.ingest([folder])
    _same_as_rebuild(a)
    assert sorted((e.figure.value, e.status) for e in a.ledger() if e.figure.date.startswith("2009")) == [
        ("90", "conflict"), ("91", "conflict")]
    both.unlink()
    a.ingest([folder], prune=True)
    assert paths[-1] is True and "2010" not in parts[-1][0], (paths, parts)  # (2009: the date that changed)
    _same_as_rebuild(a)
    assert [(e.figure.value, e.status) for e in a.ledger() if e.figure.date.startswith("2009")] == [("90", "superseded")]


def test_an_index_of_the_ledger_made_by_an_earlier_build_is_made_again_with_its_columns_now():
    """`CREATE INDEX IF NOT EXISTS` keeps an index of the same name whatever its columns: a
    catalog of an earlier build kept ledger_gkey on (gkey, grp), and the first-figure look-up
    of every update scanned (110 ms an ingest at 250k chunks). `create` replaces such an index
    and leaves a current one alone."""
    import sqlite3

    from pq_assistant.storage import ledgerdb

    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")
    ledgerdb.create(db)
    db.execute("DROP INDEX ledger_gkey")
    db.execute("CREATE INDEX ledger_gkey ON ledger(gkey, grp)")
    ledgerdb.create(db)
    assert db.execute("SELECT sql FROM sqlite_master WHERE name = 'ledger_gkey'").fetchone() == (
        "CREATE INDEX ledger_gkey ON ledger(gkey, doc_id, seq)",)
    plan = db.execute("EXPLAIN QUERY PLAN SELECT grp, data FROM ledger WHERE gkey = ? ORDER BY doc_id, seq LIMIT 1",
                      ("x",)).fetchall()
    assert not any("TEMP B-TREE" in row[-1] for row in plan), plan
    before = db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
    ledgerdb.create(db)
    assert db.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall() == before
