"""Scale: query latency, memory, disk and ingest rate on a large synthetic index.

    python benchmarks/bench_scale.py [--sizes 10000,50000,250000] [--budget-min 15] [--dir /tmp/pq-bench-scale]
                                     [--product-docs 600] [--ledger-docs 300,900,1800] [--no-append]

Documents come from benchmarks/synthetic.py (seeded, the corpus' text shape, ~9.5 chunks a document).
They are written as .txt files, then loaded, parsed, chunked, figure-extracted and stored by the
product's code through `Assistant.ingest_loaded`, the writer's batch mode (Chroma upserts of 5000
chunks, two catalog transactions a batch, one BM25 segment per size). Embeddings are CHEAP: the index uses the product's `hash:384` embedder (hashed bag
of words, 384-d like multilingual-e5-small), so what is measured is the store (Chroma HNSW +
SQLite), BM25, the catalog, the figures ledger and the search code, not the model. With the real
model add its query embedding (see bench_query.py) to every latency, and ~0.3 s a chunk of CPU to
the ingest (2 cores).

The index grows through the sizes (in chunks); after each size a fresh process opens it and runs
the synthetic queries (half with minister/asker/date filters; one warm-up pass, then 3 passes):
p50/p95 without and with filters, the first search of the process, its peak RSS
(VmHWM). A size whose estimated build time would pass --budget-min is not run.
--ledger-docs times the whole figures-ledger rebuild (a first build or a large change) and adding
one document (which updates the ledger for the timelines it touches) on smaller indexes. The
whole rebuild grows faster than linearly, so the big index is built without a ledger unless
--with-ledger is given (then its rebuild after each step is timed apart, and the one-document
changes and the cold `pq ask` below run with the ledger live; with --resume on an index built
without one, its ledger is built first).
--product-docs N also times the product path (`Assistant.ingest`, one document at a time) on N
documents, to show its per-document cost as the index grows.
At the largest size it also times, with `Assistant.ingest` on the big index, adding one new
document, changing it and removing it (--prune), and a cold `pq ask` process (median of 3).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import append_results, dir_size, fmt_bytes, percentile, verdict  # noqa: E402

import synthetic  # noqa: E402

MODEL = "hash:384"
GOAL_P50_MS, GOAL_P95_MS, GOAL_RSS_GB = 60.0, 100.0, 1.5  # issue 12, at 250k chunks
CHUNKS_PER_DOC = 9.47  # measured on the generator's first 1000 documents; refined as the run goes


def rss_mb() -> float:
    """Peak RSS of this process in MB: VmHWM of /proc/self/status (the high-water mark of this
    address space). getrusage's ru_maxrss is the fallback: on Linux a child process inherits its
    parent's maximum across fork/exec, so it overstates a query process started by a big build."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# -- the query side, in a fresh process ----------------------------------------------------------

