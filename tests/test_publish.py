"""Published outputs on the sample run: contracts, CSVs that parse back, the workbook, DuckDB views,
report.html in a real headless browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from pipeline.contracts import TABLES, ContractViolation, check_contract


def test_publish_every_table_holds_its_contract(sample_run: Path) -> None:
    for name in TABLES:
        table = pd.read_parquet(sample_run / f"{name}.parquet")
        check_contract(name, table)
        assert [c.name for c in TABLES[name].columns if c.name not in table.columns] == [] or table.empty, name


@pytest.mark.parametrize(
    ("name", "breaks", "message"),
    [
        ("indicators", lambda t: pd.concat([t, t.head(1)]), "repeat the grain"),
        ("indicators", lambda t: t.assign(evidence=None), "nulls"),
        ("indicators", lambda t: t.assign(indicator="bogus"), "isin"),
        ("indicators", lambda t: t.assign(role="sum"), "isin"),
        ("figures", lambda t: t.assign(conflict=None), "nulls"),
        ("panel", lambda t: pd.concat([t, t.head(1)]), "repeat the grain"),
        ("documents", lambda t: t.drop(columns=["province"]), "missing columns"),
        ("tokens", lambda t: t.assign(raw_end=None), "nulls"),
    ],
)
def test_publish_contract_violations_are_caught(sample_run: Path, name: str, breaks: object, message: str) -> None:
    table = pd.read_parquet(sample_run / f"{name}.parquet")
    with pytest.raises(ContractViolation, match=message):
        check_contract(name, breaks(table))  # type: ignore[operator]


def test_publish_every_csv_parses_back(sample_run: Path) -> None:
    csvs = sorted((sample_run / "csv").glob("*.csv"))
    assert {"documents", "passages", "indicators", "figures", "panel", "reports"} <= {p.stem for p in csvs}
    for path in csvs:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path.name
        back = pd.read_csv(path, encoding="utf-8-sig")
        table = pd.read_parquet(sample_run / f"{path.stem}.parquet")
        assert len(back) == len(table) and list(back.columns) == list(table.columns), path.name
        for col in table.columns:
            sample = table[col].dropna()
            if len(sample) and hasattr(sample.iloc[0], "__len__") and not isinstance(sample.iloc[0], str):
                for cell in back[col].dropna():
                    assert isinstance(json.loads(cell), list | dict), (path.name, col, cell)
    docs = pd.read_csv(sample_run / "csv" / "documents.csv", encoding="utf-8-sig")
    assert pd.to_datetime(docs.published.dropna(), format="%Y-%m-%d").notna().all()


def test_publish_documents_have_a_date_region_columns_and_display_names(sample_run: Path) -> None:
    docs = pd.read_parquet(sample_run / "documents.parquet")
    assert pd.api.types.is_datetime64_any_dtype(docs.published)
    assert docs.published.notna().sum() >= 5
    assert docs[["province", "city", "county"]].notna().any(axis=1).sum() >= 10
    indicators = pd.read_parquet(sample_run / "indicators.parquet")
    assert (indicators.loc[indicators.indicator == "problems_found", "indicator_name"] == "发现问题数").all()
    passages = pd.read_parquet(sample_run / "passages.parquet")
    named = passages[passages.themes.map(len) > 0].iloc[0]
    assert len(named.theme_names) == len(named.themes) and re.search(r"[\u4e00-\u9fff]", named.theme_names[0])


def test_publish_workbook_has_a_sheet_per_table_and_a_data_dictionary(sample_run: Path) -> None:
    sheets = pd.read_excel(sample_run / "xuncha.xlsx", sheet_name=None, engine="calamine")
    assert next(iter(sheets)) == "data_dictionary"
    assert set(sheets) == {"data_dictionary", "documents", "figures", "panel", "reports", "ingest_errors", "runs"}
    assert {"table", "column", "meaning"} <= set(sheets["data_dictionary"].columns)
    # Each sheet reads back to its Parquet table: same rows, values, Chinese names, lists as JSON.
    for name in ("figures", "documents"):
        table = pd.read_parquet(sample_run / f"{name}.parquet")
        sheet = sheets[name]
        assert list(sheet.columns) == list(table.columns) and len(sheet) == len(table)
        assert sheet.doc_id.tolist() == table.doc_id.tolist()
    figures = sheets["figures"]
    assert "发现问题数" in set(figures.indicator_name)
    parquet = pd.read_parquet(sample_run / "figures.parquet")
    assert np.allclose(figures.value.astype(float), parquet.value.astype(float), equal_nan=True)
    assert sheets["figures"].sources.map(json.loads).map(len).tolist() == sheets["figures"].n_sources.tolist()


def test_publish_duckdb_views_answer_the_usual_questions(sample_run: Path) -> None:
    con = duckdb.connect(str(sample_run / "xuncha.duckdb"), read_only=True)
    try:
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        assert {
            "figures_by_region_year_type",
            "theme_shares_by_document",
            "theme_shares_by_year",
            "figure_evidence",
        } <= views
        by_region = con.execute("SELECT count(*), sum(value) FROM figures_by_region_year_type").fetchone()
        shares = con.execute("SELECT max(share), min(share) FROM theme_shares_by_document").fetchone()
        evidence = con.execute("SELECT count(*), count(passage), count(source) FROM figure_evidence").fetchone()
        figures = con.execute("SELECT count(*) FROM figures").fetchone()
    finally:
        con.close()
    assert by_region is not None and by_region[0] > 10
    assert shares is not None and 0 < shares[1] <= shares[0] <= 1
    assert evidence is not None and figures is not None and evidence[0] == evidence[1] == evidence[2] == figures[0]


def test_publish_report_is_self_contained(sample_run: Path) -> None:
    page = (sample_run / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", page)  # nothing loaded from the network
    assert "<script" not in page and "@import" not in page and "url(" not in page
    for section in ("summary", "quality", "panel", "themes", "changes", "evidence"):
        assert f'id="{section}"' in page
    assert "<mark>" in page and "发现问题数" in page and "What changed in run" in page


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (.ci/run installs it: apt-get install chromium)")
def test_publish_report_renders_in_headless_chromium(sample_run: Path, tmp_path: Path) -> None:
    from PIL import Image

    assert CHROMIUM is not None
    url = (sample_run / "report.html").resolve().as_uri()
    with tempfile.TemporaryDirectory() as profile:
        base = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}"]
        dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=120).stdout
        shot = tmp_path / "report.png"
        subprocess.run(
            [*base, f"--screenshot={shot}", "--window-size=1200,1600", "--hide-scrollbars", url],
            capture_output=True,
            timeout=120,
        )
    # the DOM the browser built: charts with their Chinese labels, the evidence view
    for chart in ("chart-panel-region", "chart-panel-year", "chart-themes"):
        assert f'id="{chart}"' in dom, chart
    labels = re.findall(r'<text class="label"[^>]*>([^<]+)</text>', dom)
    assert labels and all(re.search(r"[\u4e00-\u9fff]", label) for label in labels)
    assert "<mark>" in dom
    # the screenshot is not blank: the bars' colours are painted
    image = Image.open(shot).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000) or []
    assert len(colours) > 50
    painted = {c for _, c in colours}
    assert (43, 108, 176) in painted  # the first bar colour, #2b6cb0


def test_publish_document_whose_resolve_failed_keeps_its_figures_unresolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme_model_dir: Path
) -> None:
    import pipeline.figures as figures_module
    from pipeline.cli import main

    from .conftest import SAMPLE_RAW

    corpus = tmp_path / "in"
    corpus.mkdir()
    for name in ("01_qingya_city_review.txt", "02_yuanxi_county_review.txt"):
        shutil.copy(SAMPLE_RAW / name, corpus / name)
    real = figures_module.resolve

    def fails_on_yuanxi(indicators: pd.DataFrame, *rest: pd.DataFrame) -> pd.DataFrame:
        if "沅溪" in str(rest[-1]["text"].iloc[0]):
            raise RuntimeError("resolve broke on purpose")
        return real(indicators, *rest)

    monkeypatch.setattr(figures_module, "resolve", fails_on_yuanxi)
    out = tmp_path / "out"
    assert main(["refresh", "--input", str(corpus), "--output", str(out), "--workers", "1"]) == 1
    docs = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert any("resolve_failed" in f for f in docs.loc["02_yuanxi_county_review.txt", "flags"])
    indicators = pd.read_parquet(out / "indicators.parquet")
    failed = indicators[indicators.source == "02_yuanxi_county_review.txt"]
    assert len(failed) and (failed.role_rule == "unresolved").all() and (failed.role == "total").all()
    ok = indicators[indicators.source == "01_qingya_city_review.txt"]
    assert len(ok) and (ok.role_rule != "unresolved").all()


def _doc_rows(spec: dict[str, int]) -> pa.Table:
    """A table with `n` rows per doc_id, in the given order, values counting up."""
    ids = [d for d, n in spec.items() for _ in range(n)]
    return pa.table({"doc_id": ids, "value": list(range(len(ids)))})


@pytest.mark.parametrize(
    ("before", "fresh", "doc_ids"),
    [
        ({"a": 2, "c": 3, "d": 1}, {"b": 2}, ["a", "b", "c", "d"]),  # one added inside
        ({"a": 2, "c": 3}, {"c": 1}, ["a", "c"]),  # one changed: its old rows go
        ({"a": 2, "b": 1, "c": 3}, {}, ["a", "c"]),  # one retracted
        ({"b": 2, "c": 1}, {"a": 1, "z": 2}, ["a", "b", "c", "z"]),  # added at both ends
        ({"c": 1, "a": 2, "b": 1}, {"d": 1}, ["a", "b", "c", "d"]),  # previous rows not in doc_id order
        ({"a": 1, "b": 1, "a2": 1}, {}, ["a", "a2", "b"]),
    ],
)
def test_publish_spliced_rows_equal_filtering_and_sorting(
    before: dict[str, int], fresh: dict[str, int], doc_ids: list[str]
) -> None:
    from pipeline.publish import _in_doc_order, _spliced

    old, new = _doc_rows(before), _doc_rows(fresh)
    new = new.set_column(1, "value", pa.array([v + 100 for v in new["value"].to_pylist()]))
    got = pa.concat_tables(_spliced(_in_doc_order(old), new if fresh else None, doc_ids, set(fresh)))
    kept = old.filter(pc.is_in(old["doc_id"], pa.array([d for d in doc_ids if d not in fresh])))
    want = pa.concat_tables([kept, new] if fresh else [kept]).sort_by([("doc_id", "ascending")])  # stable
    assert got.to_pylist() == want.to_pylist()


@pytest.mark.parametrize(
    ("rows", "columns"),
    [
        ({"doc_id": ["a", "a"], "text": ["长文本一", "长文本二"], "n": [1, 2]}, ["doc_id", "n"]),
        ({"doc_id": ["a"], "text": ["长文本"], "n": [1]}, None),  # every column
        ({"doc_id": [], "text": [], "n": []}, ["doc_id"]),  # negative: no rows still means only the chosen columns
    ],
)
def test_publish_read_ipc_reads_the_chosen_columns(
    tmp_path: Path, rows: dict[str, list[object]], columns: list[str] | None
) -> None:
    from pipeline.store import read_ipc

    table = pa.table(
        {
            "doc_id": pa.array(rows["doc_id"], pa.string()),
            "text": pa.array(rows["text"], pa.string()),
            "n": pa.array(rows["n"], pa.int64()),
        }
    )
    path = tmp_path / "doc.arrow"
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
        writer.write_table(table)
    got = read_ipc(path, columns)
    assert got.column_names == (columns or table.column_names)
    assert got.to_pylist() == table.select(columns or table.column_names).to_pylist()


@pytest.mark.parametrize(
    ("kinds", "themes", "expected"),
    [
        (["body", "body"], [["rectification"], ["rectification", "coordination"]], {"rectification": (2, 1.0)}),
        (["body", "title"], [["rectification"], ["rectification"]], {"rectification": (1, 1.0)}),  # titles not counted
        (["body", "body"], [None, []], {"rectification": (0, 0.0)}),  # negative: no themes, no counts
        ([], [], {"rectification": (0, 0.0)}),  # negative: no passages at all
    ],
)
def test_publish_theme_shares_count_body_passages(
    kinds: list[str], themes: list[list[str] | None], expected: dict[str, tuple[int, float]]
) -> None:
    from pipeline.report_html import theme_shares

    table = pa.table({"kind": pa.array(kinds, pa.string()), "themes": pa.array(themes, pa.list_(pa.string()))})
    shares = theme_shares(table).set_index("theme")
    for theme, (count, share) in expected.items():
        assert (shares.at[theme, "passages"], shares.at[theme, "share"]) == (count, share)


def _figure_rows(*rows: tuple[str, str, int, float]) -> pd.DataFrame:
    """(doc_id, indicator, raw_start, value) rows as the indicators table holds them."""
    return pd.DataFrame(
        [
            {
                "doc_id": d,
                "indicator": k,
                "raw_start": start,
                "raw_end": start + 5,
                "source": f"{d}.txt",
                "evidence": "巡察了若干单位",
                "value": v,
                "masked": False,
                "qualifier": "exact",
                "modality": "achieved",
            }
            for d, k, start, v in rows
        ]
    )


@pytest.mark.parametrize(
    ("before", "after", "lineage", "unchanged", "expected"),
    [
        # a changed report (new bytes, same file) with one figure changed; another report unchanged
        (
            [("a", "orgs_inspected", 0, 12), ("b", "orgs_inspected", 0, 3)],
            [("a2", "orgs_inspected", 0, 13), ("b", "orgs_inspected", 0, 3)],
            {"a2": "a", "b": "b"},
            {"b"},
            [("changed", "a2")],
        ),
        # a retracted report's figures are withdrawn; a new one's are new
        (
            [("a", "rounds", 0, 2), ("b", "rounds", 0, 3)],
            [("b", "rounds", 0, 3), ("c", "rounds", 9, 4)],
            {"b": "b", "c": "c"},
            {"b"},
            [("new", "c"), ("withdrawn", "a")],
        ),
        # negative: an unchanged report that a new document now counts as its version is compared
        (
            [("b", "rounds", 0, 3)],
            [("a0", "rounds", 0, 5), ("b", "rounds", 0, 3)],
            {"a0": "b", "b": "b"},
            {"b"},
            [("changed", "a0"), ("new", "b")],
        ),
        # negative: nothing changed, nothing reported
        ([("b", "rounds", 0, 3)], [("b", "rounds", 0, 3)], {"b": "b"}, {"b"}, []),
    ],
)
def test_publish_figure_changes_leave_out_unchanged_documents_only(
    before: list[tuple[str, str, int, float]],
    after: list[tuple[str, str, int, float]],
    lineage: dict[str, str],
    unchanged: set[str],
    expected: list[tuple[str, str]],
) -> None:
    from pipeline.publish import figure_changes

    full = figure_changes(_figure_rows(*before), _figure_rows(*after), lineage)
    fast = figure_changes(_figure_rows(*before), _figure_rows(*after), lineage, unchanged)
    pd.testing.assert_frame_equal(fast, full, check_dtype=False, check_index_type=False)
    assert sorted(zip(fast.change, fast.doc_id, strict=True)) == expected


@pytest.mark.parametrize(
    ("column", "values"),
    [
        (["a", "b", None, "c"], {"a", "c"}),  # a missing id is never in the set
        (["a", "b", None, "c"], set()),
        (["a", "b"], pd.Series(["b", "x"])),  # the ids of another table's column
        (["a", "b"], ["b", 1, None]),  # values that are not strings match nothing
        ([1, 2, 3], {2}),  # not a string column: pandas' own isin
        ([], {"a"}),
    ],
)
def test_publish_isin_equals_pandas_isin(column: list[object], values: object) -> None:
    from pipeline.frames import isin

    series = pd.Series(column, dtype=None if column else "str")
    expected = series.isin(values).to_numpy()  # type: ignore[arg-type]
    assert isin(series, values).tolist() == expected.tolist()


@pytest.mark.parametrize("chunk", [1, 2, 3, 500])
def test_publish_document_tables_read_by_chunks_equal_one_concatenation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    """Documents are read CONCAT_CHUNK at a time (memory): the rows, their order and the column
    types are those of one concatenation, also when a column is empty (null-typed) in a chunk."""
    from pipeline import store

    layout = store.Layout(tmp_path)
    frames = {
        "d1": pd.DataFrame({"doc_id": ["d1"], "value": [1], "note": [None]}),
        "d2": pd.DataFrame({"doc_id": ["d2", "d2"], "value": [2, 3], "note": [None, None]}),
        "d3": pd.DataFrame({"doc_id": [], "value": [], "note": []}),
        "d4": pd.DataFrame({"doc_id": ["d4"], "value": [4], "note": ["a"]}),
    }
    for doc_id, rows in frames.items():
        store.write_document_table(layout, "indicators", doc_id, rows)
    ids = [*frames, "missing"]
    whole = pa.concat_tables(
        [t for t in (store.read_ipc(layout.document_table("indicators", d)) for d in frames) if t.num_rows],
        promote_options="permissive",
    )
    monkeypatch.setattr(store, "CONCAT_CHUNK", chunk)
    read = store.concat_document_arrow(layout, "indicators", ids)
    assert read is not None
    assert read.schema == whole.schema
    assert read.to_pylist() == whole.to_pylist()
    assert read.column("value").to_pylist() == [1, 2, 3, 4]


@pytest.mark.parametrize(("n_figures", "listed", "more"), [(3, 3, None), (1000, 1000, None), (1003, 1000, "3")])
def test_publish_change_report_lists_at_most_max_rows(n_figures: int, listed: int, more: str | None) -> None:
    """changes.md lists up to MAX_CHANGE_ROWS figures and says how many more are in changes.csv."""
    from pipeline.publish import MAX_CHANGE_ROWS, change_report_markdown

    assert MAX_CHANGE_ROWS == 1000
    figures = pd.DataFrame(
        {
            "change": "new",
            "source": [f"r{i}.txt" for i in range(n_figures)],
            "indicator": "rounds",
            "value_before": None,
            "value": 3.0,
            "evidence": "开展3轮巡察",
        }
    )
    docs = pd.DataFrame({"change": ["added"], "sources": ["r0.txt"], "detail": [""]})
    md = change_report_markdown("run", docs, figures, pd.DataFrame(columns=["source", "error"]))
    assert sum(1 for line in md.splitlines() if line.startswith("| new |")) == listed
    assert ("more in changes.csv" in md) == (more is not None)
    if more:
        assert f"… and {more} more in changes.csv" in md
