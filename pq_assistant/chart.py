"""A timeline chart of one quantity: one line a scope, each point labelled with its source and
marked by its status. Used by `pq figures QUERY --plot FILE` and by the web page.

matplotlib is imported only inside `render_timeline` (Agg backend, no display), so importing this
module costs nothing.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date as _date

from .errors import UsageError

FORMATS = ("svg", "png")

# Status -> (marker, fill, edge, legend text). Dutch legend text: the chart is shown to users.
_STATUS_STYLE = {
    "nieuwste": ("o", "#1a7f37", "#0b4d1f", "nieuwste"),
    "bevestigd": ("s", "#54aeff", "#0a3069", "bevestigd"),
    "vervangen": ("o", "white", "#57606a", "vervangen"),
    "conflict": ("X", "#cf222e", "#82071e", "conflict"),
    "doel": ("^", "#bf8700", "#7d4e00", "doel / raming"),
}
_DEFAULT_STYLE = ("D", "#8c959f", "#424a53", "overig")


@dataclass
class ChartPoint:
    """One figure on the chart. `date` is ISO: 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' (a school or
    session year 'YYYY-YYYY' is drawn at the start of its second year's calendar)."""

    date: str
    value: float
    scope: str
    status: str
    label: str  # the source, e.g. "vraag 503 (2018)"


