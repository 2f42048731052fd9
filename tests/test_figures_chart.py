"""The timeline chart: a valid PNG/SVG, one series a scope, targets apart, clear errors."""
from __future__ import annotations

import sys
import xml.etree.ElementTree as ET

import pytest

from pq_assistant.chart import ChartPoint, point_date, render_timeline
from pq_assistant.errors import UsageError

POINTS = [
    ChartPoint("2016-05-31", 127, "", "vervangen", "vr. 12 (2016)"),
    ChartPoint("2018-05", 153, "", "nieuwste", "vr. 503 (2018)"),
    ChartPoint("2018", 40, "Antwerpen", "bevestigd", "vr. 7 (2019)"),
    ChartPoint("2019-2020", 42, "Antwerpen", "conflict", "vr. 8 (2020)"),
    ChartPoint("", 99, "", "nieuwste", "undated"),  # no date: left out, not guessed
]


def test_png_is_valid():
    data = render_timeline(POINTS, title="aantal erkende Huizen van het Kind", unit="Huizen van het Kind", fmt="png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert b"IEND" in data[-16:]


def test_svg_is_valid_and_labels_sources_scopes_and_unit():
    data = render_timeline(POINTS, title="aantal erkende Huizen", unit="Huizen van het Kind", fmt="svg")
    root = ET.fromstring(data)
    assert root.tag.endswith("svg")
    text = data.decode("utf-8")
    # matplotlib writes text as paths by default; the labels survive as comments/ids only in
    # svg.fonttype none, so check the structure instead: two series lines and the points
    assert text.count("<path") > 10


def test_svg_text_mode_has_labels(monkeypatch):
    import matplotlib

    matplotlib.rcParams["svg.fonttype"] = "none"
    try:
        text = render_timeline(POINTS, title="aantal erkende Huizen", unit="Huizen van het Kind").decode()
    finally:
        matplotlib.rcParams["svg.fonttype"] = "path"
    for s in ("aantal erkende Huizen", "Huizen van het Kind", "vr. 503 (2018)", "Antwerpen", "vervangen",
              "conflict", "bevestigd", "nieuwste"):
        assert s in text, s
    assert "undated" not in text


def test_no_dated_point_and_bad_format_are_usage_errors():
    with pytest.raises(UsageError):
        render_timeline([ChartPoint("", 1, "", "nieuwste", "x")], title="t", unit="u")
    with pytest.raises(UsageError):
        render_timeline(POINTS, title="t", unit="u", fmt="gif")


def test_point_dates():
    assert point_date("2018").isoformat() == "2018-07-01"
    assert point_date("2018-05").isoformat() == "2018-05-15"
    assert point_date("2018-2019").isoformat() == "2019-01-01"
    assert point_date("2018-02-30") is None and point_date("nu") is None


def test_matplotlib_not_imported_by_the_module():
    import subprocess

    code = "import sys, pq_assistant.chart; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
