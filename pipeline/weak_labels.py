"""Weak theme labels from section headings.

Reports name a section's theme in its heading ("对村巡察更加规范", "巡察整改和成果运用更加有效"). A body
passage whose nearest heading names a theme gets that theme as a weak label; a heading that names no theme
("一、2025年工作回顾") gives none. The signals are the heading phrases of themes.md's signal lists.

How good they are is measured against the gold sets by `make evaluate` (precision: the share of weak labels
the gold passage has; recall: the share of gold labels under a themed heading that the weak labels give).
They are not used for training: see corpora/labels/GUIDE.md for the measured effect.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.classify import THEMES
from pipeline.segment import HEADING_SEPARATOR

HEADING_SIGNALS: dict[str, re.Pattern[str]] = {
    "political_supervision": re.compile(r"政治监督|政治巡[视察]|政治定位|政治方向|政治站位|政治引领|政治体检|国之大者"),
    "village_inspection": re.compile(r"对村巡察|村级|村[(（]社区[)）]|巡乡带村|最后一公里|末梢"),
    "grassroots_livelihood": re.compile(r"民生|群众身边|急难愁盼|人民至上|为民|百姓"),
    "coordination": re.compile(r"贯通|协调|协同|联动|合力|综合监督"),
    "rectification": re.compile(r"整改|成果运用|后半篇文章|以巡促"),
    "team_building": re.compile(r"队伍|自身建设|铁军|巡[视察]干部|规范化"),
    "digitalization": re.compile(r"信息化|数据|数智|数字|智慧巡"),
    "coverage_planning": re.compile(r"全覆盖|覆盖|轮次|规划"),
}


def heading_themes(heading: str | None) -> list[str]:
    """Themes the innermost heading of a heading path ("一、… / （二）…") names, in THEMES order."""
    innermost = (heading or "").split(HEADING_SEPARATOR)[-1]
    return [t for t in THEMES if innermost and HEADING_SIGNALS[t].search(innermost)]


def weak_labels(passages: pd.DataFrame) -> pd.DataFrame:
    """Body passages under a heading that names a theme, with that heading's themes as `weak_labels`."""
    body = passages[passages.kind == "body"]
    labels = body.heading.map(heading_themes)
    out = body.assign(weak_labels=labels)
    return out[labels.map(len) > 0].reset_index(drop=True)
