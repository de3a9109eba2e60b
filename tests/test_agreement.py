"""Inter-annotator agreement (pipeline.agreement) on small invented annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.agreement import compare, furniture_agreement, indicator_agreement, main, theme_agreement

# Invented text; offsets below point into it.
TEXT = "县委巡察组对5个村开展巡察，发现问题12个，移交问题线索X条。\n\n巡察覆盖率达到93.2%。\n来源：本站\n"


def rec(
    indicator: str, value: float | None, doc: str = "t001", start: int = 0, end: int = 6, **extra: Any
) -> dict[str, Any]:
    r: dict[str, Any] = {
        "doc": doc,
        "indicator": indicator,
        "value": value,
        "masked": value is None,
        "qualifier": "exact",
        "modality": "achieved",
        "start": start,
        "end": end,
        "role": "total",
        "year": "2025",
    }
    r.update(extra)
    return r


VILLAGES = rec("villages_inspected", 5, start=5, end=9)
PROBLEMS = rec("problems_found", 12, start=14, end=21)
CLUES = rec("clues_transferred", None, start=22, end=30)
RATE = rec("coverage_rate", 93.2, start=35, end=45)

# (case, annotator a, annotator b, matched, only in b (fp), only in a (fn))
INDICATOR_CASES = [
    ("identical", [VILLAGES, PROBLEMS], [VILLAGES, PROBLEMS], 2, 0, 0),
    ("value differs", [PROBLEMS], [{**PROBLEMS, "value": 21}], 0, 1, 1),
    ("type differs", [PROBLEMS], [{**PROBLEMS, "indicator": "problems_resolved"}], 0, 1, 1),
    ("other document", [PROBLEMS], [{**PROBLEMS, "doc": "t002"}], 0, 1, 1),
    ("both masked", [CLUES], [CLUES], 1, 0, 0),
    ("masked vs a value", [CLUES], [{**CLUES, "value": 3, "masked": False}], 0, 1, 1),
    ("within 0.01", [RATE], [{**RATE, "value": 93.205}], 1, 0, 0),
    ("beyond 0.01", [RATE], [{**RATE, "value": 93.25}], 0, 1, 1),
    ("one-to-one", [VILLAGES, {**VILLAGES, "start": 50, "end": 54}], [VILLAGES], 1, 0, 1),
    ("optional in a absorbs b", [{**PROBLEMS, "optional": True}], [PROBLEMS], 0, 0, 0),
    ("optional in b absorbs a", [PROBLEMS], [{**PROBLEMS, "optional": True}], 0, 0, 0),
    ("unmatched optional costs nothing", [{**VILLAGES, "optional": True}], [{**RATE, "optional": True}], 0, 0, 0),
    ("required beats optional", [PROBLEMS], [{**PROBLEMS, "optional": True}, PROBLEMS], 1, 0, 0),
    ("empty", [], [], 0, 0, 0),
]


@pytest.mark.parametrize(
    ("a", "b", "tp", "fp", "fn"), [c[1:] for c in INDICATOR_CASES], ids=[c[0] for c in INDICATOR_CASES]
)
def test_indicator_matching(a: list[dict[str, Any]], b: list[dict[str, Any]], tp: int, fp: int, fn: int) -> None:
    ag = indicator_agreement(a, b)
    assert (ag.tp, ag.fp, ag.fn) == (tp, fp, fn)


def test_f1_is_symmetric_and_attributes_are_compared_on_matched_pairs() -> None:
    a = [VILLAGES, PROBLEMS, CLUES]
    b = [{**VILLAGES, "modality": "planned"}, {**PROBLEMS, "qualifier": "at_least"}, RATE]
    ab, ba = indicator_agreement(a, b), indicator_agreement(b, a)
    assert ab.f1 == pytest.approx(ba.f1) == pytest.approx(2 / 3)
    assert (ab.precision, ab.recall) == (pytest.approx(2 / 3), pytest.approx(2 / 3))
    assert ab.attribute_agreement["modality"] == 0.5
    assert ab.attribute_agreement["qualifier"] == 0.5
    assert ab.attribute_agreement["year"] == 1.0
    assert ab.per_type["coverage_rate"] == {"tp": 0, "fp": 1, "fn": 0, "f1": 0.0}
    assert ab.per_type["clues_transferred"]["fn"] == 1


def test_equal_figures_pair_by_span() -> None:
    """Two villages figures of 5: each is paired with the one at the same place, so attributes line up."""
    first, second = VILLAGES, {**VILLAGES, "start": 50, "end": 54, "modality": "planned"}
    ag = indicator_agreement([first, second], [second, first])
    assert ag.tp == 2
    assert ag.attribute_agreement["modality"] == 1.0


def test_no_matches_gives_no_attribute_agreement() -> None:
    ag = indicator_agreement([VILLAGES], [RATE])
    assert ag.f1 == 0.0
    assert ag.attribute_agreement["modality"] is None


def themes(*rows: tuple[int, list[str]], doc: str = "t001") -> list[dict[str, Any]]:
    return [{"doc": doc, "line": n, "labels": labels} for n, labels in rows]


def test_theme_agreement() -> None:
    a = themes((0, ["village_inspection"]), (2, ["coverage_planning"]), (4, []), (6, ["rectification"]), (8, []))
    b = themes((0, ["village_inspection"]), (2, ["coverage_planning", "rectification"]), (4, []), (6, []), (9, []))
    ag = theme_agreement(a, b, {"t001"})
    assert (ag.paragraphs, ag.only_a, ag.only_b) == (4, 1, 1)
    assert ag.exact_sets == 0.5
    assert ag.f1["village_inspection"] == 1.0
    assert ag.kappa["village_inspection"] == 1.0
    assert ag.f1["rectification"] == 0.0
    assert ag.kappa["rectification"] == pytest.approx(-1 / 3)
    assert ag.support["rectification"] == (1, 1)
    assert ag.macro_f1 == pytest.approx(2 / 3)
    assert [(d[1], d[2], d[3]) for d in ag.differing] == [
        (2, ["coverage_planning"], ["coverage_planning", "rectification"]),
        (6, ["rectification"], []),
    ]


THEME_NEGATIVES = [
    ("no shared paragraphs", themes((0, ["rectification"])), themes((1, ["rectification"])), None),
    (
        "other document ignored",
        themes((0, ["rectification"]), doc="t009"),
        themes((0, ["rectification"]), doc="t009"),
        None,
    ),
    ("no labels at all", themes((0, [])), themes((0, [])), None),
]


@pytest.mark.parametrize(("a", "b", "macro"), [c[1:] for c in THEME_NEGATIVES], ids=[c[0] for c in THEME_NEGATIVES])
def test_theme_agreement_without_material(a: list[dict[str, Any]], b: list[dict[str, Any]], macro: None) -> None:
    ag = theme_agreement(a, b, {"t001"})
    assert ag.macro_f1 is macro
    assert ag.kappa == {}


def test_kappa_undefined_for_a_label_both_always_give() -> None:
    a = themes((0, ["rectification"]), (1, ["rectification", "coordination"]))
    b = themes((0, ["rectification"]), (1, ["rectification"]))
    ag = theme_agreement(a, b, {"t001"})
    assert ag.kappa["rectification"] is None
    assert ag.f1["rectification"] == 1.0
    assert ag.f1["coordination"] == 0.0


FURNITURE_CASES = [
    ("same", [0, 5], [1, 2], [0, 5], [1, 2], 4, 4),
    ("drop vs keep", [0, 5], [1, 2], [0], [1, 2, 5], 3, 4),
    ("listed by one only", [0], [1, 2], [0], [1], 2, 3),
    ("nothing listed", [], [], [], [], 0, 0),
]


@pytest.mark.parametrize(
    ("drop_a", "keep_a", "drop_b", "keep_b", "same", "either"),
    [c[1:] for c in FURNITURE_CASES],
    ids=[c[0] for c in FURNITURE_CASES],
)
def test_furniture_agreement(
    drop_a: list[int], keep_a: list[int], drop_b: list[int], keep_b: list[int], same: int, either: int
) -> None:
    a = [{"doc": "t001", "drop_lines": drop_a, "keep_lines": keep_a}]
    b = [{"doc": "t001", "drop_lines": drop_b, "keep_lines": keep_b}]
    ag = furniture_agreement(a, b, {"t001"})
    assert (ag.same, ag.either) == (same, either)
    assert ag.share == (same / either if either else None)


def write(
    folder: Path, indicators: list[dict[str, Any]], theme_rows: list[dict[str, Any]], furniture: list[dict[str, Any]]
) -> Path:
    folder.mkdir(parents=True)
    for name, rows in (("indicators", indicators), ("themes", theme_rows), ("furniture", furniture)):
        (folder / f"{name}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
        )
    return folder


def test_compare_uses_documents_both_annotated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    texts = tmp_path / "texts"
    texts.mkdir()
    (texts / "t001.txt").write_text(TEXT, encoding="utf-8")
    furniture_a = [
        {"doc": "t001", "drop_lines": [3], "keep_lines": [0, 2]},
        {"doc": "t002", "drop_lines": [], "keep_lines": [0]},
    ]
    a = write(
        tmp_path / "a",
        [VILLAGES, PROBLEMS, rec("rounds", 2, doc="t002")],
        themes((0, ["village_inspection"]), (2, ["coverage_planning"])) + themes((0, ["rectification"]), doc="t002"),
        furniture_a,
    )
    b = write(
        tmp_path / "b",
        [VILLAGES, {**PROBLEMS, "value": 13}],
        themes((0, ["village_inspection"]), (2, ["coverage_planning"])),
        [{"doc": "t001", "drop_lines": [3], "keep_lines": [0]}],
    )
    ag = compare(a, b)
    assert ag.docs == ["t001"]
    assert (ag.indicators.tp, ag.indicators.fp, ag.indicators.fn) == (1, 1, 1)
    assert ag.themes.paragraphs == 2 and ag.themes.macro_f1 == 1.0
    assert ag.furniture.share == pytest.approx(2 / 3)

    assert main([str(a), str(b), "--details", "--texts", str(texts)]) == 0
    out = capsys.readouterr().out
    assert "over 1 documents" in out
    assert "indicators: F1 0.500" in out
    assert "发现问题12个" in out  # the quoted slice of the disagreement


def test_main_without_common_documents(tmp_path: Path) -> None:
    a = write(tmp_path / "a", [], [], [{"doc": "t001", "drop_lines": [], "keep_lines": [0]}])
    b = write(tmp_path / "b", [], [], [{"doc": "t002", "drop_lines": [], "keep_lines": [0]}])
    assert main([str(a), str(b)]) == 1


def test_unscored_differences_are_listed() -> None:
    """Required-vs-optional pairs and optional records with no counterpart are kept for review."""
    a = [PROBLEMS, {**RATE, "optional": True}, {**CLUES, "optional": True}]
    b = [{**PROBLEMS, "optional": True}, {**CLUES, "optional": True}, {**VILLAGES, "optional": True}]
    ag = indicator_agreement(a, b)
    assert (ag.tp, ag.fp, ag.fn) == (0, 0, 0)
    assert [(p.a["indicator"], p.b["indicator"]) for p in ag.required_vs_optional] == [
        ("problems_found", "problems_found")
    ]
    assert [r["indicator"] for r in ag.optional_only_a] == ["coverage_rate"]
    assert [r["indicator"] for r in ag.optional_only_b] == ["villages_inspected"]
