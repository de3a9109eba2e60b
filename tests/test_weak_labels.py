"""Weak labels: the themes a section heading names, given to the body passages under it."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.weak_labels import heading_themes, weak_labels


@pytest.mark.parametrize(
    ("heading", "themes"),
    [
        ("坚持守正创新 对村巡察更加规范", ["village_inspection"]),
        ("突出目标导向 巡察整改和成果运用更加有效", ["rectification"]),
        ("深化贯通协调 综合监督更加有力", ["coordination"]),
        ("锻造过硬队伍 自身建设全面加强", ["team_building"]),
        ("紧扣“国之大者” 政治监督更加精准", ["political_supervision"]),
        ("一、2025年工作总结 / (二)数字赋能 智慧巡察提质增效", ["digitalization"]),
        # Two themes named: both.
        ("聚焦民生关切 对村巡察提质扩面", ["village_inspection", "grassroots_livelihood"]),
        # Only the innermost heading counts.
        ("一、巡察整改情况 / (一)关于群众身边不正之风问题", ["grassroots_livelihood"]),
        # Headings that name no theme give nothing.
        ("一、2025年工作回顾", []),
        ("三、下一步工作打算", []),
        ("", []),
        (None, []),
    ],
)
def test_weak_labels_heading_names_its_themes(heading: str | None, themes: list[str]) -> None:
    assert heading_themes(heading) == themes


def test_weak_labels_only_body_passages_under_a_themed_heading() -> None:
    passages = pd.DataFrame(
        {
            "kind": ["heading", "body", "body", "question"],
            "heading": ["", "三、深化贯通协调", "一、2025年工作回顾", "三、深化贯通协调"],
            "text": ["三、深化贯通协调", "与审计局建立巡审联动机制。", "全年开展巡察3轮。", "问：怎样协作？"],
        }
    )
    out = weak_labels(passages)
    assert out.text.tolist() == ["与审计局建立巡审联动机制。"]
    assert out.weak_labels.tolist() == [["coordination"]]
