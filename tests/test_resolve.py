"""The resolve stage: each figure's role (total / part / repeat) and year, table-driven, with negatives."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.config import Settings
from pipeline.figures import BACK_REFERENCE, _Figure, _role_rows, resolve_year
from pipeline.ingest import decode_document
from pipeline.stages import Resources, run_document

_RES = Resources(Settings())


def resolved(text: str) -> pd.DataFrame:
    doc = decode_document(text.encode("utf-8"), "x.txt", 10**8)
    tables = {"raw_documents": pd.DataFrame([doc.__dict__])}
    produced, errors = run_document(doc.doc_id, tables, ("normalize", "segment", "extract", "resolve"), _RES)
    assert not errors, errors
    return produced["indicators"].sort_values("raw_start").reset_index(drop=True)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a total and its breakdown after 其中
        (
            "县委巡察组全年发现问题526个，其中作风方面问题120个、纪律方面问题80个。",
            [("526", "total"), ("120", "part"), ("80", "part")],
        ),
        # items that add up to the total before them
        (
            "对38个党组织开展了巡察，覆盖市直部门21个、事业单位13个及国有企业4家。",
            [("38", "total"), ("21", "part"), ("13", "part"), ("4", "part")],
        ),
        # the same figure given again later is a repeat
        ("县委巡察组发现问题58个。会议指出，巡察发现问题58个，均已整改。", [("58", "total"), ("58", "repeat")]),
        # units of another kind after 包括 break down a count of units
        (
            "区委已巡察14个党组织，包括6个村(社区)、8个区直部门。",
            [("14", "total"), ("6", "part"), ("8", "part")],
        ),
        # items spread over a passage that add up to a total given in an earlier passage (a headline)
        (
            "省委新一轮巡视将对12个地区和单位开展巡视\n本轮对2个设区市和7个县开展常规巡视；对3家省属企业开展专项巡视。",
            [("12", "total"), ("2", "part"), ("7", "part"), ("3", "part")],
        ),
        # negatives: items of another passage that do not add up to it stay totals
        (
            "省委新一轮巡视将对12个地区和单位开展巡视\n本轮对2个设区市和7个县开展常规巡视；对4家省属企业开展专项巡视。",
            [("12", "total"), ("2", "total"), ("7", "total"), ("4", "total")],
        ),
        # negatives: different types side by side are all totals; items that do not add up stay totals
        ("发现问题526个，移交问题线索12条。", [("526", "total"), ("12", "total")]),
        (
            "对38个党组织开展了巡察，覆盖市直部门21个、事业单位13个。",
            [("38", "total"), ("21", "total"), ("13", "total")],
        ),
    ],
)
def test_resolve_role_of_each_figure(text: str, expected: list[tuple[str, str]]) -> None:
    table = resolved(text)
    got = [(f"{v:g}", r) for v, r in zip(table.value, table.role, strict=True)]
    assert got == expected
    parts = table[table.role == "part"]
    totals = set(table.loc[table.role == "total", "raw_start"])
    assert parts.parent.isin(totals).all()
    assert table.loc[table.role != "part", "parent"].isna().all()


@pytest.mark.parametrize(
    ("prefix", "matches"),
    [("针对这", True), ("上述", True), ("这些", True), ("发现问题", False), ("这是", False)],
)
def test_resolve_back_reference_cue(prefix: str, matches: bool) -> None:
    assert bool(BACK_REFERENCE.search(prefix)) is matches


def test_resolve_back_reference_is_a_repeat() -> None:
    figures = [
        _Figure(0, "problems_found", 416.0, False, 10, 10, 1, 0, "发现问题"),
        _Figure(1, "problems_found", 416.0, False, 40, 40, 1, 1, "针对这"),
        _Figure(2, "problems_found", 12.0, False, 60, 60, 1, 2, "另发现问题"),
    ]
    roles = _role_rows(figures)
    assert [roles[i][0] for i in range(3)] == ["total", "repeat", "total"]
    assert roles[1][2] == "back_reference"


@pytest.mark.parametrize(
    ("prefix", "before", "heading", "title", "published", "label", "rule"),
    [
        ("2024年，县委巡察组对", "", "", "", "", "2024", "sentence_year"),
        ("2014年、2015年、2016年均分别开展了", "", "", "", "", "2014-2016", "sentence_years"),
        ("2021年至2025年，共", "", "", "", "", "2021-2025", "sentence_years"),
        ("自2021年换届以来，共", "", "", "", "2025-12-01", "2021-2025", "since_year"),
        # since a year, on an undated page naming no later year: the end is open
        ("2021年以来，共", "", "", "", "", "", "to_date"),
        ("2021年以来，共", "", "", "", "2021-12-01", "2021", "since_year"),
        ("全年共", "", "", "", "2026-01-10", "2025", "relative_this_year"),  # a January report on the year before
        ("全年共", "", "", "丹枫市2025年工作总结", "2026-01-10", "2025", "relative_this_year"),
        ("去年共", "", "", "", "2025-06-01", "2024", "relative_last_year"),
        # 去年 on a page of January is the year before the page's own (the year-end shift is for 今年/全年)
        ("去年共", "", "", "", "2021-01-10", "2020", "relative_last_year"),
        # since last year: up to the page's year (on a page of January, last year alone)
        ("该区从去年9月开始,有计划地开展", "", "", "", "2019-10-18", "2018-2019", "since_last_year"),
        ("去年以来,全县先后部署", "", "", "", "2019-01-07", "2018", "since_last_year"),
        ("共", "", "一、2024年工作回顾", "", "", "2024", "heading_year"),
        ("共", "2023年，市委巡察办", "", "", "", "2023", "passage_year"),
        ("十八届中央共", "", "", "", "", "2013-2017", "central_term"),
        ("截至目前，全县已完成巡察", "2019年，县委巡察办", "", "", "", "", "to_date"),
        ("十四届县委共开展巡察", "", "", "", "2016-10-01", "", "to_date"),
        ("目前,七届县委已经完成对", "", "", "", "2021-03-19", "", "to_date"),
        ("十六届县委第五轮巡察共组建5个巡察组对", "", "", "", "2024-05-01", "2024", "published_year"),
        # a page dated January or February reports on the year before
        ("巡察党组织", "", "", "", "2020-01-17", "2019", "published_year"),
        ("巡察党组织", "", "", "", "2020-03-17", "2020", "published_year"),
        # negatives: a count of 2025 is not a year; nothing at all fixes no year
        ("共发现问题2025个，其中", "", "", "", "", "", "none"),
        ("共", "", "", "", "", "", "none"),
    ],
)
def test_resolve_year_and_its_rule(
    prefix: str, before: str, heading: str, title: str, published: str, label: str, rule: str
) -> None:
    year = resolve_year(prefix, before, heading, title, published, None)
    assert (year.label, year.rule) == (label, rule)


@pytest.mark.parametrize(
    ("prefix", "before", "published", "label", "rule"),
    [
        # since a party congress: from its term's first year to the page's date
        ("党的十八大以来,巡视组先后完成", "", "2016-07-08", "2013-2016", "since_congress"),
        ("本轮巡视实现了十八大后中央巡视对", "", "2017-06-17", "2013-2017", "since_congress"),
        ("十九大以来,共开展", "", "2021-12-01", "2018-2021", "since_congress"),
        # on an undated page naming no later year the end is open
        ("党的十八大以来,共巡视", "", "", "", "to_date"),
        # a relative year after the congress decides
        ("十八大以来,中央去年开展了", "", "2014-11-01", "2013", "relative_last_year"),
        # the years in a document's name are not the facts' years when the text names others
        ("市委分3轮对", "2019年,市委印发了《巡察工作五年规划(2019-2023年)》,", "", "2019", "passage_year"),
        ("全区", "按照《巡察工作五年规划(2017-2021年)》,", "", "2017-2021", "passage_year"),
        # negative: 十八届 is a term, not 十八大以来
        ("十八届中央共", "", "", "2013-2017", "central_term"),
    ],
)
def test_resolve_year_since_a_congress_and_in_document_names(
    prefix: str, before: str, published: str, label: str, rule: str
) -> None:
    year = resolve_year(prefix, before, "", "", published, None)
    assert (year.label, year.rule) == (label, rule)


def test_resolve_groups_a_cumulative_total_covered_are_parts() -> None:
    figures = [
        _Figure(0, "orgs_inspected", 90.0, False, 10, 10, 1, 0, "已开展5轮巡视,共巡视"),
        _Figure(1, "orgs_inspected", 20.0, False, 30, 30, 1, 0, "已开展5轮巡视,共巡视90个地方,实现对"),
        _Figure(2, "orgs_inspected", 40.0, False, 40, 40, 1, 0, "已开展5轮巡视,共巡视90个地方,实现对20个省区市、"),
    ]
    roles = _role_rows(figures)
    assert [roles[i][0] for i in range(3)] == ["total", "part", "part"]
    assert roles[1][1:] == (10, "items_after_cumulative_total")
    # a new inspection after the total (对12个省区市开展“回头看”) stands on its own
    figures = [
        _Figure(0, "orgs_inspected", 140.0, False, 10, 10, 1, 0, "五轮巡视共巡视"),
        _Figure(1, "orgs_inspected", 12.0, False, 30, 30, 1, 0, "五轮巡视共巡视140个单位,对"),
    ]
    roles = _role_rows(figures)
    assert roles[1][0] == "total"


def test_resolve_two_items_of_one_list_with_one_value_are_not_repeats() -> None:
    figures = [
        _Figure(0, "people_held_accountable", 15.0, False, 10, 10, 1, 0, "给予党纪处分"),
        _Figure(1, "people_held_accountable", 15.0, False, 20, 20, 1, 0, "给予党纪处分15人、诫勉谈话"),
    ]
    roles = _role_rows(figures)
    assert [roles[i][0] for i in range(2)] == ["total", "total"]
    # the same value in another sentence is still a restatement
    figures[1] = _Figure(1, "people_held_accountable", 15.0, False, 20, 20, 2, 0, "给予党纪处分")
    assert _role_rows(figures)[1][0] == "repeat"


@pytest.mark.parametrize(
    ("prefix", "label", "rule"),
    [
        # a figure of a central term's inspections as a whole
        ("据统计,十九届中央巡视的覆盖率达", "2018-2022", "central_term"),
        # negatives: one round of the term is not the term (its own year); a team of the term is no figure of the term
        ("十九届中央第五轮巡视对", "2020", "central_round"),
        ("十九届中央巡视组向", "", "none"),
    ],
)
def test_resolve_year_of_a_central_terms_inspections(prefix: str, label: str, rule: str) -> None:
    year = resolve_year(prefix, "", "", "", "", None)
    assert (year.label, year.rule) == (label, rule)


@pytest.mark.parametrize(
    ("prefix", "label", "rule"),
    [
        # a central round named by its ordinal fixes the year (public record), one per term
        ("至此,十八届中央第十二轮巡视的", "2017", "central_round"),
        ("此前,十九届中央第七轮巡视涉及", "2021", "central_round"),
        ("日前,二十届中央第五轮巡视对", "2025", "central_round"),
        # the last round named before the figure decides
        ("十九届中央第二轮巡视对25个单位,相比十八届中央第二轮巡视的", "2013", "central_round"),
        # negatives: a year in the sentence wins; an ordinal past the table; a local committee's round
        ("2019年,十九届中央第一轮巡视对", "2019", "sentence_year"),
        ("十九届中央第十轮巡视对", "", "none"),
        ("十四届县委第三轮巡察对", "", "none"),
    ],
)
def test_resolve_year_of_a_central_round_by_its_ordinal(prefix: str, label: str, rule: str) -> None:
    year = resolve_year(prefix, "", "", "", "", None)
    assert (year.label, year.rule) == (label, rule)


@pytest.mark.parametrize(
    ("prefix", "published", "planned", "label"),
    [
        # a page dated February: a result of 今年 is the year before (a year-end summary) ...
        ("今年共巡察", "2019-02-21", False, "2018"),
        # ... a plan of 今年 is the year the page is in
        ("今年,市纪委将对", "2019-02-21", True, "2019"),
        # later in the year a plan and a result of 今年 are the same year
        ("今年,市纪委将对", "2019-06-21", True, "2019"),
        ("今年共巡察", "2019-06-21", False, "2019"),
    ],
)
def test_resolve_this_year_in_a_plan_on_a_page_dated_early_in_the_year(
    prefix: str, published: str, planned: bool, label: str
) -> None:
    year = resolve_year(prefix, "", "", "", published, None, planned=planned)
    assert (year.label, year.rule) == (label, "relative_this_year")


def test_resolve_since_a_congress_on_a_page_dated_early_in_the_year_ends_the_year_before() -> None:
    year = resolve_year("十八大以来,各巡视组累计开展", "", "", "", "2016-02-24", None)
    assert (year.label, year.rule) == ("2013-2015", "since_congress")
    # later in the year, and for a plan, the page's year ends the range
    assert resolve_year("十八大以来,各巡视组累计开展", "", "", "", "2016-07-08", None).label == "2013-2016"
    assert resolve_year("十八大以来,中央巡视组将", "", "", "", "2016-02-24", None, planned=True).label == "2013-2016"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the forms of a sanction in brackets right after a total break it down; the next total stands alone
        (
            "整改中给予党纪处分9人(党内警告5人,开除党籍4人);政务处分6人(警告2人,撤职4人)。",
            [("9", "total"), ("5", "part"), ("4", "part"), ("6", "total"), ("2", "part"), ("4", "part")],
        ),
        # negatives: brackets after a figure of another type, or opened far from the total
        ("移交问题线索6条(问责4人)。", [("6", "total"), ("4", "total")]),
        ("问责5人,其后整改期间又有多名干部受到处理(诫勉3人)。", [("5", "total"), ("3", "total")]),
    ],
)
def test_resolve_role_of_a_breakdown_in_brackets(text: str, expected: list[tuple[str, str]]) -> None:
    got = resolved(text)
    assert [(f"{v:g}", r) for v, r in zip(got.value, got.role, strict=True)] == expected


@pytest.mark.parametrize(
    ("prefix", "before_in_document", "published", "result", "label", "rule"),
    [
        # a rectification result whose only year is the inspection's, on a page of a later year: up to the page
        (
            "在整改工作中,给予党纪处分",
            "2024年3月至5月,省委第二巡视组对我局开展了巡视。",
            "2025-06-10",
            True,
            "2024-2025",
            "rectification_to_date",
        ),
        # negatives: not a result of rectification; a page of the same year; a year-end page of January
        (
            "巡视组共发现问题",
            "2024年3月至5月,省委第二巡视组对我局开展了巡视。",
            "2025-06-10",
            False,
            "2024",
            "document_year",
        ),
        (
            "在整改工作中,给予党纪处分",
            "2024年3月至5月,省委第二巡视组对我局开展了巡视。",
            "2024-11-10",
            True,
            "2024",
            "document_year",
        ),
        (
            "在整改工作中,给予党纪处分",
            "2024年3月至5月,省委第二巡视组对我局开展了巡视。",
            "2025-01-10",
            True,
            "2024",
            "document_year",
        ),
        # the last N years up to the page's year (on a page of January, up to the year before)
        ("五年来,省委巡视组共开展了", "", "2017-09-29", False, "2013-2017", "years_up_to_now"),
        ("两年来,已完成", "", "2023-01-13", False, "2021-2022", "years_up_to_now"),
        # negatives: a year of its own wins; no date, no span; a span longer than a decade is not read
        ("2020年来,已完成", "", "2023-05-13", False, "2020", "sentence_year"),
        ("五年来,共开展了", "", "", False, "", "none"),
        ("十五年来,共开展了", "", "2023-05-13", False, "2023", "published_year"),
    ],
)
def test_resolve_year_of_rectification_results_and_the_last_n_years(
    prefix: str, before_in_document: str, published: str, result: bool, label: str, rule: str
) -> None:
    year = resolve_year(prefix, "", "", "", published, None, before_in_document, rectification_result=result)
    assert (year.label, year.rule) == (label, rule)


@pytest.mark.parametrize(
    ("text", "latest"),
    [
        # a plan's name names future years: the text's own years decide
        ("起草《某某村级巡察专项规划(2026—2030年)》。2025年,全市共巡察", 2025),
        # a name's years count when the text names no other
        ("按照《巡察工作五年规划(2017-2021年)》,全区", 2021),
        ("全区共巡察12个单位", None),
    ],
)
def test_resolve_latest_year_leaves_out_document_names(text: str, latest: int | None) -> None:
    from pipeline.figures import latest_year

    assert latest_year(text) == latest


INSPECTED = "2024年9月至11月,澜山三组对区水务局实施了常规巡察。2025年1月,三组向该局反馈意见。"
INSPECTED_OVER_NEW_YEAR = "澜山四组于2023年10月至2024年1月对区林草局实施了专项巡察,2024年2月向该局反馈意见。"


@pytest.mark.parametrize(
    ("prefix", "before_in_document", "fed_back", "label", "rule"),
    [
        # problems the inspection fed back take the inspection's years, not the cut-off day of the report ...
        ("截至2025年6月30日,巡察反馈的3个方面", INSPECTED, True, "2024", "inspection_year"),
        # ... nor the feedback's year; an inspection over the new year spans both
        ("此轮巡察的反馈意见一共指出", INSPECTED_OVER_NEW_YEAR, True, "2023-2024", "inspection_year"),
        ("截至目前,巡察反馈", INSPECTED, True, "2024", "inspection_year"),
        # round 8 preparation: a double dash joins the inspection's first and last day
        (
            "巡察组点出的",
            "2023年11月20日——2024年1月19日,澜山五组对某镇实施了巡察。",
            True,
            "2023-2024",
            "inspection_year",
        ),
        # negatives: a single year after a double dash that closes a phrase, not a range of days
        ("巡察组点出的", "2023年11月——巡察进驻。2025年澜山六组对某镇实施了巡察。", True, "2025", "inspection_year"),
        # negatives: not fed back (a year of its own wins); no dated inspection in the text
        ("截至2025年6月30日,已整改完成", INSPECTED, False, "2025", "sentence_year"),
        ("2025年,巡察反馈", INSPECTED, True, "2025", "sentence_year"),
        ("巡察反馈", "2024年,区委出台巡察五年规划。", True, "2024", "document_year"),
    ],
)
def test_resolve_year_of_problems_an_inspection_fed_back(
    prefix: str, before_in_document: str, fed_back: bool, label: str, rule: str
) -> None:
    year = resolve_year(prefix, "", "", "", "2025-07-10", None, before_in_document, fed_back=fed_back)
    assert (year.label, year.rule) == (label, rule)


@pytest.mark.parametrize(
    ("prefix", "before", "published", "planned", "label", "rule"),
    [
        # a cut-off year after X年以来 in the passage: from X to the cut-off
        ("截至2018年底,全省共", "2016年以来,全省探索开展交叉巡察。", "2019-03-01", False, "2016-2018", "since_year"),
        # 截至目前 after X以来 in the passage: from X to the page's date (on a page of February, the year before)
        (
            "截至目前,共巡察",
            "自2017年4月组建巡察机构以来,全县开展了3轮巡察。",
            "2019-02-22",
            False,
            "2017-2018",
            "since_year",
        ),
        ("自2017年4月组建巡察机构以来,全县开展了", "", "2019-02-22", False, "2017-2018", "since_year"),
        ("自2017年4月组建巡察机构以来,全县开展了", "", "2019-06-22", False, "2017-2019", "since_year"),
        # negatives: a plan runs to the page's year; a cut-off alone is the year; 截至目前 alone gives none
        ("自2017年以来,全县将", "", "2019-02-22", True, "2017-2019", "since_year"),
        ("截至2018年底,全省共", "全省探索开展交叉巡察。", "2019-03-01", False, "2018", "sentence_year"),
        ("截至目前,共巡察", "全县开展了3轮巡察。", "2019-02-22", False, "", "to_date"),
    ],
)
def test_resolve_year_of_counts_since_a_year_up_to_a_cut_off(
    prefix: str, before: str, published: str, planned: bool, label: str, rule: str
) -> None:
    year = resolve_year(prefix, before, "", "", published, None, planned=planned)
    assert (year.label, year.rule) == (label, rule)


@pytest.mark.parametrize(
    ("prefix", "before_in_document", "published", "label", "rule"),
    [
        # a unit's own rectification result as of the page's date, from the last year named before it
        ("截至目前,已改完问题", INSPECTED_OVER_NEW_YEAR, "2024-08-10", "2024", "document_year"),
        ("截至目前,已改完问题", INSPECTED, "2025-11-20", "2025", "document_year"),
        # on a page of February, up to the year before
        (
            "整改完成",
            "2024年9月至11月,澜山二组对市卫健委实施了巡察。",
            "2026-02-26",
            "2024-2025",
            "rectification_to_date",
        ),
        ("建立健全制度", INSPECTED, "2026-06-01", "2025-2026", "rectification_to_date"),
        # negatives: a tally over many units; an undated page
        ("截至目前,各单位共完善制度", INSPECTED, "2025-11-20", "", "to_date"),
        ("截至目前,已改完问题", INSPECTED, "", "", "to_date"),
        # round 8 preparation: on an undated page a rectification result takes the last year named before it
        ("建立健全制度", INSPECTED, "", "2025", "document_year"),
        # a page dated by its address's year alone: up to that year, with no year-end shift (no month known)
        ("建立健全制度", INSPECTED, "2026", "2025-2026", "rectification_to_date"),
    ],
)
def test_resolve_year_of_rectification_results_as_of_the_page(
    prefix: str, before_in_document: str, published: str, label: str, rule: str
) -> None:
    year = resolve_year(prefix, "", "", "", published, None, before_in_document, rectification_result=True)
    assert (year.label, year.rule) == (label, rule)


def test_resolve_year_round_8_undated_page_and_year_only_date_negatives() -> None:
    # negative: a figure that is no rectification result on an undated page: the same year named before it
    year = resolve_year("发现问题", "", "", "", "", None, INSPECTED)
    assert (year.label, year.rule) == ("2025", "document_year")
    # a page dated by its year alone is no page of January or February: no shift to the year before
    year = resolve_year("发现问题", "", "", "", "2026", None)
    assert (year.label, year.rule) == ("2026", "published_year")
    year = resolve_year("发现问题", "", "", "", "2026-02", None)
    assert (year.label, year.rule) == ("2025", "published_year")


def test_resolve_year_leaves_out_a_later_target_year_and_a_latest_year_named_in_passing() -> None:
    # a later year than the page's in the passage is a target, not a result's year
    year = resolve_year("全面开展巡视,共巡视", "力争2016年实现全覆盖。", "", "", "2015-08-31", None)
    assert (year.label, year.rule) == ("2015", "published_year")
    year = resolve_year("全面开展巡视,共巡视", "力争2016年实现全覆盖。", "", "", "2015-08-31", None, planned=True)
    assert (year.label, year.rule) == ("2016", "passage_year")
    # a latest year named once in passing on an undated page that speaks of 今年 gives no year
    assert resolve_year("共巡察", "", "", "", "", None, "", 2016).label == "2016"
    assert resolve_year("共巡察", "", "", "", "", None, "", 2016, latest_in_passing=True).rule == "none"


@pytest.mark.parametrize(
    ("text", "published", "latest", "expected"),
    [
        # a stretch of 今年 told as past that ends after the page's month: a repost, dated by the text's latest year
        ("今年5月10日至7月15日,该县对8个村开展了巡察。按照2019年的安排,", "2021-03-31", 2019, "2019-12"),
        ("今年5月10日至7月15日,该县对8个村开展了巡察。", "2021-03-31", 2021, ""),
        # negatives: a plan for later this year; a page dated after the stretch
        ("今年5月至7月,该县将对8个村开展巡察。", "2021-03-31", 2019, "2021-03-31"),
        ("今年5月10日至7月15日,该县对8个村开展了巡察。", "2021-09-30", 2019, "2021-09-30"),
    ],
)
def test_resolve_content_date_of_a_repost(text: str, published: str, latest: int, expected: str) -> None:
    from pipeline.figures import _content_date

    assert _content_date(text, published, latest) == expected


def test_resolve_a_count_included_in_the_next_is_no_breakdown_cue() -> None:
    got = resolved("共有120名党员受到党纪处分,包括6名处级干部在内的40人移交调查,共有35人被诫勉谈话。")
    assert [(f"{v:g}", r) for v, r in zip(got.value, got.role, strict=True)] == [("120", "total"), ("35", "total")]
    # negative: 包括 opening a breakdown still makes parts
    got = resolved("问责30人,包括处级干部5人。")
    assert [(f"{v:g}", r) for v, r in zip(got.value, got.role, strict=True)] == [("30", "total"), ("5", "part")]


@pytest.mark.parametrize(
    ("prefix", "before_in_passage", "before_in_document", "published", "label", "rule"),
    [
        # a local committee's term tally after a passage that opened with N年来: the N years
        ("三届县委共开展", "五年来,县委高度重视巡察工作。", "", "2022-01-05", "2017-2021", "years_up_to_now"),
        # a review that opened with N年来 and names no year: its undated figures cover those years
        ("巡察党组织", "", "五年来,市委坚持巡察全覆盖。", "2021-10-08", "2017-2021", "years_up_to_now"),
        # negatives: a term tally without N年来 has no year; a count up to today stays so;
        # a year named in the document wins over the review's span
        ("三届县委共开展", "县委高度重视巡察工作。", "", "2022-01-05", "", "to_date"),
        ("三届县委截至目前共开展", "五年来,县委高度重视巡察工作。", "", "2022-01-05", "", "to_date"),
        ("巡察党组织", "", "五年来,市委坚持巡察。2020年,市委开展了", "2021-10-08", "2020", "document_year"),
        ("巡察党组织", "", "市委坚持巡察全覆盖。", "2021-10-08", "2021", "published_year"),
    ],
)
def test_resolve_year_round_8_term_and_review_of_the_last_n_years(
    prefix: str, before_in_passage: str, before_in_document: str, published: str, label: str, rule: str
) -> None:
    year = resolve_year(prefix, before_in_passage, "", "", published, None, before_in_document)
    assert (year.label, year.rule) == (label, rule)


def test_resolve_year_round_8_suggestions_take_the_inspections_years() -> None:
    text = (
        "2023年11月至2024年1月,县委第一巡察组对某局党组开展了常规巡察。\n"
        "2025年3月,某局召开整改专题会。会上,巡察组提出了4项意见建议。局党组共建立制度5项。"
    )
    got = resolved(text)
    years = {row.indicator: (row.year, row.year_rule) for row in got.itertuples()}
    assert years["suggestions_issued"] == ("2023-2024", "inspection_year")
    # negative: a rectification result on the same page is no fed-back figure
    assert years["rules_established"][1] != "inspection_year"
    # negative: a tally of suggestions to date, with no feedback named, is no fed-back figure
    got = resolved(
        "2023年11月至2024年1月,县委第一巡察组对某局党组开展了常规巡察。\n截至目前,县委前八轮巡察提出意见建议120余条。"
    )
    assert got.loc[got.indicator == "suggestions_issued", "year_rule"].tolist() != ["inspection_year"]
