"""`pq figures` and the Cijfers block of `pq ask`: the ledger through the CLI, checked exactly."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from pq_assistant import Assistant
from pq_assistant.cli import app


@pytest.fixture
def built(small_corpus, index_dir):
    res = CliRunner().invoke(app, ["ingest", str(small_corpus), "--index", str(index_dir), "--model", "hash:256"])
    assert res.exit_code == 0, res.output
    return index_dir


def run(*args):
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_figures_all_is_the_whole_ledger(built):
    out = run("figures", "--all", "--json", "--index", str(built))
    assert out["query"] is None
    a = Assistant(built)
    assert len(out["figures"]) == a.stats()["figures"] == len(a.all_figures()) > 0
    keys = {"value", "number_value", "unit", "quantity", "date", "date_source", "doc", "number", "page", "sentence",
            "group", "status"}
    assert all(keys <= set(f) for f in out["figures"])
    f153 = [f for f in out["figures"] if f["value"] == "153" and f["quantity"].startswith("erkende")]
    assert f153 and f153[0]["date"] == "2018-05-01" and f153[0]["date_source"] == "explicit"
    assert f153[0]["doc"] == "2018-503-regionale-spreiding.txt" and f153[0]["number"] == "503" and f153[0]["page"] == 2
    # non-figures never enter the ledger
    assert not [f for f in out["figures"] if f["doc"] == "2018-503-regionale-spreiding.txt" and f["value"] in ("503", "2018")]


def test_timeline_of_recognised_houses(built):
    out = run("figures", "aantal erkende Huizen van het Kind", "--json", "--index", str(built))
    flemish = [f for f in out["figures"] if f["unit"] == "Huizen van het Kind" and not f["scope"]
               and f["quantity"] in ("erkende Huizen van het Kind", "HvhK")]
    got = [(f["date"], f["value"]) for f in flemish]
    for pair in [("2015-02-01", "96"), ("2016-05-31", "127"), ("2018-05-01", "153"), ("2019-10-01", "160")]:
        assert pair in got
    dates = [f["date"] for f in flemish]
    assert dates == sorted(dates)
    status = {(f["date"], f["value"]): f["status"] for f in flemish}
    assert status[("2019-10-01", "160")] == "latest" and status[("2018-05-01", "153")] == "superseded"
    # --since filters on the reference date
    later = run("figures", "aantal erkende Huizen van het Kind", "--since", "2018", "--json", "--index", str(built))
    assert later["figures"] and all(f["date"] >= "2018" for f in later["figures"])


def test_ask_has_a_figures_block(built):
    out = run("ask", "Volgens de laatste stand van zaken op 1/5/2018 erkende Huizen van het Kind", "--json",
              "--index", str(built), "-k", "3")
    assert any(f["value"] == "153" and f["status"] in ("latest", "superseded") for f in out["figures"])
    dates = [f["date"] for f in out["figures"]]
    assert dates == sorted(dates, reverse=True)
    human = CliRunner().invoke(app, ["ask", "153 erkende Huizen van het Kind", "--index", str(built), "-k", "2"])
    assert "Cijfers" in human.stdout and "153" in human.stdout


def test_figures_needs_a_query_or_all(built):
    res = CliRunner().invoke(app, ["figures", "--index", str(built)])
    assert res.exit_code == 2 and "--all" in res.output


def test_figures_json_has_kind_scope_status_and_replaced_by(built):
    out = run("figures", "--all", "--json", "--index", str(built))
    keys = {"date_source", "kind", "scope", "status", "status_nl", "replaced_by", "confirms"}
    assert all(keys <= set(f) for f in out["figures"])
    superseded = [f for f in out["figures"] if f["status"] == "superseded"]
    assert superseded and all(f["replaced_by"] and f["replaced_by"]["doc"] for f in superseded)


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG\r\n\x1a\n"), (".svg", b"<?xml")])
def test_figures_plot_writes_a_chart(built, tmp_path, suffix, magic):
    target = tmp_path / f"timeline{suffix}"
    res = CliRunner().invoke(app, ["figures", "aantal erkende Huizen van het Kind", "--plot", str(target),
                                   "--index", str(built), "--model", "hash:256"])
    assert res.exit_code == 0, res.output
    assert target.read_bytes().startswith(magic)
    assert "grafiek geschreven" in res.stderr


def test_figures_plot_bad_suffix_is_one_clear_line(built, tmp_path):
    res = CliRunner().invoke(app, ["figures", "aantal erkende Huizen van het Kind", "--plot", str(tmp_path / "x.gif"),
                                   "--index", str(built), "--model", "hash:256"])
    assert res.exit_code != 0
    assert "x.gif" in res.stderr and ".png of .svg" in res.stderr