def measure(index: Path, reps: int = 3, profile: bool = True) -> dict:
    """Open the index in this (fresh) process and time the synthetic queries."""
    t0 = time.perf_counter()
    from pq_assistant import Assistant
    from pq_assistant.search import Filters

    a = Assistant(index)
    qs = [(q["query"], Filters.from_dict(q["filters"])) for q in synthetic.queries(50)]
    t = time.perf_counter()
    a.search(qs[0][0], top_k=5, filters=qs[0][1])
    first = time.perf_counter() - t
    open_and_first = time.perf_counter() - t0
    for q, f in qs[1:]:
        a.search(q, top_k=5, filters=f)
    plain, filtered, hits = [], [], []
    for _ in range(reps):
        for q, f in qs:
            t = time.perf_counter()
            res = a.search(q, top_k=5, filters=f)
            ms = (time.perf_counter() - t) * 1000
            (filtered if f.active() else plain).append(ms)
            hits.append(len(res))
    out = {"plain_p50": percentile(plain, 50), "plain_p95": percentile(plain, 95),
           "filtered_p50": percentile(filtered, 50), "filtered_p95": percentile(filtered, 95),
           "all_p50": percentile(plain + filtered, 50), "all_p95": percentile(plain + filtered, 95),
           "first_search_s": first, "open_and_first_s": open_and_first, "n": len(plain) + len(filtered),
           "mean_results": sum(hits) / len(hits), "rss_mb": rss_mb()}
    if profile:
        for key, group in (("profile_plain", [x for x in qs if not x[1].active()]),
                           ("profile_filtered", [x for x in qs if x[1].active()])):
            prof = cProfile.Profile()
            prof.enable()
            for q, f in group:
                a.search(q, top_k=5, filters=f)
            prof.disable()
            st = pstats.Stats(prof, stream=io.StringIO()).sort_stats("tottime")
            rows = []
            for func in st.fcn_list[:10]:  # type: ignore[attr-defined]
                cc, nc, tt, ct, _ = st.stats[func]  # type: ignore[attr-defined]
                file, line, name = func
                where = f"{Path(file).name}:{line}({name})" if file != "~" else name
                rows.append(f"{tt / len(group) * 1000:8.2f} ms self {ct / len(group) * 1000:8.2f} ms cum  {where}")
            out[key] = rows
    t = time.perf_counter()
    with a.storage.catalog.transaction():
        pass
    out["catalog_txn_s"] = time.perf_counter() - t
    out["rss_mb"] = rss_mb()
    return out


