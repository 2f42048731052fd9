"""Typer's (and click's) usage errors as one Dutch line: the CLI's only translation table.
No Typer import here: the exception is read by its class name and attributes."""
from __future__ import annotations

import re


def _param_name(param) -> str:
    """How the user wrote a parameter: '--top-k' for an option, 'QUERY' for an argument."""
    if param is None:
        return ""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")] or list(getattr(param, "opts", []))
    if getattr(param, "param_type_name", "") == "option" and opts:
        return opts[0]
    return (getattr(param, "name", "") or "").upper()


# Typer's own messages (in English) of the cases a user meets, in the tool's language. Anything
# else keeps Typer's wording: a message in English is better than none.
_VALUE_MESSAGES = [
    (re.compile(r"Input should be greater than or equal to (-?\d+)"), r"moet minstens \1 zijn"),
    (re.compile(r"Input should be less than or equal to (-?\d+)"), r"mag hoogstens \1 zijn"),
    (re.compile(r"Input should be a valid integer.*"), "moet een geheel getal zijn"),
    (re.compile(r"Input should be a valid number.*"), "moet een getal zijn"),
    (re.compile(r"(-?\S+) is not in the range x>=(-?\d+)\.?"), r"\1 moet minstens \2 zijn"),
    (re.compile(r"'(.*)' is not a valid integer\.?"), r"'\1' is geen geheel getal"),
]


def usage_message(exc: Exception, args: list[str] | None = None, commands: list[str] | None = None) -> str:
    """One Dutch line for a command-line mistake that Typer (or click) reports."""
    name = type(exc).__name__
    msg = str(getattr(exc, "message", "") or exc).strip()
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "pq"
    if where == "pq" and args:  # some errors come without their command's context
        cmd = next((a for a in args if not a.startswith("-")), "")
        if cmd in (commands or []):
            where = f"pq {cmd}"
    hint = f" (zie '{where} --help')"
    if name == "NoSuchOption":
        opt = getattr(exc, "option_name", "") or msg.rsplit(" ", 1)[-1]
        import difflib

        # Typer offers every option that looks a little alike; name the one or two that are close
        close = difflib.get_close_matches(opt, list(getattr(exc, "possibilities", None) or []), n=2, cutoff=0.75)
        maybe = f"; bedoelt u {' of '.join(close)}?" if close else ""
        return f"onbekende optie {opt}{maybe}{hint}"
    if name == "MissingParameter":
        param = getattr(exc, "param", None)
        kind = "optie" if getattr(param, "param_type_name", "") == "option" else "argument"
        return f"{kind} {_param_name(param) or msg} ontbreekt{hint}"
    if name == "BadParameter":
        reason = msg
        for pattern, repl in _VALUE_MESSAGES:
            if pattern.fullmatch(msg) or pattern.match(msg):
                reason = pattern.sub(repl, msg, count=1)
                break
        pname = _param_name(getattr(exc, "param", None))
        return f"ongeldige waarde{' voor ' + pname if pname else ''}: {reason}{hint}"
    m = re.fullmatch(r"Option '(.+)' requires an argument\.?", msg)
    if m:
        return f"optie {m.group(1)} vraagt een waarde{hint}"
    m = re.match(r"No such command '(.+?)'\.?", msg)
    if m:
        import difflib

        commands = commands or []
        close = difflib.get_close_matches(m.group(1), commands, n=2)
        maybe = f"; bedoelt u {' of '.join(close)}?" if close else f"; commando's: {', '.join(commands)}"
        return f"onbekend commando '{m.group(1)}'{maybe}"
    m = re.fullmatch(r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", msg)
    if m:
        return (f"onverwacht extra argument: {m.group(1)} (zet een vraag van meer woorden tussen "
                f"aanhalingstekens){hint}")
    return f"{msg}{hint}"
