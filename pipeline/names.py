"""Chinese display names for the keys analysts see: indicator types, themes, roles, levels."""

from __future__ import annotations

INDICATOR_NAMES = {
    "orgs_inspected": "巡视巡察党组织数",
    "villages_inspected": "巡察村(社区)数",
    "townships_inspected": "巡察乡镇(街道)数",
    "problems_found": "发现问题数",
    "problems_resolved": "解决整改问题数",
    "clues_transferred": "移交问题线索数",
    "rounds": "巡视巡察轮次",
    "coverage_rate": "巡察覆盖率(%)",
    "suggestions_issued": "提出巡察建议数",
    "rules_established": "建立健全制度数",
    "people_trained": "培训巡察干部人次",
    "reports_submitted": "提交专题报告数",
    "people_held_accountable": "问责处分人数",
    "other": "其他数量",
}

THEME_NAMES = {
    "political_supervision": "政治监督",
    "village_inspection": "对村巡察",
    "grassroots_livelihood": "群众身边问题",
    "coordination": "贯通协调",
    "rectification": "整改与成果运用",
    "team_building": "队伍与制度建设",
    "digitalization": "信息化",
    "coverage_planning": "全覆盖与规划",
}

ROLE_NAMES = {"total": "总数", "part": "分项", "repeat": "重复引用"}
LEVEL_NAMES = {"central": "中央", "provincial": "省级", "city": "市级", "county": "县级"}


def theme_names(themes: object) -> list[str]:
    """A passage's theme keys as display names, in the same order."""
    items = themes.tolist() if hasattr(themes, "tolist") else themes
    return [THEME_NAMES.get(str(t), str(t)) for t in items] if isinstance(items, list | tuple) else []