def measure_in_subprocess(index: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--measure", str(index)], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"measuring {index} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# -- the build side ---------------------------------------------------------------------------

def write_docs(folder: Path, n: int, start: int) -> list[Path]:
    paths = []
    for name, text in synthetic.documents(n, start=start):
        p = folder / name
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def product_path(base: Path, n_docs: int) -> list[str]:
    """`Assistant.ingest` over n documents, timed per slice: its per-document cost as it grows."""
    from pq_assistant import Assistant

    corpus = base / "product-corpus"
    shutil.rmtree(base / "product-index", ignore_errors=True)
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    paths = write_docs(corpus, n_docs, start=10_000_000)  # other documents than the bulk index's
    a = Assistant(base / "product-index", model=MODEL)
    slice_n = max(1, n_docs // 4)
    lines = []
    done_chunks = 0
    for i in range(0, n_docs, slice_n):
        part = paths[i:i + slice_n]
        t = time.perf_counter()
        rep = a.ingest(part)
        dt = time.perf_counter() - t
        done_chunks += rep.chunks
        lines.append(f"  docs {i + 1:>5d}-{i + len(part):<5d} {len(part) / dt:6.1f} docs/s  "
                     f"{rep.chunks / dt:7.1f} chunks/s  ({dt:.1f} s, catalog {fmt_bytes(dir_size(base / 'product-index' / 'catalog.sqlite'))})")
        print(lines[-1], flush=True)
    shutil.rmtree(base / "product-index", ignore_errors=True)
    shutil.rmtree(corpus, ignore_errors=True)
    return lines


def ledger_curve(base: Path, sizes: list[int]) -> list[str]:
    """Time the whole figures-ledger rebuild on indexes of `sizes` documents (built without it),
    then adding one document to each (Assistant.ingest: the ledger updated for the timelines its
    figures touch, not rebuilt)."""
    from pq_assistant import Assistant
    from pq_assistant.loaders import load
    from pq_assistant.storage.writer import Writer

    folder, corpus = base / "ledger-index", base / "ledger-corpus"
    lines = []
    done = 0
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    a = Assistant(folder, model=MODEL)
    for n in sorted(sizes):
        Writer.rebuild_ledger = lambda self, build: 0  # the bulk part: skipped (see skip_ledger)
        paths = write_docs(corpus, n - done, start=20_000_000 + done)
        a.ingest_loaded(load(p) for p in paths)
        done = n
        Writer.rebuild_ledger = REAL_REBUILD_LEDGER
        t = time.perf_counter()
        with a.storage.write() as w:
            entries = REAL_REBUILD_LEDGER(w, a._ledger_build())
        dt = time.perf_counter() - t
        [one] = write_docs(corpus, 1, start=21_000_000 + done)
        t = time.perf_counter()
        rep = a.ingest([one])
        add = time.perf_counter() - t
        done += 1
        assert rep.ingested and a.check() == [], a.check()
        lines.append(f"  {n:6d} docs {a.stats()['figures']:7d} figures: whole rebuild {dt:7.1f} s ({entries} ledger "
                     f"entries); adding one document (ledger updated for its timelines) {add:5.2f} s")
        print(lines[-1], flush=True)
    Writer.rebuild_ledger = lambda self, build: 0
    shutil.rmtree(folder, ignore_errors=True)
    shutil.rmtree(corpus, ignore_errors=True)
    return lines


REAL_REBUILD_LEDGER = None


def skip_ledger() -> None:
    """The figures-ledger rebuild grows much faster than linearly with the index: the big index is
    built without it (its rebuild is timed apart, --ledger-docs). Benchmark instrumentation only."""
    global REAL_REBUILD_LEDGER
    from pq_assistant.storage.writer import Writer

    if REAL_REBUILD_LEDGER is None:
        REAL_REBUILD_LEDGER = Writer.rebuild_ledger
        Writer.rebuild_ledger = lambda self, build: 0


# A topic and a figure question: the second also reads the ledger's phrase vectors (the nearest
# descriptions) and offers an answer line.
COLD_QUESTIONS = ("erkende Huizen van het Kind", "Hoeveel erkende Huizen van het Kind zijn er?")


def cold_ask(index: Path, question: str, n: int = 3) -> tuple[float, list[float]]:
    """The median wall time of `n` fresh `pq ask --json` processes on the index, and all runs."""
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pq_assistant", "ask", question, "--json", "--index", str(index)],
                              capture_output=True, text=True)
        runs.append(time.perf_counter() - t)
        if proc.returncode != 0:
            sys.exit(f"pq ask failed: {proc.stderr[-2000:]}")
    return sorted(runs)[len(runs) // 2], runs


def _change_a_figure(path: Path) -> None:
    """One figure of the answer another value (so its chunks, its figures and the ledger's series
    of that quantity change)."""
    text = path.read_text(encoding="utf-8")
    at = text.index("\n\n", text.index("ANTWOORD"))  # after the answer's header
    m = re.search(r"\b(?!(?:19|20)\d\d\b)\d{2,}\b", text[at:])  # a count, not a year
    path.write_text(text[:at + m.start()] + str(int(m.group()) + 1) + text[at + m.end():], encoding="utf-8")


def _cli_ingest(index: Path, args: list[str]) -> tuple[float, float]:
    """(wall time of a fresh `pq ingest` process, the time its ingest reports: without Python's
    start and the CLI's imports, with everything the ingest itself loads, Chroma included)."""
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pq_assistant", "ingest", *args, "--json", "--index", str(index),
                           "--model", MODEL], capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"pq ingest failed: {proc.stderr[-2000:]}")
    return wall, float(json.loads(proc.stdout)["seconds"])


