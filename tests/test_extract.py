"""Extract: the spec's hard cases, as tables of sentences and the records they must (not) give."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.config import OpenccMode
from pipeline.extract.indicators import Context, extract_sentence
from pipeline.extract.quantities import find_quantities
from pipeline.extract.stage import passage_contexts
from pipeline.normalize import normalize_line
from pipeline.textmap import MappedText

ACHIEVED = Context()


def records(sentence: str, ctx: Context = ACHIEVED) -> list[tuple[str, float | None]]:
    text = normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text
    return [(r.indicator, r.value) for r in extract_sentence(text, ctx)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # number after the verb, noun after the number; and the other order
        ("目前本届市委已巡察456个党组织", [("orgs_inspected", 456)]),
        ("2025年巡察党组织135家", [("orgs_inspected", 135)]),
        # traditional script and broken-converter pinyin give the same record
        ("巡察456個黨組織", [("orgs_inspected", 456)]),
        ("發(fā)現(xiàn)各類問題372個(gè)", [("problems_found", 372)]),
        ("發現各類問題372個", [("problems_found", 372)]),
        # an enumeration shares one verb; business sites are not an indicator
        (
            "巡察覆盖职能部门26个、事业单位556个、生产经营场所1800余处、65个乡镇及103个村(社区)",
            [("orgs_inspected", 26), ("orgs_inspected", 556), ("townships_inspected", 65), ("villages_inspected", 103)],
        ),
        # 对…开展巡察 frame
        ("对6家市级单位、10个县级检察院开展常规巡察", [("orgs_inspected", 6), ("orgs_inspected", 10)]),
        # the agent is not counted: 10 county committees inspected 1975 organizations
        ("10个县(市、区)委巡察1975个党组织", [("orgs_inspected", 1975)]),
        # Chinese numerals and 万
        ("对11.1万个村党组织开展了巡察", [("villages_inspected", 111000)]),
        ("开展两轮巡察", [("rounds", 2)]),
        ("发现问题三千余个", [("problems_found", 3000)]),
        # ellipsis: the total is not inspected, the elided noun is villages
        ("全市2920个村(社区)累计完成巡察2720个,覆盖率93.2%", [("villages_inspected", 2720), ("coverage_rate", 93.2)]),
        # 15 aspects, 177 problems
        ("发现落实主体责任等15个方面177个问题", [("problems_found", 177)]),
        # found and resolved in one figure: two records
        ("发现并督促解决各类问题138.6万个", [("problems_found", 1386000), ("problems_resolved", 1386000)]),
        # compound count: 31 clues concerning 42 people
        ("移交问题线索31件42人", [("clues_transferred", 31)]),
        ("推动解决民生实事729件", [("problems_resolved", 729)]),
        ("立行立改各类问题325个", [("problems_resolved", 325)]),
        # rounds from a list of ordinals is a count
        ("先后开展五届市委第七、八轮巡察", [("rounds", 2)]),
        ("第五、第六轮巡察", [("rounds", 2)]),
        ("共开展10轮巡视", [("rounds", 10)]),
        ("制发巡察建议书65份", [("suggestions_issued", 65)]),
        ("提出意见建议450条", [("suggestions_issued", 450)]),
        ("健全完善巡回指导、信访受理等制度15项", [("rules_established", 15)]),
        ("推动建立健全制度机制X项", [("rules_established", None)]),
        ("培训专兼职巡察干部963人次", [("people_trained", 963)]),
        ("向市委提交专题报告2份", [("reports_submitted", 2)]),
        ("问责12人,给予党纪政务处分8人", [("people_held_accountable", 12), ("people_held_accountable", 8)]),
        ("提级巡察70个乡镇", [("townships_inspected", 70)]),
        (
            "新一届省委巡视对象共300个,其中,全覆盖对象270个,包括13个市(地)、125个县(市、区)",
            [("orgs_inspected", 300), ("orgs_inspected", 270), ("orgs_inspected", 13), ("orgs_inspected", 125)],
        ),
    ],
)
def test_extract_finds_indicator(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "深入学习贯彻党的二十届四中全会精神,开展十四届省委第五轮巡视",  # ordinals
        "省委第十一轮巡视完成进驻",
        "根据《巡察工作规定》(市巡字〔2025〕12号)",  # document number
        "每轮巡察进驻时间一般为3至5天",  # ranges and durations
        "问题整改完成率98.6%",  # a rate that is not coverage
        "发现问题数同比增长12%",  # year-on-year change
        "同比增加问题线索15条",
        "举报电话:0571-88886666,网站备案号京ICP备12345678号",
        "召开巡察工作会议5次,组建巡察组12个",  # meetings and teams
        "相关做法被中央媒体报道7次",
        "设置数据分析等业务培训课程6节",
        "对108家单位开展巡察整改专题培训",  # the verb is training, not inspecting
        "每轮成立15个左右省委巡视组",
        "两个维护、四个意识、一把手监督",  # numerals inside fixed terms
        "为奋力谱写中国式现代化X篇章提供坚强保障",
        "X县委巡察办深入贯彻落实",
        "全市共有2920个村(社区)",  # a total, not what was inspected
        "抽调审计专业人员X人次参与巡察",
    ],
)
def test_extract_ignores_non_indicator(sentence: str) -> None:
    assert records(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("生产经营场所等巡察党组织1800余家", "at_least"),
        ("巡察党组织300多个", "at_least"),
        ("巡察党组织300个以上", "at_least"),
        ("巡察党组织超过300个", "at_least"),
        ("巡察党组织约300个", "approx"),
        ("巡察党组织近300个", "approx"),
        ("每轮巡视对象30个左右", "approx"),
        ("巡察党组织不到300个", "at_most"),
        ("巡察党组织300个", "exact"),
    ],
)
def test_extract_reads_qualifier(sentence: str, qualifier: str) -> None:
    found = extract_sentence(sentence, ACHIEVED)
    assert [r.qualifier for r in found] == [qualifier]


@pytest.mark.parametrize(
    ("sentence", "ctx", "modality"),
    [
        ("2025年巡察党组织135家", ACHIEVED, "achieved"),
        ("计划开展3轮巡察", ACHIEVED, "planned"),
        ("力争对120个村(社区)开展巡察", ACHIEVED, "planned"),
        ("共开展10轮巡视", Context(question="问:《规划》对新一届省委巡视对象作了哪些部署?"), "planned"),
        ("对30个党组织开展巡察", Context(planned_block=True), "planned"),
        ("本届以来已巡察党组织208个", Context(plan_document=True), "achieved"),
    ],
)
def test_extract_tells_plans_from_results(sentence: str, ctx: Context, modality: str) -> None:
    assert [r.modality for r in extract_sentence(sentence, ctx)] == [modality]


def test_extract_masked_figure_is_kept_without_value() -> None:
    [rec] = extract_sentence("移交问题线索X条", ACHIEVED)
    assert rec.masked and rec.value is None and rec.indicator == "clues_transferred"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1,234个", [1234.0]),
        ("3.1万个", [31000.0]),
        ("两轮", [2.0]),
        ("一百二十个", [120.0]),
        ("卅个", [30.0]),
        ("十四个", [14.0]),
        ("XX条", [None]),
        ("××项", [None]),
        ("93.2%", [93.2]),
    ],
)
def test_extract_quantity_recognizer_reads_numbers(text: str, values: list[float | None]) -> None:
    assert [q.value for q in find_quantities(text)] == values


def test_extract_subject_and_period_are_filled() -> None:
    [rec] = extract_sentence("2025年,市委巡察组对12家单位开展常规巡察", ACHIEVED)
    assert rec.subject is not None and "市委" in rec.subject
    assert rec.period == "2025"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a 对 frame over several commas, closed by the head verb of its clause
        (
            "对机关党委等9个二级学院党组织,教务处等6个职能部门党组织开展常规巡察",
            [("orgs_inspected", 9), ("orgs_inspected", 6)],
        ),
        # thousands separators are not clause breaks
        ("6个县(市、区)委巡察党组织1,164个、村(社区)1,930个", [("orgs_inspected", 1164), ("villages_inspected", 1930)]),
        # the noun is topicalized or elided
        ("至此,全市1286个村(社区)中已有1102个完成本届巡察", [("villages_inspected", 1102)]),
        ("发现问题528个,目前已整改到位471个", [("problems_found", 528), ("problems_resolved", 471)]),
        ("推动被巡察单位建章立制31项", [("rules_established", 31)]),
        # the verb follows the noun
        ("问题线索11条,已全部移交县纪委监委", [("clues_transferred", 11)]),
        ("另有2名村干部被责令辞职", [("people_held_accountable", 2)]),
        ("选取2个乡镇开展提级巡察", [("townships_inspected", 2)]),
        # a breakdown inherits verb and noun
        (
            "发现问题236个,其中党的建设方面87个、意识形态方面34个",
            [("problems_found", 236), ("problems_found", 87), ("problems_found", 34)],
        ),
        ("移交问题线索31件42人,其中移交县纪委监委25件34人", [("clues_transferred", 31), ("clues_transferred", 25)]),
        ("占应巡察党组织总数的89.1%", [("coverage_rate", 89.1)]),
        ("移交问题线索逾百条", [("clues_transferred", 100)]),
        ("对信访矛盾集中的十五个村实行提级巡察", [("villages_inspected", 15)]),
    ],
)
def test_extract_finds_indicator_in_freer_wording(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "专项巡察市本级及10个县(市、区)殡葬、养老服务等4个领域",  # the counties qualify the fields
        "对2025年巡察的22个单位开展整改评估",  # the frame closes on 评估
        "将反馈的问题细化为整改措施158条",
        "对尚未完成整改的3个问题明确时限",  # not resolved
        "向县委组织部移交干部选任方面问题9个",  # problems handed over are not clues
        "由3个镇的巡察干部组成3个联合巡察组",
        "针对巡察中发现的问题,向县委报送综合情况2次",
        "全市1312个村(社区)已完成巡察",  # the jurisdiction's total
        "应巡察党组织总数46个",
    ],
)
def test_extract_ignores_non_indicator_in_freer_wording(sentence: str) -> None:
    assert records(sentence) == []


def test_extract_breakdown_sentence_continues_the_one_before() -> None:
    from pipeline.extract.indicators import extract_passage

    per_sentence = extract_passage(
        ["本届校党委共巡察二级党组织42个。", "其中,学院党委21个,机关党委、直属单位和附属医院党组织21个。"], ACHIEVED
    )
    assert [[(r.indicator, r.value) for r in records] for records in per_sentence] == [
        [("orgs_inspected", 42)],
        [("orgs_inspected", 21), ("orgs_inspected", 21)],
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("问题线索方面,向市纪委监委共移交96条", [("clues_transferred", 96)]),
        ("对于发现的问题线索,我们都按规定转交学校纪委,累计14条", [("clues_transferred", 14)]),
        ("各县(市、区)委采取联动模式,完成对村巡察312个", [("villages_inspected", 312)]),
        ("推动完善耕地保护考核等制度机制9项", [("rules_established", 9)]),
        ("发现整改不到位问题17个", [("problems_found", 17)]),
        ("巡视党组织1,083个次", [("orgs_inspected", 1083)]),
        ("全省对村巡察覆盖率还不足七成", [("coverage_rate", 70)]),
        ("共进驻乡镇(街道)党(工)委6个", [("townships_inspected", 6)]),
        ("完成了三轮常规巡察和一轮专项巡察", [("rounds", 3), ("rounds", 1)]),
    ],
)
def test_extract_finds_indicator_stated_indirectly(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "今年要对十一届省委第一至第三轮巡视的整改情况开展集中评估",  # which rounds, not how many
        "厅党组对巡视移交的问题线索实行台账管理,目前已办结15件",  # clues concluded are not problems resolved
        "整改期间,废止不合时宜的制度12项",
    ],
)
def test_extract_ignores_non_indicator_stated_indirectly(sentence: str) -> None:
    assert records(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "subject", "noun"),
    [
        ("目前本届市委已巡察456个党组织", "本届市委", "党组织"),
        ("10个县(市、区)委巡察1975个党组织", "10个县(市、区)委", "党组织"),
        ("督促市委巡察组对6家市级单位开展常规巡察", "市委巡察组", "市级单位"),
        ("健全完善巡回指导、信访受理等制度15项", None, "制度"),
    ],
)
def test_extract_fills_subject_and_object(sentence: str, subject: str | None, noun: str) -> None:
    [rec] = extract_sentence(sentence, ACHIEVED)
    assert (rec.subject, rec.object) == (subject, noun)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("先后组织开展五届市委第三轮、第四轮巡察", [("rounds", 2)]),
        ("开展十二届区委第五轮至第七轮巡察", [("rounds", 3)]),
        ("本届市委巡察全覆盖任务完成81.5%", [("coverage_rate", 81.5)]),
        (
            "对市发展改革委等6个市直部门,以及市城投集团等3家市属国有企业开展“点穴式”监督",
            [("orgs_inspected", 6), ("orgs_inspected", 3)],
        ),
        ("对近200个地方、部门和单位党组织开展常规巡视", [("orgs_inspected", 200)]),
        ("其中由市级党委提级巡察的村(社区)有三千余个", [("villages_inspected", 3000)]),
        ("制定和修订巡视工作规范性文件20余件", [("rules_established", 20)]),
        ("向县委报送专题报告X篇", [("reports_submitted", None)]),
        ("对整改不力、敷衍整改的3个党组织和18名党员干部严肃问责", [("people_held_accountable", 18)]),
        ("对区住房和城乡建设局等14个区直部门党组织开展常规巡察", [("orgs_inspected", 14)]),
    ],
)
def test_extract_finds_indicator_in_report_style(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "对全县12个乡镇中的5个乡镇党委开展巡乡带村",  # 12 is the total the 5 come from
        "推动解决企业反映的审批慢、回款难等问题,相关做法被省委巡视办转发2次",
    ],
)
def test_extract_ignores_totals_in_report_style(sentence: str) -> None:
    assert ("townships_inspected", 12) not in records(sentence)
    assert all(kind != "problems_resolved" for kind, _ in records(sentence))


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        ("市委巡察机构将统筹安排3轮巡察", "planned"),
        ("将巡察整改情况纳入考核,对12个单位开展巡察", "achieved"),  # 将 as the object marker
    ],
)
def test_extract_reads_future_jiang(sentence: str, modality: str) -> None:
    assert {r.modality for r in extract_sentence(sentence, ACHIEVED)} == {modality}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("对整改不到位的14个问题重新交办,目前已完成11个", [("problems_resolved", 11)]),
        ("联合印发《巡察移交问题线索办理工作规程》等制度文件4项", [("rules_established", 4)]),
        ("同步对市交通运输局等18家单位开展巡审联动", [("orgs_inspected", 18)]),
        ("已对全县十四个乡镇中的九个开展“巡乡带村”", [("townships_inspected", 9)]),
        ("全县村(社区)覆盖率达百分之八十点四", [("coverage_rate", 80.4)]),
        ("联合培训巡察、审计干部240余人次", [("people_trained", 240)]),
        ("联合巡察组对8个县直单位同步开展巡察和经济责任审计", [("orgs_inspected", 8)]),
    ],
)
def test_extract_finds_indicator_in_more_genres(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "组织市委巡察机构对所辖3个县(区)的12个县直部门开展联动巡察",  # counties qualify the departments
        "市审计局全年共对148家单位实施审计,为巡察选题提供了参考",  # audits are not inspections
        "由3个镇的巡察干部组成3个联合巡察组开展交叉巡察",
    ],
)
def test_extract_ignores_non_indicator_in_more_genres(sentence: str) -> None:
    assert ("orgs_inspected", 3) not in records(sentence)
    assert ("orgs_inspected", 148) not in records(sentence)
    assert ("townships_inspected", 3) not in records(sentence)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "巡察覆盖职能部门31个、基层站所218个、乡镇(街道)48个",
            [("orgs_inspected", 31), ("orgs_inspected", 218), ("townships_inspected", 48)],
        ),
        ("对医保基金管理使用情况开展专项巡察,覆盖医保经办机构9个", [("orgs_inspected", 9)]),
        (
            "把群众满意作为检验标准,推动解决群众反映强烈的问题XX件,切实把巡察成果转化为实惠",
            [("problems_resolved", None)],
        ),
    ],
)
def test_extract_finds_indicator_in_city_reviews(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The inspection may follow the rounds after a short modifier.
        ("并计划组织1轮村级“三资”专项巡察", [("rounds", 1)]),
        ("全年开展3轮常规巡察", [("rounds", 3)]),
        # Negatives: another verb between rounds and inspection; partners; totals put into a plan; clues concluded.
        ("组织3轮业务培训巡察干部参加", []),
        ("市委巡察办与市纪委监委、市委组织部、市审计局等12家单位建立巡前通报、巡中协作机制", []),
        ("把全县16个乡镇、248个村(社区)全部纳入巡察规划", []),
        ("巡察移交的问题线索已办结8条", []),
        # …but a transfer and a conclusion in one sentence: the transfer counts.
        ("移交问题线索12条,已办结8条", [("clues_transferred", 12)]),
    ],
)
def test_extract_reads_news_features(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


def test_extract_earlier_term_in_a_plan_interview_is_achieved() -> None:
    ctx = Context(
        question="问:为什么要在这个时间节点制定出台《规划》?", passage="省委换届后,及时研究制定巡视工作规划。"
    )
    [rec] = extract_sentence("十二届省委任期内,共开展13轮巡视", ctx)
    assert rec.modality == "achieved"
    plan = Context(plan_document=True, passage="五届市委任期内制发巡察建议书不少于20份。")
    [target] = extract_sentence("五届市委任期内制发巡察建议书不少于20份", plan)
    assert target.modality == "planned"


@pytest.mark.parametrize(
    ("title", "modality_in_review", "modality_in_plan"),
    [
        # A plan: its figures are targets, wherever they stand.
        ("青崖市委巡察工作规划(2026—2030年)", "planned", "planned"),
        # A summary with next year's plan after it: the sections decide.
        ("柘岭县委巡察办2025年工作总结及2026年工作计划", "achieved", "planned"),
        ("2025年巡察工作开展情况和2026年工作安排", "achieved", "planned"),
        (None, "achieved", "planned"),
    ],
)
def test_extract_document_title_sets_modality_only_for_plans(
    title: str | None, modality_in_review: str, modality_in_plan: str
) -> None:
    passages = pd.DataFrame(
        {
            "passage_id": [0, 1, 2, 3],
            "kind": ["heading", "body", "heading", "body"],
            "heading": ["", "一、主要工作", "", "二、下一步打算"],
            "text": ["一、主要工作", "全年开展巡察3轮。", "二、下一步打算", "开展巡察3轮。"],
        }
    )
    contexts = passage_contexts(title, passages)
    [review] = extract_sentence("全年开展巡察3轮", contexts[1])
    [plan] = extract_sentence("开展巡察3轮", contexts[3])
    assert (review.modality, plan.modality) == (modality_in_review, modality_in_plan)


def test_extract_agent_bodies_are_not_counted() -> None:
    assert records("指导鹭江区、西坪县2个县(区)委巡察机构同步开展联动巡察") == []


# --- real-text wording classes (invented sentences, invented places) --------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # places and bodies as inspected units (corpora/lexicons/counted_nouns.txt)
        (
            "完成了对9个设区市、40个县(市、区)和18所高等院校的巡视",
            [("orgs_inspected", 9), ("orgs_inspected", 40), ("orgs_inspected", 18)],
        ),
        ("省委第三轮巡视对12个省直部门和4家央企开展常规巡视", [("orgs_inspected", 12), ("orgs_inspected", 4)]),
        ("对5个副省级城市开展联动巡视", [("orgs_inspected", 5)]),
        ("对14个市州(直管市、林区)开展常规巡视", [("orgs_inspected", 14)]),
        ("对8个县市区开展交叉巡察", [("orgs_inspected", 8)]),
        ("完成对1280个村居巡察全覆盖", [("villages_inspected", 1280)]),
        ("已完成对5个镇街36个村(居)的现场巡察", [("townships_inspected", 5), ("villages_inspected", 36)]),
        ("延伸巡察6个学区", [("orgs_inspected", 6)]),
        # a bracketed aside does not change the head: 4个乡镇(延伸到下辖村)
        ("对15个县直部门、4个乡镇(延伸到下辖村)开展巡察", [("orgs_inspected", 15), ("townships_inspected", 4)]),
    ],
)
def test_extract_counts_places_and_bodies_as_units(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 向…反馈: the units a team reports back to are the units it inspected
        ("十个省委巡视组分别向二十一个市(州)反馈了巡视情况", [("orgs_inspected", 21)]),
        ("区委3个巡察组向28家被巡察单位党组织全面反馈巡察情况", [("orgs_inspected", 28)]),
        # 涉及 after an inspection: the units it covered
        (
            "本届以来省委已开展六轮巡视,涉及23个市县和9家省属企业",
            [("rounds", 6), ("orgs_inspected", 23), ("orgs_inspected", 9)],
        ),
        # 被巡察 as the only hint
        ("会上,本轮7个被巡察单位主要负责人汇报了整改进展", [("orgs_inspected", 7)]),
        ("分别向三户被巡察企业反馈了巡察意见", [("orgs_inspected", 3)]),
        # 对…突出…: the focus of each group of targets in a round
        (
            "开展省委第四轮巡视,对9个市州突出政治监督,对5个开发区突出营商环境",
            [("orgs_inspected", 9), ("orgs_inspected", 5)],
        ),
        # a list of inspected units split by a comma shares its verb
        ("巡视9个县(市、区),48个省直部门、省属企业党组织", [("orgs_inspected", 9), ("orgs_inspected", 48)]),
        # completing units is inspecting them; the whole before it is the denominator
        ("截至目前,全县180个村级党组织,已完成126个", [("villages_inspected", 126)]),
        ("县直单位巡察覆盖率已达70%(50个县直单位已完成巡察35个)", [("coverage_rate", 70), ("orgs_inspected", 35)]),
        # 回头看 is an inspection; units of an 对 frame closed by 反馈意见
        ("对11个市县开展巡视“回头看”", [("orgs_inspected", 11)]),
        ("研究审议了对5个二级党组织巡察情况的反馈意见", [("orgs_inspected", 5)]),
        # the modifier 已巡察过的 stands between the figure and its noun
        ("2025年对30个已巡察过的村(社区)开展巡察“回头看”", [("villages_inspected", 30)]),
        # a space between figure and measure word
        ("对 6 家省属企业进行了提级巡视", [("orgs_inspected", 6)]),
        # converters leave a comma beside an enumeration comma
        ("完成对24个地方,、单位党组织的进驻工作", [("orgs_inspected", 24)]),
        ("完成6230个地方、部门、企事业单位党组织全面巡视", [("orgs_inspected", 6230)]),
        ("此前6轮省委巡视已实现对市县全覆盖", [("rounds", 6)]),
    ],
)
def test_extract_reads_inspection_frames_of_real_reports(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 问题及线索 counts problems
        ("共发现问题及线索3200余件", [("problems_found", 3200)]),
        # groups, then items: the items are the figure
        ("就巡察组提出的3个方面存在的9项21个具体问题逐一研究整改措施", [("problems_found", 21)]),
        ("共收集群众急难愁盼问题9个,已督促解决6个", [("problems_found", 9), ("problems_resolved", 6)]),
        # a breakdown of a figure both found and resolved is a part of what was found
        (
            "发现并推动解决问题120个,其中形式主义问题30个",
            [("problems_found", 120), ("problems_resolved", 120), ("problems_found", 30)],
        ),
        # accountability wording
        # in-progress rectification is not resolved
        ("已完成整改19个、正在整改6个", [("problems_resolved", 19)]),
        ("党政纪处理15人,诫勉谈话4人", [("people_held_accountable", 15), ("people_held_accountable", 4)]),
        ("根据巡视移交的问题线索,省委调整县处级干部12人", [("people_held_accountable", 12)]),
    ],
)
def test_extract_reads_results_wording_of_real_reports(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # teams and per-team loads
        ("8个省委巡视组分别对甲县、乙县开展巡视"),
        ("此次巡视每个巡视组负责两家央企"),
        # quoted slogans with numerals
        ("不断健全“四个一”工作机制"),
        ("发现违反“六项纪律”的情况"),
        # in-progress rectification, rectification status checked
        ("对该镇22个问题的整改情况进行了全面检查"),
        # groups of problems
        ("将巡视组提出的4个方面主要问题分解为20项整改任务"),
        # a jurisdiction divided into areas; hosts of villages; units qualifying people
        ("将全县12个乡镇分为4个片区,以交叉巡察方式开展专项巡察"),
        ("同步将巡察向6个镇所辖村(社区)党组织延伸"),
        ("约谈了巡视中发现问题较多的3个设区市的市委书记"),
        # a new round is not a count
        ("根据最新一轮巡视反馈情况统计"),
        # units followed up after inspection, teams' guidance over lower levels
        ("对23家被巡察单位开展整改督导"),
        ("对6个县(市、区)巡察工作开展指导督导全覆盖"),
        ("对80家单位开展巡察整改专题培训"),
    ],
)
def test_extract_ignores_non_indicators_of_real_reports(sentence: str) -> None:
    assert records(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "ctx", "modality"),
    [
        # 将对 in news of a round already stationed
        ("8个巡视组将对甲县等12个县(市、区)开展常规巡视", Context(round_started=True), "achieved"),
        ("8个巡视组将对甲县等12个县(市、区)开展常规巡视", Context(), "planned"),
        # 按照计划安排 names the plan the round follows, not a plan
        ("按照计划安排,各巡视组正对甲县等9个县开展巡视", Context(), "achieved"),
        # 确保 sets a target
        ("确保县级巡察覆盖率达到75%", Context(), "planned"),
        # a term's targets
        ("据统计,省委巡视对象共有310个", Context(), "planned"),
        # targets counted right after 巡视对象, no verb; not once done
        ("按照全覆盖要求,省委巡视对象280个", Context(), "planned"),
        ("本届已完成巡视对象120个", Context(), "achieved"),
        # 到YYYY年第N轮 dates a past round
        ("到2016年第九轮巡视,完成对40家省属企业巡视全覆盖", Context(), "achieved"),
    ],
)
def test_extract_reads_modality_of_real_reports(sentence: str, ctx: Context, modality: str) -> None:
    text = normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text
    found = extract_sentence(text, ctx)
    assert found and found[0].modality == modality


def test_extract_round_started_is_read_from_the_document() -> None:
    passages = pd.DataFrame(
        {
            "passage_id": [0, 1],
            "kind": ["body", "body"],
            "heading": ["", ""],
            "text": ["9个省委巡视组已全部进驻被巡视单位。", "巡视组将对甲县等9个县开展巡视。"],
        }
    )
    assert passage_contexts("省委第二轮巡视全面展开", passages)[1].round_started
    assert not passage_contexts("省委第二轮巡视动员部署会召开", passages.iloc[1:])[1].round_started


@pytest.mark.parametrize(
    ("noun", "cls"),
    [
        ("省区市", "org"),
        ("副省级城市", "org"),
        ("巡视点", "org"),
        ("央企", "org"),
        ("高等院校", "org"),
        ("村(居)", "village"),
        ("村居", "village"),
        ("镇街", "township"),
        ("乡镇(街道)", "township"),
    ],
)
def test_extract_counted_noun_lexicon_entry_classes(noun: str, cls: str) -> None:
    from pipeline.extract.indicators import noun_class

    assert noun_class(noun) == cls


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # said done after the noun
        ("整改方案分解出的5大类、18个具体问题、24项整改措施已全部完成", [("problems_resolved", 18)]),
        # rounds, then units, side by side: two figures
        ("今年,市委将组织2轮30个单位的常规巡察", [("rounds", 2), ("orgs_inspected", 30)]),
        # 近三年来 ends the counted noun
        ("以交叉巡察方式对全县120个村(社区)近三年来的集体资金管理情况开展专项巡察", [("villages_inspected", 120)]),
    ],
)
def test_extract_reads_more_wording_of_real_reports(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


def test_extract_a_whole_before_done_items_is_not_resolved() -> None:
    assert records("截至8月31日,120个问题中已完成整改110个") == [("problems_resolved", 110)]


def test_extract_problems_whose_rectification_is_checked_are_not_resolved() -> None:
    assert records("工作专班对该镇党委12个问题及20个村级党组织96个问题的整改情况进行了检查") == []


def test_extract_dividing_into_areas_is_not_a_plan() -> None:
    text = "将全县10个乡镇分为3个片区,以交叉巡察方式对全县90个村(社区)开展专项巡察"
    found = extract_sentence(normalize_line(MappedText.from_raw(text), OpenccMode.T2S).text, ACHIEVED)
    assert [(r.indicator, r.value, r.modality) for r in found] == [("villages_inspected", 90, "achieved")]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # handed over to be fixed is not fixed; inside a breakdown of what was found it is a part of it
        ("巡察发现问题86个,其中移交立行立改问题21个", [("problems_found", 86), ("problems_found", 21)]),
        ("巡察期间移交立行立改事项9个", []),
        ("督促立行立改问题14个", [("problems_resolved", 14)]),
    ],
)
def test_extract_items_handed_over_for_immediate_fixing(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


def test_extract_plan_period_makes_a_plan() -> None:
    text = normalize_line(MappedText.from_raw("规划期内,县委每年开展2轮常规巡察"), OpenccMode.T2S).text
    assert [r.modality for r in extract_sentence(text, ACHIEVED)] == ["planned"]


def test_extract_ensure_sets_a_target_only_in_its_own_clause() -> None:
    text = normalize_line(MappedText.from_raw("坚持问题导向确保整改到位,全年整改问题120个"), OpenccMode.T2S).text
    assert [r.modality for r in extract_sentence(text, ACHIEVED)] == ["achieved"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("这一年,省委巡视节奏加快,由上年的2轮增至4轮", [("rounds", 4)]),
        ("省委巡视组转入本轮第二批巡视,本批次共5所高校", [("orgs_inspected", 5)]),
        ("本批次共5所高校参加培训", []),
    ],
)
def test_extract_reads_round_news_wording(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # coverage stated as the completion rate or progress of full coverage
        ("截至目前,澄源等12个省区市巡视全覆盖完成率达68.5%。", [("coverage_rate", 68.5)]),
        ("本届巡察全覆盖进度为72%。", [("coverage_rate", 72.0)]),
        # people held accountable counted in 人次
        ("全县完成对9个乡镇的巡察,追责问责96人次。", [("townships_inspected", 9), ("people_held_accountable", 96)]),
    ],
)
def test_extract_reads_coverage_progress_and_accountability_in_person_times(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "全县巡察整改完成率达95%。",  # a rectification rate is not coverage
        "本年度任务完成率为80%。",
        "开展个别谈话63人次。",  # talks, not people held accountable
    ],
)
def test_extract_ignores_other_rates_and_person_times(sentence: str) -> None:
    assert records(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # what is handed to the units is counted in 条: not a count of units
        (
            "将120条线索按移送县纪委31条、交办被巡察单位89条处置。",
            [("clues_transferred", 120), ("clues_transferred", 31)],
        ),
        ("向被巡察单位反馈问题26条。", [("problems_found", 26)]),
        # a unit count keeps its measure word
        ("对澜山县等12个单位开展巡察。", [("orgs_inspected", 12)]),
    ],
)
def test_extract_units_are_never_counted_in_item_measure_words(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the ordinals in brackets name the rounds just counted
        ("全年开展常规巡察2轮(第三轮、第四轮),共巡察18个党组织。", [("rounds", 2), ("orgs_inspected", 18)]),
        # ordinals naming the rounds a unit was inspected in are no count
        ("第四、第五轮被巡察的单位要逐项对照整改。", []),
        # a list of ordinals on its own is a count
        ("县委先后开展第七、八轮巡察。", [("rounds", 2)]),
    ],
)
def test_extract_ordinal_rounds_naming_counted_or_past_rounds(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


# --- real-text classes of round 3 (invented sentences, invented places) ------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # problems listed by kind after commas share the verb of the first item
        (
            "巡察共发现落实政策不到位问题45个,作风问题31个,其他方面问题12个",
            [("problems_found", 45), ("problems_found", 31), ("problems_found", 12)],
        ),
        # a clause with its own verb, or another noun, is no continuation
        ("发现问题45个,已整改问题31个", [("problems_found", 45), ("problems_resolved", 31)]),
        ("已基本完成对15个县(市、区)的驻点巡视任务", [("orgs_inspected", 15)]),
        ("发现问题45个,涉及干部12人", [("problems_found", 45)]),
        # the last item, with a verb further on that cannot count problems
        (
            "共发现作风问题45个,其他方面问题12个……这是全县开展巡察的一组数据",
            [("problems_found", 45), ("problems_found", 12)],
        ),
        # 以及 continues a list of inspected units
        ("两个巡视组分别进驻了3个省区市,以及5个中央单位", [("orgs_inspected", 3), ("orgs_inspected", 5)]),
        # 进驻了N个: the units of the clause before, not 了
        ("被巡视的18个地区和单位已经进驻了11个", [("orgs_inspected", 18), ("orgs_inspected", 11)]),
        # a word tagged as a verb inside the counted noun
        ("对8个行业扶贫部门开展专项巡察", [("orgs_inspected", 8)]),
        ("巡视组对6个政府组成部门开展巡视", [("orgs_inspected", 6)]),
        ("将区卫健委与区医院等4个二级机构联动巡察", [("orgs_inspected", 4)]),
        # 杀回马枪 is a revisit inspection
        ("对河东、河西2个市杀“回马枪”", [("orgs_inspected", 2)]),
        # a look-back after a place
        ("完成对15家单位巡视和4个县(市、区)巡视“回头看”", [("orgs_inspected", 15), ("orgs_inspected", 4)]),
        # the units of a list share the verb after its last item
        (
            "统筹安排9个乡镇、46个县直单位和180个村党组织的巡察任务",
            [("townships_inspected", 9), ("orgs_inspected", 46), ("villages_inspected", 180)],
        ),
        # a report on each unit inspected; units to be inspected
        ("巡视组已提出19个省区市巡视报告", [("orgs_inspected", 19)]),
        ("12个地区和单位将被巡视", [("orgs_inspected", 12)]),
    ],
)
def test_extract_reads_unit_and_problem_lists_of_real_reports(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # groups stand between the noun and the items
        ("反馈存在问题5大类21项", [("problems_found", 21)]),
        ("发现5大类问题", []),
        # opinions fed back are suggestions issued; a deadline after feedback is not
        ("巡察组反馈整改意见86条", [("suggestions_issued", 86)]),
        ("被巡察单位须在反馈意见后10个工作日内报送整改方案", []),
        # 制订 sets up rules
        ("制订《巡察工作规程》等X项配套制度", [("rules_established", None)]),
        # a negated rectification verb and the verb joined to it are part of the problems' noun
        ("发现落实审计整改不到位问题7个", [("problems_found", 7)]),
        # the people's own verb follows them
        ("抽调参加第三轮巡察的40名干部参加业务培训", [("people_trained", 40)]),
        # the verb in a modifier only says which problems; the verb after them says what was done
        ("巡视组反馈的27个问题全部整改到位", [("problems_resolved", 27)]),
        ("发现问题27个,全部整改到位", [("problems_found", 27)]),
        # said solved after the noun
        ("巡察期间,5件民生问题得到有效解决", [("problems_resolved", 5)]),
        ("巡察期间,5件民生问题得到群众关注", []),
        # a list of problems closed by 等 after a comma: the verb before the list governs
        (
            "巡察共发现班子作用不强、制度执行不严,八项规定落实不到位等方面问题46条,已整改30条",
            [("problems_found", 46), ("problems_resolved", 30)],
        ),
        ("党的建设薄弱,责任落实不到位等方面问题46条", []),
        # kinds of problems are no count of problems
        ("盯紧资金整治中的偏差问题,盯牢项目招投标不规范等5类问题", []),
        # coverage progress with a word between
        ("全覆盖总体进度达到76.5%", [("coverage_rate", 76.5)]),
        ("整改总体进度达到76.5%", []),
        # reports to the committee counted in 件次
        ("已提交专题汇报14件次", [("reports_submitted", 14)]),
        ("巡视组反馈意见建议17条", [("suggestions_issued", 17)]),
        # a bracketed gloss after the head does not change it
        ("对11个法院、6个乡镇(社区)开展巡察", [("orgs_inspected", 11), ("townships_inspected", 6)]),
        # a verb's implied object only when the figure has no noun of its own
        ("问题已整改58个", [("problems_resolved", 58)]),
        ("全年任务已完成了两个板块", []),
        ("对准备、进驻、报告、整改四个阶段作出规范", []),
    ],
)
def test_extract_reads_results_of_real_reports_round_3(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # rounds with a prepositional phrase before the inspection
        ("全年开展4轮对县直部门的常规巡察", [("rounds", 4)]),
        ("组织开展5轮以乡村振兴为重点的村级巡察", [("rounds", 5)]),
        ("开展3轮对巡察干部的培训", []),
        ("开展2轮巡察干部轮训", []),
    ],
)
def test_extract_rounds_before_a_prepositional_phrase(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # the ratio of a mode of work (one team, two units)
        "采取“1托2”方式,即1个巡察组先后巡察2个单位",
        # units where problems were found are not a count of inspected units
        "巡视组发现12个单位党组织存在管党治党宽松软问题",
        # an audit of the units, not an inspection
        "同步对9家单位全覆盖开展经济责任审计、专项审计",
        # units that run their own inspections are its agents
        "已有60家中央单位开展了内部巡视",
        "12所高校全部开展巡视巡察",
        # the heads of units are people
        "被巡视的11个单位“一把手”作了表态发言",
        # the inspecting body's name is no verb: a jurisdiction divided into kinds
        "县委巡察机构将全县210个村(社区)分为五类",
        # a jurisdiction's total
        "全县共有12个乡镇、160个村",
    ],
)
def test_extract_ignores_non_indicators_of_real_reports_round_3(sentence: str) -> None:
    assert records(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("1个巡察组将对3个乡镇开展专项巡察", [("townships_inspected", 3)]),
        ("对9家单位开展巡察和经济责任审计", [("orgs_inspected", 9)]),
        # townships that ran rounds themselves are their agents: the rounds count, the townships do not
        ("在全县12个乡镇中,3个乡镇开展了2轮巡察", [("rounds", 2)]),
    ],
)
def test_extract_one_team_and_joined_audit_still_count(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "modality"),
    [
        # a whole term's targets, the noun after the count
        ("全省共有312个巡视对象", "planned"),
        # a target to ensure, units named as inspected
        ("确保实现全县58家被巡察单位五年全覆盖", "planned"),
        ("12个地区和单位将被巡视", "planned"),
        ("对12个地区和单位开展了巡视", "achieved"),
        # a round's targets named as its 巡察对象
        ("本轮巡察对象为4家区级机关", "planned"),
        ("本轮巡察对象包括37个党组织", "planned"),
    ],
)
def test_extract_reads_term_targets_and_units_to_be_inspected(sentence: str, modality: str) -> None:
    text = normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text
    [record] = extract_sentence(text, ACHIEVED)
    assert (record.indicator, record.modality) == ("orgs_inspected", modality)


@pytest.mark.parametrize(
    ("noun", "cls"),
    [("省辖市", "org"), ("群团组织", "org"), ("二级机构", "org"), ("市地", "org")],
)
def test_extract_counted_noun_lexicon_round_3_entries(noun: str, cls: str) -> None:
    from pipeline.extract.indicators import noun_class

    assert noun_class(noun) == cls


@pytest.mark.parametrize(
    ("text", "unit"),
    [("问题6大类", "大类"), ("专题汇报14件次", "件次"), ("问题14件", "件")],
)
def test_extract_measure_word_lexicon_round_3_entries(text: str, unit: str) -> None:
    [q] = find_quantities(text)
    assert q.unit == unit


# --- real-dev round 4 (invented sentences and places) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 分N轮对…开展巡察 counts the rounds
        ("县委分三轮对全县120个村(社区)开展巡察", [("rounds", 3), ("villages_inspected", 120)]),
        # clues reported up to a discipline body are transferred
        ("巡察组梳理上报县纪委问题线索37件", [("clues_transferred", 37)]),
        # a sanction given to N people; 处理 of officials
        ("移交问题线索120件,给予35人党纪政务处分", [("clues_transferred", 120), ("people_held_accountable", 35)]),
        ("共处理党员干部90余名,其中村干部60余名", [("people_held_accountable", 90), ("people_held_accountable", 60)]),
        # a verb inside the list of problems is part of the noun: the verb before the list counts
        ("向学院党委反馈了责任落实不够到位、推动整改不够坚决等6个方面19条具体问题", [("problems_found", 19)]),
        # clues named by the verb of their modifier, then 中
        ("在已移交的24件问题线索中,已立案5件", [("clues_transferred", 24)]),
        # county-level places by their joint names, offices abroad, counties by kind
        ("对甲县、乙市等4个县市开展常规巡视", [("orgs_inspected", 4)]),
        ("对2个金融单位和3个驻外办事处开展机动巡视", [("orgs_inspected", 2), ("orgs_inspected", 3)]),
        ("巡视组分别向6个贫困县反馈了巡视意见", [("orgs_inspected", 6)]),
        # completing N% of the coverage task; a share of all such units
        ("本届省委已巡视88个党组织,完成全覆盖任务41%", [("orgs_inspected", 88), ("coverage_rate", 41)]),
        (
            "全省共巡察党组织5200个,其中乡镇党委800个、占全省总数62%",
            [("orgs_inspected", 5200), ("townships_inspected", 800), ("coverage_rate", 62)],
        ),
        # inspection sites are inspected units, also before 中 and in a meeting's name
        # (the sites stationed so far are a part, optional in the gold)
        ("本轮的12个巡视点中,已有9个完成进驻", [("orgs_inspected", 12), ("orgs_inspected", 9)]),
        ("12个巡视点的动员会同日召开", [("orgs_inspected", 12)]),
        # people before the training they attended
        ("组织近300人次的集中培训", [("people_trained", 300)]),
        # rectification tasks said rectified; 己 typed for 已
        ("巡察组反馈的4个方面16项整改任务己全部整改到位", [("problems_resolved", 16)]),
    ],
)
def test_extract_reads_wording_of_real_reports_round_4(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # clues reported to a government office are no transfer to a discipline body
        "巡察组上报县政府问题线索12件",
        # a commendation given to people is no sanction
        "给予15人通报表彰",
        # 处理 of matters, not of people
        "妥善处理群众信访件30件",
        # rectification tasks only drawn up
        "提出87项整改任务,明确责任人",
        # the whole before the rectified part: only the part is resolved (see the next test)
        # a share of something other than inspected units
        "其中形式主义问题占问题总数的30%",
        # 自己 stays a word
        "各单位自己整改",
    ],
)
def test_extract_ignores_non_indicators_of_real_reports_round_4(sentence: str) -> None:
    assert records(sentence) == []


def test_extract_units_that_ran_their_own_rounds_are_not_counted() -> None:
    assert records("全州8个县市开展了1轮巡察") == [("rounds", 1)]
    assert records("对8个县市开展了巡察") == [("orgs_inspected", 8)]


def test_extract_rectified_part_after_its_whole_is_the_figure() -> None:
    assert records("截至目前,40项整改任务已完成36项") == [("problems_resolved", 36)]
    assert records("第二轮巡察发现的52个问题已整改完成47个") == [("problems_resolved", 47)]


@pytest.mark.parametrize(
    ("noun", "cls"),
    [("县市", "org"), ("地市", "org"), ("省市", "org"), ("贫困县", "org"), ("驻外办事处", "org"), ("整改任务", "task")],
)
def test_extract_counted_noun_lexicon_round_4_entries(noun: str, cls: str) -> None:
    from pipeline.extract.indicators import noun_class

    assert noun_class(noun) == cls


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a noun jieba leaves no word for (地市), places before 以及, an ordinal ends the noun
        ("对甲市、乙市等3个地市和丙县等9个县区开展巡视", [("orgs_inspected", 3), ("orgs_inspected", 9)]),
        ("将对甲区、乙县等12个县(市、区)以及丙新区开展巡视", [("orgs_inspected", 12)]),
        ("已完成对甲镇、乙乡等4个乡镇37个村第一轮巡察", [("townships_inspected", 4), ("villages_inspected", 37)]),
        # a follow-up inspection after the places, with an adverb before the verb
        ("本轮巡视对甲省、乙省等4个省首次进行了“回头看”", [("orgs_inspected", 4)]),
        # a breakdown said rectified after its figure
        ("指出具体问题30个,其中26个已整改", [("problems_found", 30), ("problems_resolved", 26)]),
        # rounds counted as 个轮次
        ("先后安排6个轮次,完成对20个单位的巡视", [("rounds", 6), ("orgs_inspected", 20)]),
        # the units an inspection covers, broken down after 涉及
        ("本轮巡视涉及的单位较多,其中包括9家成员单位和4个园区", [("orgs_inspected", 9), ("orgs_inspected", 4)]),
        # village committees counted through their 两委 team
        ("对全县80个村“两委”班子开展巡察", [("villages_inspected", 80)]),
        # 解决落实: solved and carried out
        ("群众诉求现已解决落实45件", [("problems_resolved", 45)]),
    ],
)
def test_extract_reads_place_lists_and_breakdowns_of_round_4(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # units that receive what is handed over are not inspected
        ("县委巡察共向5个乡镇和9个部门移交群众诉求60件", []),
        # clues listed under problems found are no part of them
        ("巡察发现问题200个,其中问题线索40条", [("problems_found", 200)]),
        # 个轮次 of a training is no count of rounds
        ("先后安排3个轮次的业务培训", []),
        # a meeting team of 两委 members is no village count without the verb
        ("12个村“两委”班子成员参加会议", []),
    ],
)
def test_extract_ignores_recipients_and_clue_parts_of_round_4(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


DEPLOYED = Context(round_deployed=True)
DEPLOYED_AND_STATIONED = Context(round_deployed=True, round_started=True)


@pytest.mark.parametrize(
    ("sentence", "ctx", "modality"),
    [
        # targets announced in the report of a deployment meeting: planned
        ("经县委同意,本轮巡察派出3个巡察组,对甲镇等9个乡镇开展常规巡察", DEPLOYED, "planned"),
        ("会议宣布,本轮巡视对甲局等9个单位党组织开展常规巡视", DEPLOYED, "planned"),
        ("省委决定第三轮巡视从11月初开始,派出6个巡视组对15个单位开展专项巡视", DEPLOYED, "planned"),
        # negatives: the teams have stationed; a result of the round; past wording; no deployment meeting
        ("经县委同意,本轮巡察对甲镇等9个乡镇开展常规巡察", DEPLOYED_AND_STATIONED, "achieved"),
        ("本轮巡视后,全省实现对88个县(市、区)的巡视全覆盖", DEPLOYED, "achieved"),
        ("本轮巡察已对甲镇等12个乡镇开展常规巡察", DEPLOYED, "achieved"),
        ("经县委同意,本轮巡察对甲镇等9个乡镇开展常规巡察", ACHIEVED, "achieved"),
    ],
)
def test_extract_targets_announced_at_a_deployment_meeting_are_planned(
    sentence: str, ctx: Context, modality: str
) -> None:
    text = normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text
    found = [r for r in extract_sentence(text, ctx) if r.indicator != "rounds"]
    assert found and {r.modality for r in found} == {modality}


def test_extract_round_deployed_and_stationed_are_read_from_the_document() -> None:
    passages = pd.DataFrame(
        {"passage_id": [0], "kind": ["body"], "heading": [""], "text": ["8月5日,县委第三轮巡察部署会议召开。"]}
    )
    assert passage_contexts("", passages)[0].round_deployed
    stationed = pd.DataFrame(
        {"passage_id": [0], "kind": ["body"], "heading": [""], "text": ["省纪委公布了各巡视组的入驻情况。"]}
    )
    assert passage_contexts("", stationed)[0].round_started
    assert not passage_contexts("", stationed)[0].round_deployed


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # provinces counted with the place as the measure word
        ("中央巡视组已进驻被巡视的20家中央单位和甲、乙等4省市", [("orgs_inspected", 20), ("orgs_inspected", 4)]),
        ("年初选择甲省等3省展开巡视“回头看”", [("orgs_inspected", 3)]),
        # units chosen as a round's targets (圈定, 被选中) are a planned count
        ("上级已圈定12家企业,年后将开展专项巡视", [("orgs_inspected", 12)]),
        ("新一轮巡视中,甲、乙等2个省市又被选中", [("orgs_inspected", 2)]),
        # pilot rounds of an inspection
        ("在开展两轮试点基础上,今年全面铺开专项巡视", [("rounds", 2)]),
        # the next target of an 对 frame after 、 is no agent
        (
            "本轮巡视安排对9个县区开展常规巡视、3个开发区党工委开展专项巡视",
            [("orgs_inspected", 9), ("orgs_inspected", 3)],
        ),
        # one of the villages inspected
        ("甲社区是县委本轮直接巡察的5个重点村(社区)之一", [("villages_inspected", 5)]),
    ],
)
def test_extract_reads_places_and_chosen_targets_of_round_4(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "not_expected"),
    [
        # a word that goes on after 省 is no count of provinces
        ("对2省直单位开展巡视", ("orgs_inspected", 2)),
        # the provinces named before
        ("此次对已巡视过的上述四省开展“回头看”", ("orgs_inspected", 4)),
        # a pilot of something else
        ("开展两轮试点,推进垃圾分类", ("rounds", 2)),
        # agents listed with their own verb, no 对 frame
        ("9个县(市、区)委巡察党组织1426个", ("orgs_inspected", 9)),
    ],
)
def test_extract_ignores_place_words_and_agents_of_round_4(sentence: str, not_expected: tuple[str, float]) -> None:
    assert not_expected not in records(sentence)


def test_extract_chosen_targets_are_planned() -> None:
    for sentence in ("上级已圈定12家企业,年后将开展专项巡视", "新一轮巡视中,甲、乙等2个省市又被选中,即将迎来巡视组"):
        found = extract_sentence(normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text, ACHIEVED)
        assert found and found[0].modality == "planned"


@pytest.mark.parametrize(("text", "unit"), [("甲等4省市", "省市"), ("甲等4省", "省"), ("4省区市", "省区市")])
def test_extract_measure_word_lexicon_round_4_entries(text: str, unit: str) -> None:
    [q] = find_quantities(text)
    assert q.unit == unit


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the same round, an ordinal in batches, the rounds whose clues are handled: no count of rounds
        ("甲省和乙省出现在同一轮中央巡视中", []),
        ("县委十一轮两期巡察共发现问题30个", [("problems_found", 30)]),
        ("县纪委办结市委第三轮、第四轮巡察线索5件", []),
        # positives beside them
        ("县委开展两轮巡察,发现问题30个", [("rounds", 2), ("problems_found", 30)]),
        ("县委开展了第九轮、第十轮巡察", [("rounds", 2)]),
    ],
)
def test_extract_rounds_named_not_counted_of_round_4(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # found, then urged on, with the fixing in the figure's own clause: both
        (
            "巡视组发现并督促被巡视单位认真履职尽责,立行立改有关事项40余件",
            [("problems_found", 40), ("problems_resolved", 40)],
        ),
        # not when a figure stands between (a breakdown of what was found and solved)
        (
            "发现并推动解决问题120个,其中形式主义问题30个",
            [("problems_found", 120), ("problems_resolved", 120), ("problems_found", 30)],
        ),
        # at a feedback meeting the units speak through their heads
        ("巡察组向全镇反馈意见后,11个村党组织书记逐一作表态发言", [("villages_inspected", 11)]),
        # without a feedback, heads making statements are no count of units
        ("会上,12个村党组织书记作表态发言", []),
    ],
)
def test_extract_found_then_urged_and_feedback_statements_of_round_4(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


# --- round 5 (invented sentences, invented places) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # points of advice counted with 点
        ("巡察组对石岭镇党委提出了三点意见建议", [("suggestions_issued", 3)]),
        ("巡察组提出四点建议:一是加强领导", [("suggestions_issued", 4)]),
        # 点 elsewhere counts nothing: a demand, an hour, a percentage point, a pilot site
        ("巡察组提出三点要求", []),
        ("下午两点召开会议", []),
        ("整改率同比提高3个百分点", []),
        ("共设置12个重点监督点", []),
        # units said already inspected with 已 alone, as with 已巡察过的
        ("对5个已巡察县直部门开展巡察“回头看”", [("orgs_inspected", 5)]),
        ("对5个未巡察县直部门开展摸底调研", []),
        # prefectures and leagues (州市, 盟市) and counties named by their poverty status are inspected places
        ("对4个州市、36个县市区开展巡视", [("orgs_inspected", 4), ("orgs_inspected", 36)]),
        ("对澜山盟等3个盟市开展专项巡视", [("orgs_inspected", 3)]),
        ("对22个脱贫摘帽县和5个未脱贫县进行专项巡视", [("orgs_inspected", 22), ("orgs_inspected", 5)]),
        # a place named with 县 but no count of places inspected
        ("全省有22个脱贫摘帽县", []),
        # disputes settled are problems resolved; disputes sorted out are not
        ("化解矛盾纠纷32件", [("problems_resolved", 32)]),
        ("排查矛盾纠纷32件", []),
        # units named the targets of an inspection
        ("经研判,确定36个村(社区)为县委提级巡察对象", [("villages_inspected", 36)]),
        # named something else (a pilot, the team's contact units)
        ("确定12个村为试点村", []),
        ("确定5家单位为巡察组联系单位", []),
        # an 对 frame closed by a feedback: the units reported back to were inspected
        ("对甲公司7家分公司和乙公司5家分公司,由领导带队进行视频反馈", [("orgs_inspected", 7), ("orgs_inspected", 5)]),
        ("对5个村反馈巡察意见", [("villages_inspected", 5)]),
        # a feedback on counted problems is no count of units
        ("对12个问题进行反馈", [("problems_found", 12)]),
        # 针对 opens a frame when its clause closes on an inspection of the counted units
        ("针对石岭乡、青崖镇2个乡镇党委开展了专项巡察", [("townships_inspected", 2)]),
        # without 针对 the committees run the inspection (agents); with a modifier between, the object is else
        ("2个乡镇党委开展了专项巡察", []),
        ("针对2个乡镇党委提出的意见,开展巡察整改", []),
    ],
)
def test_extract_points_of_advice_inspected_modifier_and_places_of_round_5(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


def test_extract_units_chosen_as_targets_are_planned() -> None:
    def modalities(sentence: str) -> list[str]:
        text = normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text
        return [r.modality for r in extract_sentence(text, ACHIEVED)]

    assert modalities("经研判,确定36个村(社区)为县委提级巡察对象") == ["planned"]
    # units that were the targets, with no choosing said, stay achieved
    assert modalities("2023年,36个村(社区)为县委提级巡察对象,均已完成巡察") == ["achieved"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the forms of a sanction listed in brackets after a total are each a count of people sanctioned
        (
            "给予党纪处分9人(党内警告4人,严重警告2人,留党察看1人,开除党籍2人)",
            [("people_held_accountable", v) for v in (9, 4, 2, 1, 2)],
        ),
        (
            "政务处分12人(警告3人,记过2人,记大过2人,降级1人,撤职2人,开除2人)",
            [("people_held_accountable", v) for v in (12, 3, 2, 2, 1, 2, 2)],
        ),
        ("给予撤销党内职务处分1人", [("people_held_accountable", 1)]),
        # brackets with counts right after a count open a breakdown: the count keeps the noun before it
        ("发现问题30个(问责4人)", [("problems_found", 30), ("people_held_accountable", 4)]),
        # a bracketed gloss with no count is part of the noun after it
        ("共巡察15个(社区)村党组织", [("villages_inspected", 15)]),
        # a warning that is no sanction, and an expulsion from school, are not
        ("发出警告函3份", []),
        ("向3家单位发出风险警告提示", []),
        ("开除学籍2人", []),
    ],
)
def test_extract_sanction_forms_of_round_6(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # problems as the inspection fed them back (groups, then items; or 反馈的/指出的): found, whatever
        # the report then does with them
        ("对巡察反馈的三大类9个问题,班子认真研究,抓好整改", [("problems_found", 9)]),
        ("对照3个方面11项具体问题,逐条制定整改措施", [("problems_found", 11)]),
        ("对巡察反馈的4个方面5项共12个问题,制定整改措施20条", [("problems_found", 12)]),
        ("巡察组反馈的4大类15项问题已有13项整改完毕", [("problems_found", 15), ("problems_resolved", 13)]),
        ("对巡察组指出的8个问题逐一明确责任人", [("problems_found", 8)]),
        # negatives: a verb of rectification governs the count, or follows it
        ("整改了4个方面12个问题", [("problems_resolved", 12)]),
        ("巡视组反馈的18个问题全部整改到位", [("problems_resolved", 18)]),
        # groups alone count nothing
        ("反馈了4个方面的问题", []),
        # an 对/针对 frame names the problems fed back, whatever verb closes it
        ("针对反馈的9个问题明确整改措施30条", [("problems_found", 9)]),
        ("对6个方面21个问题认真抓好了整改", [("problems_found", 21)]),
        ("整改方案对15项具体问题制定了整改措施", [("problems_found", 15)]),
        # negatives: said fixed at once after the frame; only the rectification checked
        ("对发现的12个问题立行立改", [("problems_resolved", 12)]),
        ("对22个问题的整改情况进行检查", []),
        # problems a unit has (存在) are problems found; those still there are not a count of them
        ("3个村党组织存在14个问题", [("problems_found", 14)]),
        ("仍存在3个问题", []),
    ],
)
def test_extract_problems_fed_back_in_rectification_reports_of_round_6(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a place's own bodies inspected, one per place: the places count the units
        ("配合省委巡视对6个县的纪委监委机关、组织部门、巡察机构开展提级巡察", [("orgs_inspected", 6)]),
        ("派出3个组交叉巡察3个县区的民政局", [("orgs_inspected", 3)]),
        # the inspection named as a political check-up after the places
        ("完成对9个省直部门、40个县(市、区)的“政治体检”", [("orgs_inspected", 9), ("orgs_inspected", 40)]),
        # counted while being inspected (在巡视…中), and as the units a round's feedback went to
        ("8个组在巡视16个县(市、区)中,发出测评表2000张", [("orgs_inspected", 16)]),
        ("首批反馈的6家单位包括甲省、乙省", [("orgs_inspected", 6)]),
        # banners and counties-with-banners are places
        ("完成了对甲盟和乙旗等3个旗区的巡视任务", [("orgs_inspected", 3)]),
        ("省委第二轮巡视对6个国家乡村振兴重点帮扶县开展巡视", [("orgs_inspected", 6)]),
        ("全省有6个重点帮扶县", []),
        # negatives: a place's bodies outside an inspection; a place's bodies under a supervision that is no inspection
        ("全市10个县区的纪委监委机关", []),
        ("对5个县的民政局进行督导", []),
        ("巡察覆盖全市10个县区的部门", []),
        ("向甲局反馈的3条意见", []),
        ("对7个县(市、区)巡察机构开展专项检查", []),
    ],
)
def test_extract_places_counted_through_their_bodies_of_round_6(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(("noun", "cls"), [("旗区", "org"), ("旗县", "org"), ("乡村振兴重点帮扶县", "org")])
def test_extract_counted_noun_lexicon_round_6_entries(noun: str, cls: str) -> None:
    from pipeline.extract.indicators import noun_class

    assert noun_class(noun) == cls


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # handed over for immediate fixing, then said done in the next clause
        ("移交立行立改问题6个,已全部办结", [("problems_resolved", 6)]),
        # doing practical things for the people is resolving their matters
        ("两年来共推动为民办实事85件", [("problems_resolved", 85)]),
        # found and corrected (纠治) in one figure: both
        ("发现并推动纠治政治偏差问题21个", [("problems_found", 21), ("problems_resolved", 21)]),
        # the elided items said done right after their count
        ("发现问题20个,12个整改到位", [("problems_found", 20), ("problems_resolved", 12)]),
        # a heading's count of the problems of one area, even of an area named for rectification
        ("(一)聚焦决策部署落实方面(5个问题)", [("problems_found", 5)]),
        ("(三)落实审计整改方面(2个问题)", [("problems_found", 2)]),
        # rules set up in other words; suggestions handed out
        ("整章建制6条", [("rules_established", 6)]),
        ("发放建议书4份", [("suggestions_issued", 4)]),
        # negatives: handed over and still being fixed, or only handed over as rectification matters; questionnaires
        ("移交立行立改问题6个,正在整改", []),
        ("向有关地方和单位移交整改事项5项", []),
        ("发放调查问卷300份", []),
        ("县委办实事办公室3个", []),
    ],
)
def test_extract_problems_resolved_wording_of_round_6(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the problems fed back, refined into items or analysed: the items are found
        ("三组反馈问题8个,局党组又细化为21个具体问题", [("problems_found", 8), ("problems_found", 21)]),
        ("党组根据反馈的3方面意见细化分解了14个问题,已完成9个", [("problems_found", 14), ("problems_resolved", 9)]),
        ("深入剖析18个问题,提出60条整改举措", [("problems_found", 18)]),
        # said handled in the next clause, also after a second count joined to the first
        ("巡察移交的4个立改问题和9件来信,均已全部办结", [("problems_resolved", 4)]),
        # negatives: measures refined are no problems; found, then done in the next clause, stays found
        ("细化整改措施30条", []),
        ("发现问题20个,已全部整改", [("problems_found", 20)]),
        ("巡察移交的4个立改问题,正在整改", []),
    ],
)
def test_extract_problems_wording_of_round_7(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # inspected and visited; places counted while being inspected (…时); districts of a city
        ("两级党委共巡察和走访了17个牵头部门,督查了88个项目", [("orgs_inspected", 17)]),
        ("多数线索是省委巡视12个县时发现的", [("orgs_inspected", 12)]),
        ("甲区、乙区等21个市辖区接受为期三周的专项巡视", [("orgs_inspected", 21)]),
        # a list of places and their departments in a stationing
        (
            "巡视组完成对3个省直部门(单位)和9个州(市)、57个县(市、区)相关部门(单位)的进驻",
            [("orgs_inspected", 3), ("orgs_inspected", 9), ("orgs_inspected", 57)],
        ),
        # the share of the inspection task done is coverage
        ("先后对80个村开展巡察,完成任务数的61.5%", [("villages_inspected", 80), ("coverage_rate", 61.5)]),
        # negatives: a jurisdiction's total; a check of inspecting offices; a completion rate of rectification
        ("全市共有12个县", []),
        ("对7个县巡察机构开展专项检查", []),
        ("整改任务完成率95%", []),
    ],
)
def test_extract_units_and_coverage_of_round_7(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # people sanctioned after 共有; a count inside 包括…在内的 is a part of the next count, not a breakdown
        (
            "共有120名党员受到党纪处分,包括6名处级干部在内的40名干部移交调查,共有35人被诫勉谈话",
            [("people_held_accountable", 120), ("people_held_accountable", 35)],
        ),
        # negatives: a breakdown with 包括 still is one; 共有 people without a sanction is a total
        ("问责30人,包括5名处级干部", [("people_held_accountable", 30), ("people_held_accountable", 5)]),
        ("全县共有党员干部900名", []),
    ],
)
def test_extract_accountability_of_round_7(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(("noun", "cls"), [("州(市)", "org"), ("市辖区", "org")])
def test_extract_counted_noun_lexicon_round_7_entries(noun: str, cls: str) -> None:
    from pipeline.extract.indicators import noun_class

    assert noun_class(noun) == cls


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # promptly fixed after an 对 frame is resolved
        ("对2个能马上改的事项及时整改并跟踪", [("problems_resolved", 2)]),
        # negatives: a pledge to rectify stays found; a duration; a count in a document's name
        ("对10个问题认真抓好整改", [("problems_found", 10)]),
        ("中央五组将巡视某部党组,为期两个月", []),
        ("是否执行党委关于完善“三张清单”五项制度的意见", []),
        ("对3个县开展为期1个月的巡察", [("orgs_inspected", 3)]),
        ("制定关于加强巡察整改的意见等制度5项", [("rules_established", 5)]),
    ],
)
def test_extract_wording_and_non_counts_of_round_7(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


def test_extract_jiang_marking_the_problems_refined_after_a_comma_is_no_plan() -> None:
    from pipeline.extract.indicators import _future_jiang

    assert not _future_jiang("某局将巡察指出的3个方面问题,细化分解为")
    # negative: 将 as "will" before a later comma stays a plan
    assert _future_jiang("明年市委将对5个县开展巡察,")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # 存在N大…问题: after 存在, 大 is the measure word of the problems
        ("经查,该所存在三大突出问题,已逐项销号", [("problems_found", 3)]),
        ("巡察发现该中心存在四大问题:一是制度不全", [("problems_found", 4)]),
        # negatives: a slogan with 大, a quoted name between, groups of problems, no 存在 before
        ("全体党员要树牢四大意识,落实整改责任", []),
        ("该局落实“五大任务”方面存在问题", []),
        ("该镇存在“五大任务”落实不力问题", []),
        ("全县四大班子的负责同志出席", []),
        # people a course reached: the training named before, 覆盖…N人次 after
        ("巡察办当年办了两期业务培训,累计覆盖学员150人次", [("people_trained", 150)]),
        ("市委巡察办举办业务轮训3期,覆盖全市巡察干部260人", [("people_trained", 260)]),
        # negative: a reach with no training named
        ("开展政策宣讲活动8场,覆盖人数达600人次", []),
    ],
)
def test_extract_round_8_preparation_problems_by_da_and_training_reach(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a bracket that does not close in the clause is no part of the noun before it (a line cut inside it)
        ("截至3月5日,巡察反馈的38个具体问题(根", [("problems_found", 38)]),
        ("截至3月5日,巡察反馈的38个具体问题(其中,已整改30个)", [("problems_found", 38), ("problems_resolved", 30)]),
        # negatives: a closed gloss stays in the noun; a bracket of counts still opens a breakdown
        ("联动巡察42个(社区)村党组织", [("villages_inspected", 42)]),
        ("发现问题15个(其中作风问题6个)", [("problems_found", 15), ("problems_found", 6)]),
    ],
)
def test_extract_round_8_preparation_noun_before_an_unclosed_bracket(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a list of modifiers inside a bracket left open after an unknown noun: no count, and no error
        ("对8个某某(市、区开展巡察", []),
        # negative: a list of modifiers sharing the head noun at its end still gives that noun
        ("巡察近200个地方、部门和单位党组织", [("orgs_inspected", 200)]),
    ],
)
def test_extract_round_8_preparation_modifier_list_inside_an_open_bracket(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a verb before 类 names a kind of problem: the verb before the list counts (found)
        (
            "某镇共发现整改类问题30件、制度建设类问题12件、线索移送类问题5件",
            [("problems_found", 30), ("problems_found", 12), ("problems_found", 5)],
        ),
        # negatives: a verb with no 类 after it still governs; groups counted by 类 give nothing
        ("共整改问题30件", [("problems_resolved", 30)]),
        ("发现3类问题", []),
        # points of advice alone, after an inspection team or its feedback
        ("巡察组组长在反馈会上提出四点意见", [("suggestions_issued", 4)]),
        ("巡视组提出三点整改意见:一是", [("suggestions_issued", 3)]),
        # negatives: a leader's points at a mobilisation meeting; 点 that counts no advice
        ("他介绍了巡察的目的,并提出三点意见:一是要", []),
        ("县委书记在动员会上对做好本轮巡察提出三点意见:一是", []),
        ("巡察组提出两点要求", []),
        # the second and third forms of discipline are sanctions
        ("运用第二种形态处理3人、第三种形态处理4人", [("people_held_accountable", 3), ("people_held_accountable", 4)]),
        # negative: 处理 of matters is no sanction
        ("妥善处理信访件12件", []),
    ],
)
def test_extract_round_8_kinds_points_of_advice_and_forms_of_discipline(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a bare party body after named towns or villages closed by 等 belongs to them
        (
            "对甲镇等3个党委和乙村等40个村(社区)党组织开展常规巡察",
            [("townships_inspected", 3), ("villages_inspected", 40)],
        ),
        ("区委巡察组将对甲镇、乙镇、丙镇等5家单位的党组织开展巡察", [("townships_inspected", 5)]),
        # negatives: named bureaus keep units; a bare body with no names before it stays a unit
        ("对甲局、乙局等6家单位开展巡察", [("orgs_inspected", 6)]),
        ("对7个党委开展巡察", [("orgs_inspected", 7)]),
        # a mixed total after counted villages is no count of villages
        (
            "对甲镇党委及所辖5个村、乙镇党委及所辖9个村等16个单位党组织开展巡察",
            [("villages_inspected", 5), ("villages_inspected", 9), ("orgs_inspected", 16)],
        ),
        # a quoted mode of inspection ending in 巡 closes the 对 frame
        (
            "派出4个巡察组对甲乡等3个乡镇及所辖的50个村(社区)开展“乡村同步巡”",
            [("townships_inspected", 3), ("villages_inspected", 50)],
        ),
        # negative: a quoted name of a meeting is no inspection
        ("召开“三级联巡”动员会2次", []),
        # 就… after places says what the inspection is about
        ("该市对甲、乙、丙3个县市就扶贫问题开展专项巡察", [("orgs_inspected", 3)]),
        ("对6个就业服务中心开展巡察", [("orgs_inspected", 6)]),
        # units right after 对 that a round is run on are its targets, not its agents
        ("并对其中6家单位开展了一轮巡察“回头看”", [("orgs_inspected", 6), ("rounds", 1)]),
        # negative: units followed by their own rounds ran them
        ("8个县市开展了1轮巡察", [("rounds", 1)]),
        # a count of problems named as fed back by the inspection, with no verb of its own, is found
        ("书记带头推进18个省委巡视反馈问题整改", [("problems_found", 18)]),
        # negatives: said done, it is resolved; problems with no feedback named and no verb stay uncounted
        ("18个巡视反馈问题全部整改到位", [("problems_resolved", 18)]),
        ("研究18个问题", []),
        # a feedback's finding after its praise: 方面还存在N个问题
        ("该局在执行上级决策和服务企业等方面还存在20个问题", [("problems_found", 20)]),
        # negative: problems still open in a rectification report
        ("目前还存在3个问题", []),
        # 特别是… after counted places singles some out, the places are still the targets
        ("先后对30个县(市、区)特别是山区县、20个省直单位开展巡视", [("orgs_inspected", 30), ("orgs_inspected", 20)]),
        # the field of a special inspection between the places and the inspection
        ("已完成对8个市直部门的常规巡察和3个县脱贫攻坚专项巡察", [("orgs_inspected", 8), ("orgs_inspected", 3)]),
        # negative: places followed by a noun of their own are a modifier
        ("对10个县(市、区)殡葬领域开展专项巡察", []),
        # lexicon: 村社 are villages, 指挥部 units; 下达 issues suggestions
        ("对60个村社开展了巡察", [("villages_inspected", 60)]),
        ("已对5个工程指挥部开展专项巡察", [("orgs_inspected", 5)]),
        ("共下达整改建议书12份", [("suggestions_issued", 12)]),
        ("共下达任务12项", []),
        # 的一轮: one pass over the units, no count of rounds
        ("将在三年内完成对全部村的一轮巡察", []),
        ("开展了一轮巡察", [("rounds", 1)]),
        # units that explore inspections of their own are its agents
        ("已有60多家省直机关探索开展巡视", []),
        ("对60多家省直机关开展巡视", [("orgs_inspected", 60)]),
        # problems fed back, then their done part: the fed-back count is found
        (
            "截至目前,巡察反馈的8个方面30个具体问题中,25个问题已完成整改",
            [("problems_found", 30), ("problems_resolved", 25)],
        ),
        # negative: problems only named as found, then their done part: the denominator
        ("发现的20个问题中,已整改15个", [("problems_resolved", 15)]),
    ],
)
def test_extract_round_8_owners_modes_and_lexicon(sentence: str, expected: list[tuple[str, float | None]]) -> None:
    assert records(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # in a plan, a round under way now reports results
        ("目前,县委3个巡察组正在对5个县直单位党组织进行常规巡察", "achieved"),
        ("当前正在对4个乡镇开展巡察", "achieved"),
        # negatives: under way without 目前, and the plan's next step, stay planned
        ("县委3个巡察组正在对5个县直单位党组织进行常规巡察", "planned"),
        ("下一步,将对5个县直单位党组织进行常规巡察", "planned"),
    ],
)
def test_extract_round_8_modality_of_a_round_under_way_inside_a_plan(sentence: str, expected: str) -> None:
    got = extract_sentence(
        normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text, Context(plan_document=True)
    )
    assert [r.modality for r in got] == [expected]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a round already under way: targets still to come one after another are planned
        ("即日起省委8个巡视组将陆续进驻12家省直单位", [("orgs_inspected", 12, "planned")]),
        # negative: 将进驻 in a round under way stays achieved (round 1's rule)
        ("即日起省委8个巡视组将进驻12家省直单位", [("orgs_inspected", 12, "achieved")]),
        # a term's or a round's targets counted as 对象 (共有N个对象, 巡视对象有N个) are planned
        ("中央巡视共有200多个对象", [("orgs_inspected", 200, "planned")]),
        ("第二轮首次提出专项巡视,巡视对象有3个:甲、乙、丙", [("orgs_inspected", 3, "planned")]),
        # negative: 共有 before other units is no target
        ("共有200多个单位参加", []),
    ],
)
def test_extract_round_8_modality_of_targets_to_come(
    sentence: str, expected: list[tuple[str, float | None, str]]
) -> None:
    got = extract_sentence(
        normalize_line(MappedText.from_raw(sentence), OpenccMode.T2S).text, Context(round_started=True)
    )
    assert [(r.indicator, r.value, r.modality) for r in got] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # units named as the owners of the problems fed back are not counted again
        ("巡察组向镇党委反馈甲村等5个村党组织存在的问题合计40个", [("problems_found", 40)]),
        # negatives: the same units inspected, or fed back to, are counted
        ("对甲村等5个村级党组织进行了巡察", [("villages_inspected", 5)]),
        ("向5个村级党组织反馈了巡察意见", [("villages_inspected", 5)]),
        # a count said not yet done is no figure
        ("到十一月末,反馈问题里仍有8家企业名下的40个问题未完成整改", []),
        ("上轮反馈的30个问题有9个未完成整改", [("problems_found", 30)]),
        # 对 after 的 opens a modifier of the problems fed back, not a frame closed by a later 整改
        (
            "针对巡察组反馈的对某项改革重视不够、作风不够严实等12个问题,镇党委逐条拟定整改措施40条",
            [("problems_found", 12)],
        ),
        # negative: 对 as the frame's opener before the problems
        ("对巡察反馈的12个问题立行立改", [("problems_resolved", 12)]),
        # 共性 is part of the noun (共性问题), not 共 before a total
        ("梳理出镇村党组织存在的30条共性问题", [("problems_found", 30)]),
        # a category of what was found (其中整改问题N个) is a part of it
        ("第二轮巡察共发现问题120个,其中整改问题100个", [("problems_found", 120), ("problems_found", 100)]),
        # negatives: said rectified in the breakdown, or a clause of its own, stays resolved
        ("发现问题120个,其中已整改问题100个", [("problems_found", 120), ("problems_resolved", 100)]),
        ("发现问题120个,整改问题100个", [("problems_found", 120), ("problems_resolved", 100)]),
        # negatives: the done part stays; a later clause on what is not done does not undo the count
        ("发现问题30个,已整改25个,5个未完成整改", [("problems_found", 30), ("problems_resolved", 25)]),
        ("发现问题30个,未整改的已督促", [("problems_found", 30)]),
    ],
)
def test_extract_round_8_owners_of_problems_and_unfinished_counts(
    sentence: str, expected: list[tuple[str, float | None]]
) -> None:
    assert records(sentence) == expected