def point_date(iso: str) -> _date | None:
    """The calendar day a reference date is drawn at: a year at its middle, a month at its 15th,
    a school year '2018-2019' at 1 January of its second year. None for an unreadable date."""
    s = (iso or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return _date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    m = re.fullmatch(r"(\d{4})-(\d{4})", s)
    if m:
        return _date(int(m[2]), 1, 1)
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m and 1 <= int(m[2]) <= 12:
        return _date(int(m[1]), int(m[2]), 15)
    m = re.fullmatch(r"(\d{4})", s)
    if m:
        return _date(int(m[1]), 7, 1)
    return None


def render_timeline(points: list[ChartPoint], *, title: str, unit: str, fmt: str = "svg") -> bytes:
    """The chart as PNG or SVG bytes. Points without a readable date are left out (they are listed
    in the table next to the chart, not placed at a guessed date); with no point at all this raises
    a UsageError."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"onbekend grafiekformaat '{fmt}' (kies svg of png)")
    dated = [(point_date(p.date), p) for p in _merge_repeats(points)]
    dated = [(d, p) for d, p in dated if d is not None]
    if not dated:
        raise UsageError("geen cijfers met een peildatum om te tekenen")

    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    fig, ax = plt.subplots(figsize=(11, 5.5), dpi=110)
    try:
        scopes: dict[str, list[tuple[_date, ChartPoint]]] = {}
        for d, p in sorted(dated, key=lambda dp: (dp[0], dp[1].label)):
            scopes.setdefault(p.scope or "", []).append((d, p))
        biggest = max(scopes, key=lambda sc: (len(scopes[sc]), sc == ""))
        for scope, pts in scopes.items():
            # the line joins the measurements; a target or forecast is a point of its own
            line = [(d, p) for d, p in pts if p.status not in ("doel",)]
            name = scope or "(geen deelgebied)"
            (drawn,) = ax.plot([d for d, _ in line], [p.value for _, p in line], "-", linewidth=1.6,
                               alpha=0.8, label=name, zorder=1)
            colour = drawn.get_color()
            main = scope == biggest
            for k, (d, p) in enumerate(pts):
                marker, face, edge, _ = _STATUS_STYLE.get(p.status, _DEFAULT_STYLE)
                # the fill says the status where it must stand out; otherwise the series' colour
                fill = face if p.status in ("vervangen", "conflict") else colour
                ax.scatter([d], [p.value], marker=marker, s=70, facecolor=fill, edgecolor=edge if
                           p.status == "conflict" else colour, linewidth=1.6, zorder=3)
                # the points of the main series are labelled with their source; the other series
                # (provinces, target groups) are named by the legend, their sources are in the table
                if main or len(scopes) <= 3:
                    ax.annotate(f"{_fmt_value(p.value)}\n{p.label}", (d, p.value), textcoords="offset points",
                                xytext=(0, 9 if k % 2 == 0 else -22), ha="center", va="bottom",
                                fontsize=7 if main else 6, color="#24292f")
        ax.set_title(title, fontsize=12)
        ax.set_ylabel(unit or "waarde")
        ax.set_xlabel("peildatum")
        span = max(d for d, _ in dated).year - min(d for d, _ in dated).year
        ax.xaxis.set_major_locator(mdates.YearLocator(max(1, span // 10 + (span % 10 > 0) if span > 10 else 1)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        ax.grid(True, alpha=0.3)
        ax.margins(x=0.08, y=0.2)
        lo, hi = ax.get_ylim()
        low = min(p.value for _, p in dated)
        if low >= 0 and (lo < 0 or low < 0.5 * hi):  # counts and amounts start at zero
            ax.set_ylim(bottom=0)
        seen = sorted({p.status for _, p in dated}, key=lambda s: list(_STATUS_STYLE).index(s)
                      if s in _STATUS_STYLE else 99)
        status_handles = [Line2D([], [], linestyle="", marker=_STATUS_STYLE.get(s, _DEFAULT_STYLE)[0],
                                 markerfacecolor=_STATUS_STYLE.get(s, _DEFAULT_STYLE)[1]
                                 if s in ("vervangen", "conflict") else "#8c959f",
                                 markeredgecolor=_STATUS_STYLE.get(s, _DEFAULT_STYLE)[2]
                                 if s == "conflict" else "#424a53", markersize=8,
                                 label=_STATUS_STYLE.get(s, _DEFAULT_STYLE)[3] if s in _STATUS_STYLE else s)
                          for s in seen]
        # the legends beside the plot: inside they would hide the points
        first = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, title="deelgebied",
                          title_fontsize=8, frameon=False)
        ax.add_artist(first)
        second = ax.legend(handles=status_handles, loc="lower left", bbox_to_anchor=(1.01, 0.0), fontsize=8,
                           title="status", title_fontsize=8, frameon=False)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, bbox_inches="tight", bbox_extra_artists=[first, second],
                    metadata={"Date": None} if fmt == "svg" else None)
        return buf.getvalue()
    finally:
        plt.close(fig)


_RANK = {"nieuwste": 0, "conflict": 1, "bevestigd": 2, "vervangen": 3}


def _merge_repeats(points: list[ChartPoint]) -> list[ChartPoint]:
    """One point per scope, date and value: the same figure stated by several sources is drawn
    once, labelled with its first source and how many more ('vr. 287 (2025) +2')."""
    merged: dict[tuple, list[ChartPoint]] = {}
    for p in points:
        merged.setdefault((p.scope, p.date, round(p.value, 6)), []).append(p)
    out = []
    for same in merged.values():
        best = min(same, key=lambda p: _RANK.get(p.status, 9))
        label = same[0].label + (f" +{len(same) - 1}" if len(same) > 1 else "")
        out.append(ChartPoint(date=best.date, value=best.value, scope=best.scope, status=best.status, label=label))
    return out


def _fmt_value(v: float) -> str:
    """A value the Dutch way: 29.650 / 14,6."""
    if float(v).is_integer():
        return f"{int(v):,}".replace(",", ".")
    return f"{v:,.2f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",").replace(" ", ".")


# The ledger's status codes, in the words the chart shows (one table: the timelines module's).
from .figures.timelines import STATUS_NL  # noqa: E402


def source_label(f) -> str:
    """A short source label for a figure: 'vr. 503 (2018)', else the file name."""
    year = (getattr(f, "doc_date", "") or "")[:4]
    if getattr(f, "number", ""):
        return f"vr. {f.number}" + (f" ({year})" if year else "")
    stem = (getattr(f, "doc", "") or "?").rsplit(".", 1)[0]
    short = "-".join(stem.split("-")[:2]) if "-" in stem else stem[:16]
    return short + (f" ({year})" if year and year not in short else "")


def points_from_entries(entries) -> list[ChartPoint]:
    """Chart points of ledger entries (figures with a numeric value); a target or forecast is drawn
    as its own series ('… (doel)'), never on the line of the measurements."""
    out = []
    for e in entries:
        f = e.figure
        if f.number_value is None:
            continue
        # the entry knows its kind (timelines.figure_kind); a bare figure may carry it as an attribute
        kind = getattr(e, "kind", None) or getattr(f, "kind", "measurement") or "measurement"
        scope = f.scope or ""
        status = STATUS_NL.get(e.status, e.status)
        if kind != "measurement":
            scope = f"{scope} ({'doel' if kind == 'target' else 'raming'})".strip()
            status = "doel"
        out.append(ChartPoint(date=f.date or "", value=float(f.number_value), scope=scope, status=status,
                              label=source_label(f)))
    return out


def plot_entries(entries, path, *, title: str) -> None:
    """Write the timeline chart of ledger entries to `path` (.png or .svg, from the suffix)."""
    from collections import Counter
    from pathlib import Path

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"{path}: grafiek moet op .png of .svg eindigen")
    # one chart is one quantity: the timeline (group) with the most dated figures
    sizes = Counter(e.group for e in entries if e.figure.date and e.figure.number_value is not None)
    if sizes:
        main = sizes.most_common(1)[0][0]
        entries = [e for e in entries if e.group == main]
    units = Counter(e.figure.unit for e in entries if e.figure.number_value is not None and e.figure.unit)
    unit = units.most_common(1)[0][0] if units else ""
    data = render_timeline(points_from_entries(entries), title=title, unit=unit, fmt=fmt)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UsageError(f"{path}: kan de grafiek niet schrijven ({exc.strerror or exc})") from None
