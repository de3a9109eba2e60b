"""The whole pipeline on the sample corpus: published tables, their contracts, bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeline.cli import main
from pipeline.config import OpenccMode
from pipeline.ingest import discover, read_document
from pipeline.normalize import normalize_fragment
from pipeline.publish import ContractViolation, check_contract
from pipeline.stages import STAGE_NAMES

from .conftest import SAMPLE_RAW


def test_pipeline_publishes_contract_tables(sample_run: Path) -> None:
    docs = pd.read_parquet(sample_run / "documents.parquet")
    passages = pd.read_parquet(sample_run / "passages.parquet")
    indicators = pd.read_parquet(sample_run / "indicators.parquet")
    assert {"doc_id", "source", "title", "published", "script", "quality", "flags"} <= set(docs.columns)
    assert {"doc_id", "source", "passage_id", "heading", "text", "raw_start", "raw_end", "themes"} <= set(
        passages.columns
    )
    assert {
        "doc_id",
        "source",
        "indicator",
        "value",
        "masked",
        "qualifier",
        "modality",
        "unit",
        "object",
        "subject",
        "period",
        "raw_start",
        "raw_end",
        "evidence",
    } <= set(indicators.columns)
    assert len(docs) == len(discover(SAMPLE_RAW))
    assert set(docs.script) <= {"simplified", "traditional", "mixed"}
    assert {"traditional", "simplified"} <= set(docs.script)
    assert docs.quality.between(0, 1).all()
    assert len(indicators) > 100
    assert passages.themes.map(len).gt(0).sum() > len(passages) / 3


def test_pipeline_every_passage_normalizes_back_from_its_raw_span(sample_run: Path) -> None:
    docs = pd.read_parquet(sample_run / "documents.parquet").set_index("doc_id")
    passages = pd.read_parquet(sample_run / "passages.parquet")
    raw = {
        d.doc_id: read_document(p, SAMPLE_RAW, 10**8)
        for p in discover(SAMPLE_RAW)
        for d in [read_document(p, SAMPLE_RAW, 10**8)]
    }
    for p in passages.itertuples():
        doc = raw[p.doc_id]
        fragment = doc.raw_text[p.raw_start : p.raw_end]
        assert normalize_fragment(fragment, docs.at[p.doc_id, "format"], OpenccMode.T2S) == p.text, (
            p.source,
            p.passage_id,
        )


def test_pipeline_indicator_evidence_points_at_its_figure(sample_run: Path) -> None:
    indicators = pd.read_parquet(sample_run / "indicators.parquet")
    raw = {d.doc_id: d.raw_text for d in (read_document(p, SAMPLE_RAW, 10**8) for p in discover(SAMPLE_RAW))}
    for r in indicators.itertuples():
        figure_raw = raw[r.doc_id][r.raw_start : r.raw_end]
        evidence_raw = raw[r.doc_id][r.evidence_raw_start : r.evidence_raw_end]
        assert r.evidence_raw_start <= r.raw_start < r.raw_end <= r.evidence_raw_end
        digits = "".join(c for c in r.figure if c.isdigit())
        assert digits in "".join(c for c in figure_raw if c.isdigit() or c in "０１２３４５６７８９").translate(
            str.maketrans("０１２３４５６７８９", "0123456789")
        ), (r.figure, figure_raw)
        assert evidence_raw


def test_pipeline_duckdb_and_csv_are_queryable(sample_run: Path) -> None:
    con = duckdb.connect(str(sample_run / "xuncha.duckdb"), read_only=True)
    try:
        by_type = dict(con.execute("SELECT indicator, count(*) FROM indicators GROUP BY 1").fetchall())
        docs = con.execute("SELECT count(*) FROM documents").fetchone()
    finally:
        con.close()
    assert by_type.get("orgs_inspected", 0) > 10
    assert docs is not None and docs[0] == len(discover(SAMPLE_RAW))
    csv_bytes = (sample_run / "csv" / "indicators.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a BOM
    assert (sample_run / "charts" / "panel_by_region.svg").read_text(encoding="utf-8").startswith("<svg")
    import json

    passages = pd.read_csv(sample_run / "csv" / "passages.csv", encoding="utf-8-sig")
    scores = passages.theme_scores.dropna()
    assert len(scores) and all(set(json.loads(s)) == set(json.loads(scores.iloc[0])) for s in scores)


def test_pipeline_broken_file_is_reported_and_skipped(tmp_path: Path, theme_model_dir: Path) -> None:
    corpus = tmp_path / "in"
    shutil.copytree(SAMPLE_RAW, corpus)
    (corpus / "zz_empty.txt").write_bytes(b"")
    (corpus / "zz_binary.txt").write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    # Exit 1: done and published, but some files were skipped.
    assert main(["run", "--input", str(corpus), "--output", str(out), "--theme-model-dir", str(theme_model_dir)]) == 1
    errors = pd.read_parquet(out / "ingest_errors.parquet")
    assert set(errors.source) == {"zz_empty.txt", "zz_binary.txt"}
    assert len(pd.read_parquet(out / "documents.parquet")) == len(discover(SAMPLE_RAW))


def test_pipeline_contract_violation_leaves_published_table_untouched(sample_run: Path) -> None:
    indicators = pd.read_parquet(sample_run / "indicators.parquet")
    doubled = pd.concat([indicators, indicators.head(1)])
    with pytest.raises(ContractViolation, match="repeat the grain"):
        check_contract("indicators", doubled)
    with pytest.raises(ContractViolation, match="nulls"):
        check_contract("indicators", indicators.assign(evidence=None))


def test_pipeline_help_explains_each_stage(capsys: pytest.CaptureFixture[str]) -> None:
    for stage in ("refresh", "run", *STAGE_NAMES, "evaluate", "train", "bench"):
        with pytest.raises(SystemExit) as exit_info:
            main([stage, "--help"])
        assert exit_info.value.code == 0
        assert "usage" in capsys.readouterr().out


def test_pipeline_notebooks_run_with_a_real_kernel(sample_run: Path) -> None:
    """Every notebook, executed top to bottom by nbmake (a Jupyter kernel), on the sample run's tables;
    the notebooks only read: the snapshot is unchanged afterwards."""
    import os
    import subprocess
    import sys

    from pipeline.config import PROJECT_ROOT

    notebooks = sorted((PROJECT_ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
    assert len(notebooks) >= 2
    before = {p: p.stat().st_mtime_ns for p in sample_run.rglob("*") if p.is_file()}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--nbmake", "-p", "no:cacheprovider", *map(str, notebooks)],
        cwd=PROJECT_ROOT / "notebooks",
        env={**os.environ, "XUNCHA_OUT": str(sample_run)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert f"{len(notebooks)} passed" in result.stdout
    assert {p: p.stat().st_mtime_ns for p in sample_run.rglob("*") if p.is_file()} == before


def published_bytes(out: Path) -> dict[str, bytes]:
    """Every published Parquet file, a parted table's parts included, by its path under `out`."""
    files = [f for p in out.glob("*.parquet") for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    return {str(f.relative_to(out)): f.read_bytes() for f in files}


def test_pipeline_failed_publish_keeps_previous_snapshot(
    sample_run: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    shutil.copytree(sample_run, out, symlinks=True)
    corpus = tmp_path / "in"
    shutil.copytree(SAMPLE_RAW, corpus)
    (corpus / "zz_new.txt").write_text("县委巡察组对5个村开展巡察，发现问题12个。", encoding="utf-8")
    before = published_bytes(out)

    def broken(name: str, table: pd.DataFrame) -> None:
        raise ContractViolation(f"{name}: broken on purpose")

    monkeypatch.setattr("pipeline.publish.check_contract", broken)
    assert main(["refresh", "--input", str(corpus), "--output", str(out)]) == 2
    assert published_bytes(out) == before
    monkeypatch.undo()
    assert main(["refresh", "--input", str(corpus), "--output", str(out)]) == 0  # the next run publishes
    assert "zz_new.txt" in set(pd.read_parquet(out / "documents.parquet").source)
    assert not [p for p in out.rglob(".tmp-*")]  # nothing temporary left behind


def test_pipeline_make_help_lists_every_target() -> None:
    import subprocess

    from pipeline.config import PROJECT_ROOT

    listed = subprocess.run(["make", "-s", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
    for target in (*STAGE_NAMES, "refresh", "all", "test", "lint", "evaluate", "bench", "clean", "train"):
        assert f"make {target} " in listed, target
