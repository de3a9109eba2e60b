"""Publish over the corpus: near-duplicate reports are one report, distinct figures, and a panel
that sums each figure once (invented corpus in tests/corpora/duplicates)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline.cli import main
from pipeline.reports import group_reports, region_columns

DUPLICATES = Path(__file__).parent / "corpora" / "duplicates"


@pytest.fixture(scope="module")
def duplicates_run(tmp_path_factory: pytest.TempPathFactory, theme_model_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("duplicates") / "out"
    assert main(["refresh", "--input", str(DUPLICATES), "--output", str(out), "--workers", "1"]) == 0
    return out


def test_publish_reposts_traditional_copies_and_excerpts_are_one_report(duplicates_run: Path) -> None:
    reports = pipeline.load("reports", duplicates_run)
    assert len(reports) == 2
    qingya = reports[reports.n_versions > 1].iloc[0]
    assert qingya.n_versions == 5
    assert {"excerpt", "other_script"} <= set(qingya.version_kinds)
    assert "06_yuanxi_county.txt" not in set(qingya.sources)


def test_publish_panel_sums_each_figure_once(duplicates_run: Path) -> None:
    t = pipeline.load_all(duplicates_run)
    panel = t["panel"].set_index(["city", "county", "year", "indicator"]).value
    # five versions, a breakdown (120 + 180) and a back-reference (这300个问题): counted once
    assert panel[("青崖市", None, 2025, "problems_found")] == 300
    assert panel[("青崖市", None, 2025, "orgs_inspected")] == 40
    assert panel[(None, "沅溪县", 2025, "problems_found")] == 88
    figures = t["figures"]
    found = figures[(figures.indicator == "problems_found") & (figures.city == "青崖市")]
    assert sorted(found.value) == [120, 180, 300]
    assert (found.n_sources == 5).all()
    assert sorted(found.role) == ["part", "part", "total"]


def test_publish_conflicting_versions_are_flagged(duplicates_run: Path) -> None:
    figures = pipeline.load("figures", duplicates_run)
    clues = figures[(figures.indicator == "clues_transferred") & (figures.city == "青崖市")].iloc[0]
    assert bool(clues.conflict) and list(clues["values"]) == [25.0, 52.0]
    assert not figures[figures.indicator != "clues_transferred"].conflict.any()


def test_publish_panel_equals_a_full_rebuild_after_a_refresh(duplicates_run: Path, tmp_path: Path) -> None:
    inp = tmp_path / "in"
    shutil.copytree(DUPLICATES, inp)
    (inp / "02_qingya_repost.txt").unlink()
    out = tmp_path / "out"
    shutil.copytree(duplicates_run, out, symlinks=True)
    assert main(["refresh", "--input", str(inp), "--output", str(out), "--workers", "1"]) == 0
    fresh = tmp_path / "fresh"
    assert main(["refresh", "--input", str(inp), "--output", str(fresh), "--workers", "1"]) == 0
    for name in ("reports", "figures", "panel"):
        pd.testing.assert_frame_equal(pipeline.load(name, out), pipeline.load(name, fresh), check_dtype=False)


@pytest.mark.parametrize(
    ("texts", "groups"),
    [
        ({"a": "巡察发现问题三百个整改到位" * 20, "b": "巡察发现问题三百个整改到位" * 20 + "来源青崖日报"}, 1),
        ({"a": "巡察发现问题三百个整改到位" * 20, "b": "对村巡察织密基层监督网络" * 20}, 2),  # negative
        ({"a": "", "b": ""}, 2),  # empty texts are never one report
    ],
)
def test_publish_grouping_by_containment(texts: dict[str, str], groups: int) -> None:
    assert group_reports(texts).report_id.nunique() == groups


@pytest.mark.parametrize(
    ("region", "level", "expected"),
    [
        ("四川省 / 广元市 / 青川县", "county", ("四川省", "广元市", "青川县")),
        ("丹枫市", "city", (None, "丹枫市", None)),
        ("桐川市", "county", (None, None, "桐川市")),
        ("青崖", "city", (None, "青崖", None)),
        ("湄江", "provincial", ("湄江", None, None)),
        (None, "county", (None, None, None)),
    ],
)
def test_publish_region_columns(region: str | None, level: str, expected: tuple[str | None, ...]) -> None:
    assert region_columns(region, level) == expected
