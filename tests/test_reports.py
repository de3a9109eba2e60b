"""Publish over the corpus: near-duplicate reports are one report, distinct figures, and a panel
that sums each figure once (invented corpus in tests/corpora/duplicates)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import pipeline
from pipeline.cli import main
from pipeline.reports import NearDuplicates, group_reports, region_columns, sentence_keys, shingle_hashes

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


@pytest.mark.parametrize(
    "edit",
    [
        "remove a repost",  # the Qingya report changes; Yuanxi's rows are taken over
        "rename a file",  # negative: Yuanxi's rows name their source, so they are not taken over
        "copy a file",  # negative: a second source for the Yuanxi report
    ],
)
def test_publish_corpus_tables_equal_a_full_rebuild_after_a_refresh(
    duplicates_run: Path, tmp_path: Path, edit: str
) -> None:
    inp = tmp_path / "in"
    shutil.copytree(DUPLICATES, inp)
    if edit == "remove a repost":
        (inp / "02_qingya_repost.txt").unlink()
    elif edit == "rename a file":
        (inp / "06_yuanxi_county.txt").rename(inp / "07_yuanxi_county.txt")
    else:
        shutil.copy(inp / "06_yuanxi_county.txt", inp / "08_yuanxi_copy.txt")
    out = tmp_path / "out"
    shutil.copytree(duplicates_run, out, symlinks=True)
    assert main(["refresh", "--input", str(inp), "--output", str(out), "--workers", "1"]) == 0
    fresh = tmp_path / "fresh"
    assert main(["refresh", "--input", str(inp), "--output", str(fresh), "--workers", "1"]) == 0
    for name in ("reports", "figures", "panel"):
        pd.testing.assert_frame_equal(pipeline.load(name, out), pipeline.load(name, fresh), check_dtype=False)


# Invented report text (our own words), long enough to have a few hundred shingles.
REPORT = (
    "青崖市委第三巡察组于四月进驻市水务局，围绕群众反映强烈的供水管网老化问题开展监督，"
    "共发现问题二十三个，移交问题线索四件，督促立行立改事项九项。"
    "巡察组随后下沉到六个乡镇，走访供水站点和村民家中，核实工程款拨付与维修记录是否一致。"
    "对账目不清、资料缺失的项目，巡察组建立台账，逐项提出整改建议，并明确时限和责任人。"
)
OTHER = (
    "沅溪县纪委监委开展年度干部作风专项检查，重点查看窗口单位服务态度和办事效率，"
    "暗访二十个办事大厅，通报典型案例五起，约谈单位负责人十一人，督促建立首问负责制度。"
)


def _grouping(texts: dict[str, str], fresh: set[str] | None = None, previous: NearDuplicates | None = None):
    return group_reports(sorted(texts), lambda ids: {d: shingle_hashes(texts[d]) for d in ids}, fresh, previous)


@pytest.mark.parametrize(
    ("texts", "groups"),
    [
        ({"a": REPORT, "b": "来源：青崖日报\n" + REPORT + "\n责任编辑：李明"}, 1),  # a repost with page furniture
        ({"a": REPORT, "b": REPORT[40:160]}, 1),  # an excerpt lies inside the full report
        ({"a": REPORT, "b": OTHER}, 2),  # negative: another report of the genre
        ({"a": REPORT[:60], "b": REPORT[60:]}, 2),  # negative: two halves share no text
        ({"a": "", "b": ""}, 2),  # negative: empty texts are never one report
    ],
)
def test_publish_grouping_by_containment(texts: dict[str, str], groups: int) -> None:
    assert _grouping(texts).groups.report_id.nunique() == groups


def test_publish_grouping_primary_is_the_fullest_version() -> None:
    groups = _grouping({"full": REPORT, "part": REPORT[:150]}).groups.set_index("doc_id")
    assert groups.report_id.tolist() == ["full", "full"] and bool(groups.is_primary["full"])
    assert groups.containment["part"] == 1.0 and groups.n_versions["part"] == 2


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ({"a": REPORT, "c": OTHER}, {"a": REPORT, "b": REPORT[30:200], "c": OTHER}),  # an excerpt arrives
        ({"a": REPORT, "b": REPORT[30:200], "c": OTHER}, {"b": REPORT[30:200], "c": OTHER}),  # the full one leaves
        ({"a": REPORT, "b": REPORT[30:200]}, {"a": REPORT, "b": REPORT[30:200], "d": REPORT[100:]}),
        ({"a": OTHER}, {"a": OTHER, "e": ""}),
        # a longer version arrives and becomes the main one: every member is measured against it
        ({"a": REPORT[:150], "b": REPORT[20:150]}, {"a": REPORT[:150], "b": REPORT[20:150], "f": REPORT}),
        # b-c was never confirmed (a already joined them); a leaves, and b-c must be looked up again
        ({"a": REPORT, "b": REPORT[:120], "c": REPORT[30:]}, {"b": REPORT[:120], "c": REPORT[30:]}),
    ],
)
def test_publish_grouping_refreshed_equals_grouping_rebuilt(before: dict[str, str], after: dict[str, str]) -> None:
    previous = _grouping(before)
    refreshed = _grouping(after, fresh=set(after) - set(before), previous=previous)
    rebuilt = _grouping(after)
    # The kept pairs only need to connect each group: samples and groups must match, pairs need not.
    for part in ("samples", "groups"):
        a, b = getattr(refreshed, part), getattr(rebuilt, part)
        order = list(a.columns)
        pd.testing.assert_frame_equal(
            a.sort_values(order).reset_index(drop=True), b.sort_values(order).reset_index(drop=True), check_dtype=False
        )


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (
            "对12个单位开展巡察，发现问题35个。",
            "对13个单位开展巡察,发现问题 36 个",
            True,
        ),  # figures and punctuation aside
        ("对１２个单位开展巡察", "对3个单位开展巡察", True),  # full-width digits are digits too
        ("完成率98.5%", "完成率100%", True),
        ("对12个单位开展巡察", "对12个村开展巡察", False),  # negative: another sentence
        ("第〇轮巡察", "第一轮巡察", False),  # negative: 〇 is a word character, not a digit
    ],
)
def test_publish_sentence_keys_ignore_figures_and_punctuation(a: str, b: str, same: bool) -> None:
    keys = sentence_keys(pd.Series([a, b]))
    assert (keys[0] == keys[1]) is same


def test_publish_grouping_reads_only_the_new_version_and_the_main_one() -> None:
    """A version joining a group whose main document stays: the kept members' sizes and
    containments are taken over, so only the new text and the main one's are read."""
    before = {"a": REPORT, "b": REPORT[30:200], "c": REPORT[10:180], "d": OTHER}
    after = {**before, "e": REPORT[50:220]}
    read: list[str] = []

    def shingles_of(ids: list[str]) -> dict[str, np.ndarray]:
        read.extend(ids)
        return {d: shingle_hashes(after[d]) for d in ids}

    previous = _grouping(before)
    refreshed = group_reports(sorted(after), shingles_of, {"e"}, previous)
    assert sorted(set(read)) == ["a", "e"]
    pd.testing.assert_frame_equal(refreshed.groups, _grouping(after).groups, check_dtype=False)


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
