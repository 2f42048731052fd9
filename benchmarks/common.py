"""Shared helpers of the benchmark scripts: paths, the machine, percentiles, RESULTS.md."""
from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
DEV_QUERIES = ROOT / "tests" / "data" / "dev-eval" / "queries.jsonl"
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pq_command() -> list[str]:
    """The `pq` console script of this interpreter's environment (else `python -m pq_assistant`)."""
    script = Path(sys.executable).parent / "pq"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pq_assistant"]


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> str:
    """'2 cores, AMD EPYC, 7.7 GiB RAM, Linux, Python 3.11.7, load 1.9'."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = ""
    try:
        kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
        mem = f", {kb / 2**20:.1f} GiB RAM"
    except (OSError, StopIteration):
        pass
    load = f", load {os.getloadavg()[0]:.1f}" if hasattr(os, "getloadavg") else ""
    return f"{cores} cores, {cpu_model()}{mem}, {platform.system()}, Python {platform.python_version()}{load}"


def now() -> str:
    return time.strftime("%Y-%m-%d %H:%M")


def git_rev() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return "?"


def percentile(values: list[float], p: float) -> float:
    """Linear-interpolated percentile (p in 0..100)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * p / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def median(values: list[float]) -> float:
    return statistics.median(values)


def verdict(value: float, goal: float) -> str:
    return "ok" if value <= goal else "OVER GOAL"


def dir_size(path: Path) -> int:
    if Path(path).is_file():
        return Path(path).stat().st_size
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def fmt_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


def append_results(title: str, command: str, lines: list[str], notes: list[str] | None = None) -> None:
    """Append one run to benchmarks/RESULTS.md: title, date, machine, command, figures."""
    new = not RESULTS.exists()
    with RESULTS.open("a", encoding="utf-8") as fh:
        if new:
            fh.write("# Benchmark results\n\nEach run of a script in benchmarks/ appends a section here "
                     "(newest last). Timings are wall-clock on the machine named.\n")
        fh.write(f"\n## {title} — {now()}\n\n")
        fh.write(f"- machine: {machine()}\n- commit: {git_rev()}\n- command: `{command}`\n\n")
        fh.write("```\n" + "\n".join(lines) + "\n```\n")
        for n in notes or []:
            fh.write(f"\n{n}\n")
    print(f"\nappended to {RESULTS.relative_to(ROOT)}")


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def ensure_index(index: Path, model: str | None) -> None:
    if (index / "catalog.sqlite").exists() or (index / "manifest.json").exists():  # (manifest: the old layout)
        return
    print(f"building {index} with pq ingest {CORPUS} (once) ...", flush=True)
    cmd = pq_command() + ["ingest", str(CORPUS), "--index", str(index), "--json"] + (["--model", model] if model else [])
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"pq ingest failed:\n{proc.stderr[-2000:]}")


def corpus_assistant(index: Path | None):
    """An Assistant over `index`, or over a fresh temporary index of corpus/ (real default model)
    when none is given. Returns (assistant, the temporary directory to keep alive or None)."""
    import tempfile

    from pq_assistant import Assistant

    tmp = None
    if index is None:
        tmp = tempfile.TemporaryDirectory()
        index = Path(tmp.name) / "index"
        Assistant(index).ingest([CORPUS])
    return Assistant(index), tmp