def one_document(base: Path, index: Path, cli_runs: int = 3) -> list[str]:
    """On the big index: add one new document, change it, remove it, the ledger as the build left
    it (updated when it has one). First in one process (Assistant.ingest, as a running process
    such as the web page does it: only the first step opens Chroma), with the time spent in the
    vector store; then each step as a fresh `pq ingest` process (what a user types), `cli_runs`
    times, medians. Then cold `pq ask` processes."""
    from collections import defaultdict

    from pq_assistant import Assistant

    corpus = base / "one-doc"
    shutil.rmtree(corpus, ignore_errors=True)
    corpus.mkdir(parents=True)
    [path] = write_docs(corpus, 1, start=30_000_000)
    a = Assistant(index, model=MODEL)
    store: dict[str, float] = defaultdict(float)
    for attr in ("add", "delete_ids", "delete_doc"):
        _timed(a.storage.vectors, attr, store, "chroma")
    out = []
    for what, step in (("add one document", lambda: a.ingest([path])),
                       ("change it", lambda: (_change_a_figure(path), a.ingest([path]))[1]),
                       ("remove it (--prune)", lambda: (path.unlink(), a.ingest([], prune=True))[1])):
        store.clear()
        t = time.perf_counter()
        rep = step()
        out.append((what, time.perf_counter() - t, store["chroma"], len(rep.removed) if "remove" in what else rep.chunks))
    lines = [f"  {what:22s} {dt:6.2f} s  (goal <= 2 s beside its embedding: {verdict(dt, 2.0)}; {n} "
             f"{'chunks' if 'remove' not in what else 'removed'}; in one process; of it in Chroma {ch:.2f} s)"
             for what, dt, ch, n in out]
    cli: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for i in range(cli_runs):
        [path] = write_docs(corpus, 1, start=30_000_100 + 2 * i)  # (even: a written question)
        cli["add one document"].append(_cli_ingest(index, [str(path)]))
        _change_a_figure(path)
        cli["change it"].append(_cli_ingest(index, [str(path)]))
        path.unlink()
        cli["remove it (--prune)"].append(_cli_ingest(index, ["--prune", str(corpus)]))
    for what, runs in cli.items():
        inside = sorted(r[1] for r in runs)[len(runs) // 2]
        wall = sorted(r[0] for r in runs)[len(runs) // 2]
        lines.append(f"  {what:22s} {inside:6.2f} s  (goal <= 2 s beside its embedding: {verdict(inside, 2.0)}; a fresh "
                     f"`pq ingest` process, median of {len(runs)}: {', '.join(f'{r[1]:.2f}' for r in runs)}; the "
                     f"process's wall time {wall:.2f} s with Python's start)")
    lines.append(_sync_step(index))
    for question in COLD_QUESTIONS:
        cold, runs = cold_ask(index, question)
        lines.append(f"  cold pq ask (median 3) {cold:5.2f} s  (goal <= 1.5 s: {verdict(cold, 1.5)}; \"{question}\"; runs "
                     f"{', '.join(f'{x:.2f}' for x in runs)}; {MODEL}: the model's load and query embedding come on top)")
    for line in lines:
        print(line, flush=True)
    shutil.rmtree(corpus, ignore_errors=True)
    return lines


def _sync_step(index: Path) -> str:
    """What the steps above left for Chroma (storage/writer.py: Chroma behind the catalog on a
    large local index), written to it by a fresh writer, as the writer that finds SYNC_CHUNKS
    behind does it: the cost that the one-document steps put off."""
    from pq_assistant import Assistant
    from pq_assistant.storage import writer

    a = Assistant(index, model=MODEL)
    with a.storage.write() as w:
        behind, stale = w.catalog.vectors_behind()
        n = w.behind_chunks()
        t = time.perf_counter()
        w.sync_vectors()
        dt = time.perf_counter() - t
    return (f"  sync to Chroma         {dt:6.2f} s  ({len(behind)} documents behind and {len(stale)} chunk ids to drop, "
            f"{n} in all, written by one writer (opening Chroma included); a writer does this once "
            f"{writer.SYNC_CHUNKS} are behind, and only on an index of {writer.DEFER_MIN_CHUNKS}+ chunks)")


def _timed(obj, attr: str, timers: dict, key: str) -> None:
    """Add the time spent in obj.attr(...) to timers[key] (benchmark instrumentation only)."""
    fn = getattr(obj, attr)

    def wrapper(*args, **kwargs):
        t = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            timers[key] += time.perf_counter() - t

    setattr(obj, attr, wrapper)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="10000,50000,250000", help="index sizes in chunks, ascending")
    ap.add_argument("--budget-min", type=float, default=15.0, help="build-time budget in minutes")
    ap.add_argument("--dir", type=Path, default=Path("/tmp/pq-bench-scale"))
    ap.add_argument("--product-docs", type=int, default=600, help="0: skip the Assistant.ingest comparison")
    ap.add_argument("--ledger-docs", default="300,900,1800",
                    help="sizes (documents) at which the figures-ledger rebuild is timed; '' to skip")
    ap.add_argument("--with-ledger", action="store_true",
                    help="build the big index with its figures ledger (timed apart) and measure with it live")
    ap.add_argument("--keep", action="store_true", help="keep the index and corpus afterwards")
    ap.add_argument("--resume", action="store_true",
                    help="grow the index a --keep run left in --dir instead of starting afresh")
    ap.add_argument("--no-append", action="store_true")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)  # internal: the query side
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0

    from pq_assistant import Assistant
    from pq_assistant.loaders import load

    sizes = [int(s) for s in args.sizes.split(",")]
    base = args.dir
    index = base / "index"
    if not (args.resume and (index / "catalog.sqlite").exists()):
        shutil.rmtree(base, ignore_errors=True)
    (base / "corpus").mkdir(parents=True, exist_ok=True)
    print(f"embeddings: {MODEL} (cheap hashed bag of words, 384-d): the store, BM25 and search code are "
          f"measured, not the model", flush=True)
    a = Assistant(index, model=MODEL)
    timers = {"upsert": 0.0, "bm25": 0.0, "ledger": 0.0}
    if args.with_ledger:
        from pq_assistant.storage.writer import Writer

        print("the figures ledger is built with the index (its whole rebuild after each step, timed apart)", flush=True)
        _timed(Writer, "rebuild_ledger", timers, "ledger")
    else:
        skip_ledger()  # grows much faster than linearly: timed apart (--ledger-docs)
        print("the figures ledger is not built for this index: its rebuild is timed apart on smaller indexes "
              "(--ledger-docs)", flush=True)
    _timed(a.storage.vectors, "add", timers, "upsert")
    _timed(a.storage.lexical, "update", timers, "bm25")
    _timed(a.storage.lexical, "build", timers, "bm25")
    n_docs, n_chunks = a.stats()["documents"], a.stats()["chunks"]  # > 0 with --resume
    if n_docs:
        print(f"resuming: {n_chunks} chunks / {n_docs} docs already in {index}", flush=True)
    build_s, built = 0.0, 0  # this run's build time and chunks
    per_doc = n_chunks / n_docs if n_docs else CHUNKS_PER_DOC
    rows, notes, details = [], [], []
    t_all = time.perf_counter()
    for size in sizes:
        need = size - n_chunks
        if need <= 0:
            continue
        if build_s:
            est = need / (built / build_s) * 1.15  # HNSW inserts get a little slower as it grows
            spent = time.perf_counter() - t_all
            if spent + est > args.budget_min * 60:
                notes.append(f"size {size}: not run; the build would take ~{est / 60:.0f} more minutes at "
                             f"{built / build_s:.0f} chunks/s (spent {spent / 60:.1f} of the "
                             f"{args.budget_min:.0f}-minute budget)")
                print(notes[-1], flush=True)
                break
        docs = max(1, round(need / per_doc))
        t = time.perf_counter()
        paths = write_docs(base / "corpus", docs, start=n_docs)
        t_write = time.perf_counter() - t
        timers.update(upsert=0.0, bm25=0.0, ledger=0.0)
        t = time.perf_counter()
        rep = a.ingest_loaded(load(p) for p in paths)
        dt = time.perf_counter() - t
        if rep.failed:
            sys.exit(f"bulk ingest failed for {len(rep.failed)} documents: {rep.failed[:3]}")
        build_s += dt
        built += rep.chunks
        n_docs += len(rep.ingested)
        n_chunks += rep.chunks
        per_doc = n_chunks / n_docs
        st = a.stats()
        assert st["chunks"] == n_chunks, (st, n_chunks)
        sizes_on_disk = {sub: dir_size(index / sub) for sub in ("chroma", "lexical")}
        sizes_on_disk["catalog.sqlite"] = sum(dir_size(p) for p in index.glob("catalog.sqlite*"))
        total_disk = dir_size(index)
        print(f"\n{n_chunks} chunks / {n_docs} docs: +{len(rep.ingested)} docs in {dt:.1f} s "
              f"({len(rep.ingested) / dt:.0f} docs/s, {rep.chunks / dt:.0f} chunks/s; writing the .txt files "
              f"took {t_write:.1f} s more); index {fmt_bytes(total_disk)}; build RSS {rss_mb():.0f} MB", flush=True)
        m = measure_in_subprocess(index)
        print(f"  query p50/p95: plain {m['plain_p50']:.1f}/{m['plain_p95']:.1f} ms, filtered "
              f"{m['filtered_p50']:.1f}/{m['filtered_p95']:.1f} ms; first search {m['first_search_s']:.2f} s; "
              f"query process peak RSS {m['rss_mb']:.0f} MB", flush=True)
        for key in ("profile_plain", "profile_filtered"):
            print(f"  {key.split('_')[1]} searches, self time per search:")
            for line in m.get(key, []):
                print("   ", line)
        rows.append((n_chunks, n_docs, len(rep.ingested) / dt, rep.chunks / dt, total_disk, sizes_on_disk, m, rss_mb()))
        details.append(f"at {n_chunks} chunks / {n_docs} docs: bulk step {dt:.0f} s = Chroma upsert "
                       f"{timers['upsert']:.0f} s + BM25 (this step's segment, merges) {timers['bm25']:.0f} s + "
                       f"figures ledger (whole rebuild) {timers['ledger']:.0f} s + load, parse, chunk, figures, embed "
                       f"(hash), catalog {dt - timers['upsert'] - timers['bm25'] - timers['ledger']:.0f} s; "
                       f"one catalog transaction {m['catalog_txn_s'] * 1000:.1f} ms; disk per chunk "
                       f"{total_disk / n_chunks / 1024:.1f} KiB")
        for key in ("profile_plain", "profile_filtered"):
            details.append(f"  {key.split('_')[1]} searches, self time per search (top functions):")
            details += ["  " + line for line in m.get(key, [])[:6]]

    if args.with_ledger and n_chunks and not rows:
        # --resume of an index built earlier: its ledger now (if it has none), then its numbers
        if a.figures_ledger.count() != a.stats()["figures"]:
            t = time.perf_counter()
            n = a.rebuild_ledger()
            dt = time.perf_counter() - t
            notes.append(f"figures ledger of the resumed index built whole: {n} figures in {dt:.0f} s (peak RSS "
                         f"{rss_mb():.0f} MB)")
            print(notes[-1], flush=True)
        m = measure_in_subprocess(index)
        total_disk = dir_size(index)
        parts = {sub: dir_size(index / sub) for sub in ("chroma", "lexical")}
        parts["catalog.sqlite"] = sum(dir_size(p) for p in index.glob("catalog.sqlite*"))
        rows.append((n_chunks, n_docs, 0.0, 0.0, total_disk, parts, m, rss_mb()))
        details.append(f"at {n_chunks} chunks / {n_docs} docs: disk per chunk {total_disk / n_chunks / 1024:.1f} KiB")
        for key in ("profile_plain", "profile_filtered"):
            details.append(f"  {key.split('_')[1]} searches, self time per search (top functions):")
            details += ["  " + line for line in m.get(key, [])[:6]]
    led_note = (f"with its figures ledger ({a.figures_ledger.count()} figures, in the catalog)" if args.with_ledger
                else "no figures ledger in the big index (its rebuild is timed apart below)")
    lines = [f"embeddings {MODEL} (cheap, 384-d): store + BM25 + search code measured, not the model; {led_note}",
             f"{'chunks':>8s} {'docs':>6s} {'docs/s':>7s} {'chunks/s':>8s} {'disk':>9s} {'chroma':>9s} {'bm25':>9s} {'catalog':>9s} "
             f"{'p50':>6s} {'p95':>6s} {'f.p50':>6s} {'f.p95':>6s} {'1st q':>6s} {'q.RSS':>7s} {'b.RSS':>7s}"]
    for n_c, n_d, dps, cps, disk, parts, m, brss in rows:
        lines.append(f"{n_c:8d} {n_d:6d} {dps:7.0f} {cps:8.0f} {fmt_bytes(disk):>9s} {fmt_bytes(parts['chroma']):>9s} "
                     f"{fmt_bytes(parts['lexical']):>9s} {fmt_bytes(parts['catalog.sqlite']):>9s} {m['plain_p50']:6.1f} {m['plain_p95']:6.1f} "
                     f"{m['filtered_p50']:6.1f} {m['filtered_p95']:6.1f} {m['first_search_s']:6.2f} "
                     f"{m['rss_mb']:6.0f}M {brss:6.0f}M")
    lines.append("(p50/p95: ms per warm search without filters; f.: with filters; 1st q: first search of a fresh "
                 "process, s; q.RSS: peak RSS of the query process; b.RSS: of the build process so far; "
                 "docs/s, chunks/s: Assistant.ingest_loaded of that step)")
    if rows:
        m = rows[-1][6]
        p95 = max(m["plain_p95"], m["filtered_p95"])
        p50 = max(m["plain_p50"], m["filtered_p50"])
        lines.append(f"largest size {rows[-1][0]} chunks: p50 {p50:.1f} ms (goal <= {GOAL_P50_MS:.0f}: "
                     f"{verdict(p50, GOAL_P50_MS)}), p95 {p95:.1f} ms (goal <= {GOAL_P95_MS:.0f}: "
                     f"{verdict(p95, GOAL_P95_MS)}), query RSS {m['rss_mb'] / 1024:.2f} GB (goal <= {GOAL_RSS_GB}: "
                     f"{verdict(m['rss_mb'] / 1024, GOAL_RSS_GB)})")
    lines += notes
    if rows:
        print(f"\none document on the {rows[-1][0]}-chunk index (Assistant.ingest):", flush=True)
        lines.append(f"one document on the {rows[-1][0]}-chunk index (Assistant.ingest, {MODEL}; " +
                     ("the ledger updated for the timelines it touches):" if args.with_ledger else
                      "the big index has no ledger: its one-document update is timed on smaller indexes below):"))
        lines += one_document(base, index)
    if args.ledger_docs:
        print("\nfigures ledger: whole rebuild and one document added, by index size:", flush=True)
        lines.append("figures ledger: the whole rebuild (Assistant.rebuild_ledger; a first build or a large change) "
                     "and adding one document (only the timelines its figures touch are grouped again):")
        lines += ledger_curve(base, [int(n) for n in args.ledger_docs.split(",") if n.strip()])
    if args.product_docs:
        print(f"\nproduct path: Assistant.ingest of {args.product_docs} documents, one at a time ({MODEL}):", flush=True)
        lines.append(f"product path, Assistant.ingest of {args.product_docs} new documents in 4 calls ({MODEL}):")
        lines += product_path(base, args.product_docs)
    lines += details
    print("\n" + "\n".join(lines))
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    if not args.no_append:
        append_results("bench_scale", "python benchmarks/bench_scale.py " + " ".join(sys.argv[1:]), lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
