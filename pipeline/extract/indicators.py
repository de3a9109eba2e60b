"""Typing quantities as inspection indicators.

This is the file where a quantity becomes `villages_inspected`: each quantity found by
`quantities.py` gets its counted noun (after the measure word, before the number, or the
last one in the sentence when the report leaves it out) and its governing verb (the
nearest cue to the left in its clause, or the verb that closes a `对…开展巡察` frame).
The pair decides the type. Modality, subject and period come from the sentence and the
section around it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise

from pipeline.config import LEXICON_DIR, Segmenter
from pipeline.cues import INCLUDED_IN_NEXT
from pipeline.extract.quantities import Quantity, chinese_to_number, find_quantities
from pipeline.words import domain_tokenizer

INDICATOR_TYPES = (
    "orgs_inspected",
    "villages_inspected",
    "townships_inspected",
    "problems_found",
    "problems_resolved",
    "clues_transferred",
    "rounds",
    "coverage_rate",
    "suggestions_issued",
    "rules_established",
    "people_trained",
    "reports_submitted",
    "people_held_accountable",
)

CLAUSE_BOUNDARY = re.compile(r"[，；;。！？!?：:]|,(?!\d{3}(?!\d))")
ENUM_SEPARATORS = "、和及与"

# --- governing verbs (cues) --------------------------------------------------------------
CUES: list[tuple[str, str]] = [
    # (class, pattern); longer patterns first where they overlap.
    (
        "inspect",
        r"(?:巡察|巡视)(?:和|及|并)走访|政治体检|对村巡察|巡视巡察|巡乡带村|巡审联动|巡察|巡视|全覆盖|覆盖|进驻|派驻|圈定|“?回头看|杀?“?回马枪|“[\u4e00-\u9fff]{1,6}巡”|开展[^，,；;。]{0,6}?监督(?!检查)",
    ),
    (
        "find",
        r"发现|查找|查摆|查出|梳理出|排查出|指出|反馈|核实|确认|查实|收集|征集|(?<![仍还])存在|"
        # 但在A、B等方面还存在25个问题: a feedback's finding after its praise (not 目前还存在3个问题, still open)
        r"(?<=方面)[仍还]存在|"
        # the problems fed back, refined into items or analysed (细化为25个具体问题, 细化分解了10个问题, 剖析12个问题)
        r"细化分解了?|(?:细化|分解|梳理)(?:为|成)|剖析|对应(?=[^，,；;。]{0,4}[\d一二三四五六七八九十])",
    ),
    (
        "resolve",
        r"立行立改|立查立改|边巡边改|即知即改|解决|整改到位|整改|办结|办成|办理|化解|纠正|整治|清退|销号|完成|办(?=好?实事)",
    ),
    ("transfer", r"移交|移送|转交|转办|交办|上报(?=[^，,；;。]{0,8}纪(委|检))"),
    ("suggest", r"制发|下发|下达|发出|发放|印发|送达|提出"),
    ("rules", r"建章立制|整章建制|制修订|建立|健全|完善|出台|制定|制订|修订|修改|新建"),
    ("train", r"培训|轮训|调训|参训"),
    ("report", r"提交|报送|呈报|形成|撰写"),
    (
        "account",
        r"问责|处分|追责|诫勉谈话|诫勉|组织处理|纪律处理|(党政纪|党纪政纪|党纪|政纪)处理|责令辞职|免职|撤职|"
        # the forms of a sanction, as items of a breakdown (党纪处分9人(党内警告5人,留党察看1人…))
        r"(党内)?(严重)?警告(?!函|牌|标|信|线|灯|教育)|记大过|记过|降级|撤销党内职务|留党察看|开除党籍|开除公职|开除(?!学籍)|"
        r"调整[^，,；;。\d]{0,8}干部|(?<=种形态)处理|(?<!办理)(?<!妥善)处理(?=[^，,；;。\d]{0,8}(干部|党员|人员|责任人))",
    ),
    # Verbs that govern a count of something else: the search for a cue stops here.
    (
        "other",
        r"召开|评估|成立|组建|抽调|约谈|参会|参加|报道|刊发|举办|开设|设置|会商|商请|协助|走访|谈话|调阅|"
        r"受理|接待|收到|督导|调研|考核|宣传|推广|交流|入库|选派|选调|配备|派出|通报|列席|征求|召集|听取|组成(?!部门)|细化|分解|立案|审查调查|函询|了结|审计|"
        r"分为|划分为|分成|划为",
    ),
]
CUE_PATTERN = re.compile("|".join(f"(?P<{cls}>{pat})" for cls, pat in CUES))

# --- counted nouns -----------------------------------------------------------------------
NOUN_CLASSES: list[tuple[str, str]] = [
    ("clue", r"线索"),
    ("village", r"行政村|村\(社区\)|村|社区|嘎查"),
    ("township", r"乡镇|街道|乡|镇|苏木"),
    ("report", r"专题报告|综合报告|专题汇报|报告"),
    ("suggestion", r"建议书|意见建议|整改意见|建议|提醒函|意见书|意见(?=$|[：:])"),
    ("rule", r"制度文件|规范性文件|制度|机制|办法|规定|规章|细则|规范"),
    # rectification tasks count only as rectified (提出87项整改任务 finds nothing)
    ("task", r"整改任务"),
    ("problem", r"问题|短板|弱项|隐患|诉求|[实难急小烦揪操]心?事|急难愁盼|事项|难题"),
    (
        "org",
        r"党组织|党\(工\)委|党工委|党委|党组|党支部|单位|部门|企业|国企|高校|学校|院校|学院|医院|检察院|法院|研究院|公安|机关|对象|"
        r"开发区|园区|中心|平台|站所|机构|"
        r"县\(市、区\)|县\(市\)|市\(地\)|市\(州\)|县\(区\)|县区|市县|县直|市直|省直|区直|委办局|局|集团|公司|^地?[县市区]$",
    ),
    ("people", r"干部|人员|党员|同志|学员|骨干|领导"),
]


def _lexicon_nouns() -> list[tuple[str, str]]:
    """Counted nouns kept as data (corpora/lexicons/counted_nouns.txt): noun<TAB>class."""
    rows = []
    for line in (LEXICON_DIR / "counted_nouns.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            noun, cls = line.split("\t")[:2]
            rows.append((noun.strip(), cls.strip()))
    return rows


COUNTED_NOUNS = _lexicon_nouns()


def _with_lexicon(classes: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each class's pattern with the lexicon's nouns of that class in front, longest first."""
    out = []
    for cls, pat in classes:
        extra = sorted((re.escape(n) for n, c in COUNTED_NOUNS if c == cls), key=len, reverse=True)
        out.append((cls, "|".join([*extra, pat]) if extra else pat))
    return out


NOUN_PATTERN = re.compile("|".join(f"(?P<{cls}>{pat})" for cls, pat in _with_lexicon(NOUN_CLASSES)))
# A bare party body counted after named places closed by 等 belongs to them (对甲镇等4个党委: townships).
UNITS_OF_NAMED_PLACES = re.compile(r"单位(的)?(党组织|党委)?")
NAMED_OWNERS_BEFORE = re.compile(r"[\u4e00-\u9fff]{1,6}(?:(镇|乡|街道)|村|社区)等$")
# Party bodies take the class of what they belong to: 村党组织 counts villages, 乡镇党委 townships.
BELONGING_HEADS = ("党组织", "党委", "党(工)委", "党工委", "党组", "党支部", "机关", "两委")
PEOPLE_UNITS = {"人", "名", "人次", "万人次"}
# Counts of these are never indicators, whatever the verb.
NEVER_UNITS = {
    "次",
    "场",
    "场次",
    "期",
    "本",
    "张",
    "亩",
    "元",
    "万元",
    "亿元",
    "笔",
    "户",
    "个百分点",
    "方面",
    "大类",
    "类",
    "支",
    "宗",
}

TYPE_TABLE: dict[tuple[str, str], str] = {
    ("inspect", "org"): "orgs_inspected",
    ("inspect", "village"): "villages_inspected",
    ("inspect", "township"): "townships_inspected",
    ("find", "problem"): "problems_found",
    ("resolve", "problem"): "problems_resolved",
    ("resolve", "task"): "problems_resolved",  # 20项整改任务已全部整改到位
    ("transfer", "clue"): "clues_transferred",
    ("suggest", "suggestion"): "suggestions_issued",
    ("rules", "rule"): "rules_established",
    ("report", "report"): "reports_submitted",
    ("transfer", "report"): "reports_submitted",
    ("report", "suggestion"): "suggestions_issued",
    ("suggest", "rule"): "rules_established",  # 印发《…实施办法》等制度文件4项
    ("suggest", "problem"): "problems_found",  # 巡察组提出的4个方面28个具体问题
}

# Bodies that receive what a verb hands over (移交县纪委监委25件): not the counted noun.
RECIPIENT = re.compile(r"(纪委监委|纪委|监委|组织部|委员会|党委|政府|部门|机关|局|厅|办)$")
BREAKDOWN = re.compile(r"^(其中|包括|含|分别(是|为)?|涵盖)")
# Totals of a jurisdiction (全市2920个村; 全县16个乡镇、248个村) are the denominator, not what was inspected.
# Bodies an office works with, listed before the count: 与市纪委监委、市委组织部等12家单位.
PARTNER_LIST = re.compile(r"与[^，,。；;]{2,60}等$")
TOTAL_MARKER = re.compile(
    r"(全市|全县|全区|全省|全州|全旗|共有|现有|辖区内?|总数)([\dX×]+[个家所][^、，,。；;]{1,10}、)*$"
)
SUBJECT_FOLLOWERS = re.compile(r"^(联动)?(巡察|巡视|与|同步|开展|先后|共|累计|均|分别|已)")
CHANGE_WORDS = re.compile(r"(同比|环比|比上年|较上年|比去年|较去年)?(增长|增加|下降|减少|提高|提升|上升|降低)(了)?$")
RANGE_AFTER = re.compile(r"^\s*(至|到|-|~|—|－)\s*[\dXx一二三四五六七八九十两]")
RANGE_BEFORE = re.compile(r"[\d一二三四五六七八九十两]\s*(个|家|人)?\s*(至|到|-|~|—)\s*$")
ORDINAL_ROUNDS = re.compile(
    r"第([一二三四五六七八九十\d]+)轮?((?:[、,，和及至到](?:第)?[一二三四五六七八九十\d]+轮?)+)(?<=轮)|"
    r"第([一二三四五六七八九十\d]+)((?:[、,，和及至到](?:第)?[一二三四五六七八九十\d]+)+)轮"
)
# 3轮巡察; 1轮村级“三资”专项巡察: the inspection may follow after a short modifier, with no verb between.
ROUNDS_FOLLOWER = re.compile(r"^[^，,。；;、]{0,12}?(巡察|巡视)(?!干部|组|办|机构|人员)")
ROUNDS_EXCLUDE_BEFORE = re.compile(
    r"(每|第|(?<!此)前|(?<!此)后|上|下|本|这|该|新|最新|最近|同)$"
)  # 同一轮: the same round
COVERAGE_BEFORE = re.compile(
    r"覆盖(率|面|比例)[^，,。；;]{0,8}$|全覆盖(任务)?(完成|达到|达)(了)?$|完成(了)?[^，,。；;]{0,6}全覆盖(任务|目标)?的?$|覆盖[^，,。；;]{0,4}?(完成率|完成比例|进度)[^，,。；;]{0,4}$|占(应巡|应巡察|应巡视|应当巡察)[^，,。；;]{0,16}的$"
    # 对116个村开展巡察,完成任务数的65%: the share of the inspection task done
    r"|(^|[，,])完成(全覆盖)?任务(总)?数的$"
)
# 乡镇党委800个、占全省总数62%: the share of all such units that a count of inspected units makes.
SHARE_OF_TOTAL = re.compile(r"[、，,]?占[^，,。；;\d]{0,6}(总数|总量)的?$")
# Nouns that say the units were inspected (巡视点, 被巡察单位): counted without a verb.
INSPECTED_NOUN = re.compile(r"(巡视|巡察)点$|被(巡视|巡察)(单位|对象|党组织)$")
# 给予N人党纪处分: the people a sanction is given to (not a commendation or aid).
GIVEN_TO_PEOPLE = re.compile(r"给予$")
# People a course reached: a training named earlier in the sentence, then 覆盖(人数)达N人次 in a later clause.
TRAINING_REACH = re.compile(
    r"(培训|轮训|调训|集训)[^。；;]{0,30}[，,]\s*(共|累计)?覆盖[^，,。；;\d]{0,10}?(达到|达|共|为)?$"
)
NOT_SANCTION_AFTER = re.compile(r"^[^，,。；;]{0,8}(表彰|奖励|补贴|帮扶|慰问|救助|培训)")
FOUND_AND_RESOLVED = re.compile(r"发现(并|和|及)(推动|督促|促进)?(解决|整改|纠治|纠正|整治)")
# 发现并督促被巡视单位认真履职,立行立改有关事项50余件: found, then urged on, the fixing in the figure's clause.
FOUND_THEN_URGED = re.compile(
    r"发现(并|和|及)(推动|督促|促进)(?!解决|整改)[^。；;\dXx×]{0,40}[，,]$"
)  # no figure between

PLAN_HEADING = re.compile(
    r"规划|计划|打算|思路|下一步|展望|工作要点|今后|未来|目标任务|主要任务|重点任务|工作安排|"
    r"20\d\d年[^，,。；;]{0,6}(重点|要点|任务|安排|打算|计划|思路)"
)
# An interview question about a plan (作了哪些部署, 有哪些安排) makes its answer a plan.
PLAN_QUESTION = re.compile(r"部署|安排|打算|规划|计划|将|今后|下一步")
# The review section of a plan document reports results: 一、工作基础, 主要成效.
BACKGROUND_HEADING = re.compile(r"基础|回顾|成效|成绩|现状|形势|总结|取得|进展")
PLAN_SENTENCE = re.compile(
    r"(?<!按照)(?<!根据)(?<!按)计划(?!安排[，,])|规划期内|拟|圈定|力争|争取|预计|今后|下一步|明年|到20\d\d年(?!第)|每年安排|将(继续|持续|进一步|坚持|加强|深化|推动|开展|实现|"
    r"完成|组织|安排|围绕|重点|全面|深入|扎实|着力|聚焦|力争|对|再|要|于|在)|要(坚持|加强|持续|深化|推动|开展|实现|完成|组织|安排|对)"
)
PLAN_PASSAGE_START = re.compile(r"^(20\d\d)年[，,]?[^。]{0,30}?将")
# 将 followed, within its clause, by the verb it fronts the object of: 将…纳入/作为/放在….
PREPOSITIONAL_JIANG = re.compile(
    r"[^，,；;。]{0,24}?(纳入|作为|放在|摆在|融入|贯穿|转化|细化|列入|与|同|向|移交|反馈|交由|交给|分为|划分为|分成|划为)"
    # (将反馈的3个方面问题,细化分解为12个具体问题: the object, then a comma before the refining verb)
    r"|[^，,；;。]{0,24}?[，,](细化|分解)"
)
# 剩下3个村将在明年一季度完成巡察: the plan word follows the figure.
PLAN_AFTER = re.compile(r"^[^，,；;。]{0,6}?(将在|将于|将被|计划|拟于|力争在)|^[^，,；;。]{0,8}[，,]即将")
# (目前…正在对3个单位进行巡察: a round under way now reports results, also inside a plan)
PAST_SENTENCE = re.compile(
    r"已经|已|累计|先后|截至|以来|过去|上一届|上届|完成了|实现了|(目前|当前)[,，]?[^，,。；;]{0,12}正在(?=[^，,。；;]*(对|向))"
)
# A term named by its number (十二届省委任期内), in a passage that speaks of the new term.
PAST_TERM = re.compile(r"[一二三四五六七八九十]+届[^，,。；;]{0,6}(任期内|期间|以来)")
PLAN_TITLE = re.compile(r"规划|工作要点|工作计划|工作安排|实施方案")
# 2025年工作总结及2026年工作计划: a summary with a plan after it, so its sections decide, not its title.
SUMMARY_TITLE = re.compile(r"总结|回顾|综述|开展情况|工作情况|进展情况")

PERIOD = re.compile(
    r"(20\d\d)年(?:以来|度)?(?!\d*月)|本届(?:以来)?|换届以来|全年|今年以来|一年来|十年来|五年来|"
    r"党的十[八九]大以来|党的二十大以来|上半年|下半年|新一届|今后\d年|今后五年"
)
# Who inspected: a counted set of committees (10个县(市、区)委), a party committee (省委, 市委 …),
# or a named body (市委巡察办, 中央巡视组: pipeline.places.body_spans).
SUBJECT_COMMITTEES = re.compile(
    r"\d+个(?:县\(市、区\)|县\(市\)|县区|市\(地\)|市\(州\)|县|市|区)(?:党)?委|全国各市县|各市县|"
    r"(?:新一届|本届|[二三四五六七八九十]+届)?(?:省委|市委|县委|区委|州委|旗委|盟委)"
)


@dataclass(frozen=True)
class Context:
    """What the sentence's surroundings say: section headings, plan blocks, the document."""

    heading: str = ""
    question: str = ""
    passage: str = ""
    planned_block: bool = False
    plan_document: bool = False
    # The document reports its round as stationed or under way (各巡视组已全部进驻): its 将对… targets are achieved.
    round_started: bool = False
    # The document reports a round's deployment meeting (and no stationing): the targets it announces are planned.
    round_deployed: bool = False


@dataclass
class Indicator:
    indicator: str
    value: float | None
    masked: bool
    qualifier: str
    modality: str
    unit: str
    object: str
    subject: str | None
    period: str | None
    start: int  # span of the figure in the sentence
    end: int


def _clause_bounds(sentence: str, pos: int) -> tuple[int, int]:
    left = max((m.end() for m in CLAUSE_BOUNDARY.finditer(sentence, 0, pos)), default=0)
    right_match = CLAUSE_BOUNDARY.search(sentence, pos)
    return left, right_match.start() if right_match else len(sentence)


def noun_class(phrase: str) -> str | None:
    """Class of a noun phrase by its head (Chinese noun phrases are head-final)."""
    phrase = re.sub(r"(之一|[的\s])+$", "", phrase)  # 7个重点村(社区)之一
    phrase = re.sub(r"(?<=[村区])“?两委”?(班子)?$", "", phrase)  # 村“两委”班子 counts villages
    phrase = re.sub(r"\((延伸|含|包括|包含|涉及)[^()]*\)$", "", phrase)  # 4个乡镇(延伸到下辖村): an aside
    if re.search(r"问题(及|和|与)(问题)?线索$", phrase):
        return "problem"
    if phrase.endswith(")") and "(" in phrase and not NOUN_PATTERN.fullmatch(phrase):
        # 8个乡镇(社区): a bracketed gloss after the head does not change it (村(社区) is one noun)
        gloss_head = noun_class(phrase[: phrase.rfind("(")])
        if gloss_head:
            return gloss_head
    found = list(NOUN_PATTERN.finditer(phrase))
    # The head ends the phrase: 县(市、区)殡葬 is about funerals, not counties.
    if not found or found[-1].end() < len(phrase.rstrip(")》”")):
        if phrase.endswith(")") and "(" in phrase:
            return noun_class(phrase[: phrase.rfind("(")])  # 17个市州(直管市、林区): a bracketed gloss
        return None
    head = found[-1]
    if head.group(0) in BELONGING_HEADS:
        owners = [m.lastgroup for m in found[:-1] if m.lastgroup in ("village", "township")]
        if owners:
            return owners[-1]
    return head.lastgroup


UNCLOSED_BRACKET = re.compile(r"[(（][^()（）]*$")


def _noun_after(sentence: str, q: Quantity, clause_end: int) -> str:
    """The counted noun after the measure word: up to a separator, a cue verb or another number
    (a separator inside brackets, as in 县(市、区), does not end it)."""
    tail = sentence[q.end : clause_end]
    if re.match(r"[(（][^()（）]*?[\dXx]", tail):
        # 移交问题线索6条(其中…4条), 处分9人(警告5人…): brackets with counts after the count open a breakdown,
        # no noun (not a gloss: 57个(社区)村党组织)
        return ""
    if re.match(r"(全部)?(整改|解决|办结)(完毕|到位|完成)", tail):
        return ""  # 已有14项整改完毕: said done, the noun is elided
    unclosed = UNCLOSED_BRACKET.search(tail)
    if unclosed and noun_class(_noun_prefix(tail[: unclosed.start()].strip()) or "-"):
        # 指出的12项问题(含: a bracket that does not close in the clause (a line cut inside it, or a breakdown
        # running over commas) is no part of the noun before it
        tail = tail[: unclosed.start()]
    modifier = INSPECTED_MODIFIER.match(tail)
    if modifier:
        # 40家被巡察单位党组织, 40个已巡察过的村(社区): the modifier says what was done to the noun.
        rest = sentence[q.end + modifier.end() : clause_end]
        head = NOUN_PATTERN.search(_noun_prefix(rest) or rest[:12])
        if head and head.lastgroup in ("org", "village", "township"):
            return rest[: head.end()]
    stop = len(tail)
    for m in re.finditer(
        rf"[{ENUM_SEPARATORS}]|[\dXx×]|开展|进行|实施|完成|接受|共(?!性)|(?<![高中初同平对])等(?!级)|(?<!成)就(?![业医学餐近地])",
        tail,
    ):
        if tail.count("(", 0, m.start()) > tail.count(")", 0, m.start()):
            continue
        stop = m.start()
        break
    cue = CUE_PATTERN.search(tail, 0, stop)
    # A noun may contain a cue word (巡察对象, 巡视整改问题): only cut at cues that follow a noun head.
    if cue and cue.start() > 0 and noun_class(tail[: cue.start()]):
        stop = cue.start()
    elif (
        cue
        and cue.lastgroup == "inspect"
        and (manner := INSPECTION_MANNER.search(tail, 0, cue.start()))
        and noun_class(tail[: manner.start()])
    ):
        stop = manner.start()  # 4个二级机构联动巡察: the manner of the inspection is no part of the noun
    noun = _noun_prefix(tail[:stop].strip())
    whole = tail[:stop].strip()
    if (
        (not noun or not noun_class(noun))
        and whole
        and len(whole) <= 14
        and noun_class(whole)
        and not CUE_PATTERN.search(whole)  # (9个县(市、区)委巡察党组织: the agent and its verb)
    ):
        # 15个行业扶贫部门, 6个政府组成部门: a word jieba tags as a verb inside the noun (扶贫, 组成)
        # does not end it when the words up to the next separator end in a noun head.
        noun = whole
    if not re.search(r"[\u4e00-\u9fff]", noun):
        noun = ""  # (62个县直单位已完成巡察51个): a bracket is not a noun
    first = domain_tokenizer(Segmenter.FAST).tag(tail[:stop])[:1]
    if not noun and first and first[0].pos == "v" and not NOT_NOUN.fullmatch(first[0].token):
        # jieba may tag the noun's first word as a verb (联合巡察组): keep the words up to a verb
        # that can follow a count (完成本届巡察 still gives no noun).
        noun = re.split(r"开展|进行|实施|完成|接受|纳入|已|均|将|被|并", tail[:stop], maxsplit=1)[0]
    if noun and not noun_class(noun) and tail[stop : stop + 1] in ENUM_SEPARATORS:
        # 近200个地方、部门和单位党组织: a list of modifiers shares the head noun at its end.
        items = re.split(rf"[{ENUM_SEPARATORS}]", re.split(r"[\dXx×]", tail, maxsplit=1)[0])
        last = _noun_prefix(items[-1]) if len(items) > 1 else ""
        at = tail.find(last, stop) if last and noun_class(last) else -1
        if at >= 0:  # (not found when the list stands inside a bracket left open before the stop)
            return tail[: at + len(last)]
    return noun


# 巡察机构, 巡视办, 巡察组: the inspection word names a body, it is no verb.
INSPECTING_BODY_AFTER = re.compile(r"机构|办公室|办(?!理|结|成)|组(?!织)|工作领导小组|干部")
# How an inspection is run, said between the counted noun and the verb (4个二级机构联动巡察).
INSPECTION_MANNER = re.compile(r"(联动|交叉|提级|常规|专项|机动|延伸|集中|同步)$")
# Words jieba tags as nouns that end a counted noun phrase in these reports.
NOT_NOUN = re.compile(
    r"细化|分解|梳理|汇总|纳入|全部|均|都|分别|已|已经|先后|逐一|同步|共|累计|其中|全面|近|近年|近年来|首次|再次"
)
TEAM_NOUN = re.compile(r"^[^、，,。；;对向]{0,8}?(巡视|巡察|督导|督查|检查|调研|工作|专项)组(?!织)")
# What was done to the counted units, said before their noun: 被巡察单位, 已巡察过的村.
# 6个已巡察市直部门: 已 with the verb says it as well as 过的 does.
INSPECTED_MODIFIER = re.compile(
    r"^((已经?|曾)?被(巡察|巡视)(过)?的?|(已经?|曾)?(巡察|巡视)过的|(已经?|曾)(巡察|巡视)(?![组办]))"
)


def _noun_prefix(text: str) -> str:
    """The leading noun phrase of `text`: tokens up to the first verb, preposition, conjunction,
    adverb or particle (问题细化为整改措施 → 问题). Brackets stay inside the phrase."""
    out: list[str] = []
    depth = 0
    for tok in domain_tokenizer(Segmenter.FAST).tag(text):
        if tok.token in "(（":
            depth += 1
        elif tok.token in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and (
            (tok.pos[:1] in "vpcduf" and tok.pos != "vn") or tok.pos == "ad" or NOT_NOUN.fullmatch(tok.token)
        ):  # (an adjective used as an adverb, 问题认真整改, ends it too)
            break
        elif (
            depth == 0
            and out
            and (tok.token.startswith("在") or re.match(r"[近第][\d一二三四五六七八九十两]", tok.token))
        ):
            break  # 党组织在籍山镇…: jieba joins the preposition to the next word
        out.append(tok.token)
    return "".join(out)


def _noun_before(sentence: str, q: Quantity, clause_start: int, previous: list[Seen]) -> str:
    """The noun right before the number (巡察党组织135家 → 党组织); empty when what stands
    there is the recipient of the verb (移交县纪委监委25件 → the noun is elided)."""
    ends = [s.quantity.end for s in previous if s.quantity.end <= q.start]
    # 存在问题6大类30项: the groups stand between the noun and the items; the noun is before them.
    groups = [s.quantity for s in previous if s.quantity.end == q.start and s.quantity.unit in GROUP_UNITS]
    if groups:
        ends = [e for e in ends if e <= groups[0].start]
    start = max([clause_start, *ends])
    head = sentence[start : groups[0].start if groups else q.start]
    head = re.sub(r"(其中|包括)[，,]?$", "", head)  # 其中35个: no noun before the figure
    head = re.sub(
        r"(之中的|当中的|中的|中|内|里|的)?(已经|已|均|共|共计|总计|合计|累计|高达|多达|更是|达|达到|为|是|有|已有|计)*$",
        "",
        head,
    )
    mixed = re.search(r"问题(及|和|与)(问题)?线索$", head)
    if mixed:
        return head[mixed.start() :]  # 问题及线索7000余件: counted as problems
    head = re.sub(r"的$", "", head)
    head = re.sub(r"(不少于|不低于|至少|不超过|不到|不足|超过|约|近)$", "", head)
    cut = max(
        [m.end() for m in re.finditer(rf"[{ENUM_SEPARATORS}]", head)]
        + [m.end() for m in CUE_PATTERN.finditer(head)]
        + [m.end() for m in re.finditer(r"[\dXx×%]", head)]
        + [0]
    )
    noun = re.sub(r"^(等|了|过)", "", head[cut:].strip())  # A、B等制度15项: the noun is 制度; 进驻了23个: none
    handed_to = re.search(r"(移交|移送|转交|转办|交办|报送|提交|呈报|给|向)$", head[:cut])
    return "" if RECIPIENT.search(noun) and (handed_to or not noun_class(noun)) else noun


def _cue_region_end(sentence: str, clause_start: int, pos: int) -> int:
    """Where to stop looking for the verb: before an `A、B等` list that is part of the noun."""
    region = sentence[clause_start:pos]
    # (…等5个方面16条问题: groups between the list and its items)
    m = re.search(r"等(?:[\d一二三四五六七八九十]+个?(?:方面|类|大类))?([\u4e00-\u9fff()]{0,8})$", region)
    if m and "、" in region[: m.start()] and not CUE_PATTERN.search(m.group(1)):
        return clause_start + region.index("、")
    return pos


def _sentence_bounds(sentence: str, start: int, end: int) -> tuple[int, int]:
    """The stretch around [start, end) between full stops and semicolons (the unit a 对 frame or a
    topic spans; our sentences can hold several, split only at 。！？)."""
    left = max(sentence.rfind(c, 0, start) for c in "；;。") + 1
    right = min([i for i in (sentence.find(c, end) for c in "；;。") if i >= 0] + [len(sentence)])
    return left, right


def _cues_left(sentence: str, clause_start: int, pos: int) -> list[re.Match[str]]:
    """Cues before `pos` in the clause, nearest first. A verb right before 类 names a kind of the counted
    noun (整改类问题, 线索移送类问题), not what was done with it: it is no cue."""
    found = CUE_PATTERN.finditer(sentence, clause_start, _cue_region_end(sentence, clause_start, pos))
    return [m for m in found if not KIND_AFTER.match(sentence, m.end())][::-1]


# 整改类问题, 线索移送类问题: a verb before 类 is a kind's name (not 类 as a measure word after a numeral).
KIND_AFTER = re.compile(r"类(?=[^，,；;。\d一二三四五六七八九十]{0,6}问题)")


def _governing_cue(
    cues: list[re.Match[str]], noun_cls: str | None, people: bool, sentence: str, pos: int
) -> re.Match[str] | None:
    """The nearest cue that can govern this noun (制发巡察建议书: 制发, not 巡察); a verb that
    counts something else (召开, 评估 …) ends the search, unless it stands inside an `…等` list
    (完善耕地保护考核等制度机制) or is negated (整改不到位问题: not resolved)."""
    negated_at = -1
    for m in cues:
        cls = m.lastgroup
        if NEGATED_AFTER.match(sentence, m.end()):
            negated_at = m.start()
            continue
        if 0 <= negated_at - m.end() <= 1:
            continue  # 落实审计整改不到位问题: the verb joined to the negated one is part of the noun too
        if cls == "inspect" and INSPECTING_BODY_AFTER.match(sentence, m.end()):
            continue  # 县委巡察机构联合组织部门将全县448个村…: the inspecting body's name, not its verb
        if cls == "other" and ("等" in sentence[m.end() : pos] or NOUN_PATTERN.match(sentence, m.end())):
            continue  # inside the counted noun: …等制度机制, 审计干部
        if cls == "other":
            break
        if people and cls in ("train", "account"):
            return m
        if not people and (cls, noun_cls) in TYPE_TABLE:
            return m
    # The nearest cue, unless it is negated (整改不到位问题 counts no rectified problems).
    return next(
        (
            m
            for m in cues
            if not NEGATED_AFTER.match(sentence, m.end())
            and not (m.lastgroup == "inspect" and INSPECTING_BODY_AFTER.match(sentence, m.end()))
        ),
        None,
    )


# 针对A、B、C3个乡镇党委开展了常规巡察: 针对 opens a frame too, but only one its clause closes with an
# inspection of the counted units (针对巡察发现的12个问题,… keeps the verb inside its modifier).
ZHENDUI_FRAME_CLOSE = re.compile(r"[^，,；;。的]{0,10}?(开展|进行|实施)了?[^，,；;。]{0,6}?(巡察|巡视)")


def _frame_cue(sentence: str, q: Quantity, noun_cls: str | None = None) -> str | None:
    cue = _dui_frame_cue(sentence, q, noun_cls)
    if cue is not None or noun_cls not in ("org", "village", "township"):
        return cue
    start, _ = _sentence_bounds(sentence, q.start, q.end)
    opener = sentence.rfind("针对", start, q.start)
    if opener < 0 or re.search(r"[，,；;]", sentence[opener : q.start]):
        return None
    if CUE_PATTERN.search(sentence, opener + 2, q.start):
        return None
    return "inspect" if ZHENDUI_FRAME_CLOSE.match(sentence, q.end) else None


def _dui_frame_cue(sentence: str, q: Quantity, noun_cls: str | None = None) -> str | None:
    """`对…开展巡察`, `将…纳入巡察`: the quantity sits between 对/将/把 and the verb closing the frame.

    The frame may run over several commas (对A等9个学院党组织,B等6个部门党组织…开展常规巡察); a
    verb between the opener and the figure leaves the frame only inside a modifier ending in 的
    (对上一年度巡察的14家单位开展…). 对 frames close on the head verb of their clause (开展巡察整改
    专题培训 → 培训); 将/把 frames on their first verb (将12项问题细化为整改任务 → 细化)."""
    sentence_start, sentence_end = _sentence_bounds(sentence, q.start, q.end)
    openers = list(FRAME_OPENERS.finditer(sentence, sentence_start, q.start))
    if not openers:
        return None
    opener = openers[-1]
    if opener.group(0) in "将把" and re.search(
        r"作为|纳入|列入|放在|摆在|转化为|细化为", sentence[opener.end() : q.start]
    ):
        return None  # 把群众满意作为检验标准, …: the 把 frame closed before the figure
    between = list(CUE_PATTERN.finditer(sentence, opener.end(), q.start))
    if between:
        modifier = sentence[between[-1].end() : q.start]
        if not re.search(r"的[^，,；;。的]{0,10}$", re.sub(r"《[^》]*》", "", modifier)):
            return None
        # 解决群众反映强烈的问题XX件: the 的 modifies a noun standing before the figure, not the figure.
        after_de = modifier[modifier.rfind("的") + 1 :]
        if NOUN_PATTERN.search(re.split(r"[\dXx×]", after_de)[0]):
            return None
    pos = q.end
    while pos < sentence_end:
        clause_end = _clause_bounds(sentence, pos)[1]
        closing = list(CUE_PATTERN.finditer(sentence, pos, min(clause_end, sentence_end)))
        if closing and opener.group(0) in "将把":
            # 将反馈的36个问题细化为…: a verb of form, not of counting; the modifier's verb decides.
            return None if closing[0].lastgroup == "other" else closing[0].lastgroup
        if closing:
            last = closing[-1]
            fitting = [c for c in closing if (c.lastgroup, noun_cls) in TYPE_TABLE]
            if noun_cls and last.lastgroup == "find" and (last.lastgroup, noun_cls) not in TYPE_TABLE and fitting:
                return fitting[-1].lastgroup  # 对6个二级党组织巡察情况的反馈意见: the verb that fits the noun
            if last.group(0) == "反馈" and noun_cls in ("org", "village", "township"):
                return "inspect"  # 对7家分公司进行视频反馈: the units a team reports back to are those it inspected
            if last.lastgroup == "other":
                # 开展巡察和经济责任审计: coordinated verbs, the inspection one counts.
                # (对17家单位全覆盖开展经济责任审计、跟踪审计: the inspection word is no verb joined to the audit.)
                joined = [
                    c
                    for c, nxt in pairwise(closing)
                    if c.lastgroup == "inspect" and re.search(r"[和及与、]", sentence[c.end() : nxt.start()])
                ]
                if joined:
                    return "inspect"
            return last.lastgroup
        pos = clause_end + 1
        if re.match(r"(?<![针面相绝核比应反])对(?![照接象标于比应])", sentence[pos : pos + 1]):
            return None  # 对A突出…,对B突出…: the next clause opens its own frame
    return None


def _cls(m: re.Match[str] | None) -> str | None:
    return m.lastgroup if m else None


@dataclass(frozen=True)
class Seen:
    """A quantity already typed in this sentence: enumerations and ellipses refer back to it."""

    quantity: Quantity
    kind: str | None
    noun: str | None
    cue: str | None
    noun_cls: str | None = None


# Verbs whose object is implied: 建章立制31项 counts rules, 已完成整改33个 counts problems.
IMPLIED_NOUN = {
    "完成": "problem",
    "建章立制": "rule",
    "整章建制": "rule",
    "整改": "problem",
    "整改到位": "problem",
    "立行立改": "problem",
    "解决": "problem",
    "对村巡察": "village",
}
# A count said not yet done right after it (…的52个问题未完成整改; 有11个未完成整改): no figure.
UNFINISHED_AFTER = re.compile(r"^(仍|尚|还|仍然)?(未|没有|未能)(完成|全部)?(整改|解决|销号|办结|完成)")
NEGATED_AFTER = re.compile(r"不到位|不力|不彻底|未完成|未到位|不实")
NEGATED = re.compile(r"(未|尚未|没有|未能|待|仍未|暂未|正在|仍在|持续|继续)[^，,。；;]{0,4}$")
# Post-nominal verbs: 选取2个乡镇开展提级巡察, 已有1102个完成本届巡察, 完成125个村的巡察任务.
# 20个地区和单位将被巡视; 31个省区市巡视报告 (a report on each unit inspected). Units that run their own
# inspection (75家中央和国家机关开展了内部巡视, 31所高校全部开展巡视巡察, 3个县开展了2轮巡察) are its agents,
# not its targets.
POST_VERB = re.compile(
    r"^(?![^，,；;。]{0,10}(内部(巡视|巡察)|探索(开展|实行|推行)|巡视巡察|开展了?[\d一二三四五六七八九十两]+轮))(将|已|均|已经|先后|同步)?被?([^，,；;。]{0,8}?((开展|展开|进行|实施|接受|完成|纳入)[^，,；;。]{0,12}?|的)"
    r"(常规|专项|机动|提级|交叉|联动)?(巡察|巡视)|(又|再次|也|均)?被(选中|圈定)(?=$|[，,。；;])|(开展|进行|实施)了?[^，,；;。]{0,6}?“?回头看|(全面|常规|专项|机动|提级|交叉|政治)?(巡察|巡视)(全覆盖|报告)?(?=$|[，,。；;])|[^，,；;。]{0,8}?被(常规|专项)?(巡察|巡视)(?=$|[，,。；;]))"
    r"(?!干部|组|办|机构|人员|力量|工作人员)"
)
# The same for other verbs: 问题线索11条,已全部移交…; 6名同志参加…培训; 2名村干部被责令辞职.
POST_CUES = [
    ("transfer", re.compile(r"^[，,]?(已|均|已经)?(全部|全数)?(移交|移送)")),
    ("train", re.compile(r"^(参加|参与|接受)[^，,；;。]{0,20}培训|^的[^，,；;。]{0,4}(培训|轮训)(?!班)")),
    ("account", re.compile(r"^(被|受到)[^，,；;。]{0,8}(问责|处分|责令辞职|免职|撤职|追责|诫勉)")),
    # 分解出的26个具体问题、29项整改措施已完成: said done after the noun (for problems only, see TYPE_TABLE)
    ("resolve", re.compile(r"^[^，,；;。]{0,20}?(已|均已|已全部|全部)(整改)?(完成|到位|销号)")),
    # 已有14项整改完毕: said rectified right after the count
    ("resolve", re.compile(r"^(全部)?(整改|解决|办结)(完毕|到位|完成)(?=$|[，,；;。])")),
    # 其中35个已整改: said rectified, the clause ends there
    ("resolve", re.compile(r"^(已|均已|已全部|全部)(整改|解决)(?=$|[，,；;。])")),
    # 移交的6个立改问题和8件信访件,均已办结: said done in the next clause, with no count of its own
    (
        "resolve",
        re.compile(
            r"^([和及、][^，,。；;\d]{0,4}\d+[^，,。；;]{0,8})?[，,]\s*(均已|已经|已)(全部)?(办结|整改(完毕|到位)?|解决|完成)"
            r"(?=$|[，,；;。])"
        ),
    ),
    # 对3个问题及时整改: promptly fixed (not 认真抓好整改, a pledge)
    ("resolve", re.compile(r"^(及时|立即|迅速|当即)(整改|纠正|解决)(到位|完毕)?(?=$|[，,；;。并])")),
    # 136件群众关心的问题得到有效解决: said solved after the noun
    ("resolve", re.compile(r"^[^，,；;。]{0,20}?(得到|获得)[^，,；;。]{0,4}(解决|整改)")),
]


def _place_bodies_inspected(after_noun: str, frame: str | None, cues: list[re.Match[str]]) -> bool:
    """The place's bodies after its count are what an inspection verb before them, or one closing the 对 frame
    after them, inspects (not 对7个县巡察机构开展专项检查: a check of the inspecting bodies)."""
    bodies = PLACE_BODIES.match(after_noun)
    if bodies is None:
        return False
    if cues and cues[0].lastgroup == "inspect":
        return True
    rest = re.split(r"[，,。；;]", after_noun[bodies.end() :], maxsplit=1)[0]
    return frame == "inspect" and re.search(r"巡察|巡视|进驻", rest) is not None


# Units the feedback of a round went to (首批反馈的6家单位): inspected.
FED_BACK_UNITS = re.compile(r"(巡视|巡察|首批|本批|集中)反馈(了)?的$")
# A place's own bodies after its count, in an inspection frame (对5个县的纪委监委机关、组织部门开展提级巡察;
# 对12个县市区农田建设工作领导小组开展专项巡察): one body per place, the places count the units inspected.
PLACE_BODIES = re.compile(
    r"^的?[^，,。；;\d]{0,30}?(纪委监委机关|机关|组织部门?|巡察机构|领导小组|民政局|[^，,。；;、]{1,8}局|相关部门(\(单位\))?)"
    r"(?=$|[、，,和及]|开展|进行|实施|的进驻)"
)
# 对/将/把 as prepositions; not 针对, 对照, 对接, 比对, 将来, 把关 ….
TOPIC = re.compile(r"^(?:对于|关于)?(?:[^，,；;。]*的)?([\u4e00-\u9fff]{2,8}?)(?:方面|上)?[，,]")
# (反馈的对某改革重视不够等18个问题: 对 after 的 opens a modifier of the problems, not a frame)
FRAME_OPENERS = re.compile(r"(?<![针面相绝核比应反的])对(?![照接象标于比应])|将(?![来近])|把(?![关握])")
PLACE_HEAD = re.compile(r"(县\(市、区\)|县\(市\)|市\(地\)|市\(州\)|县\(区\)|县区|市县|县市|地市|^地?[县市区])$")
PLACE_FOLLOWER = re.compile(
    r"^($|[、，,。；;和及与]|以及|时(?!间)|(首次|再次|又|也|同步|集中)?(开展|进行|实施)|接受|完成|纳入|的[^，,。；;]{0,4}(巡察|巡视|“?政治体检)|党|委|纪委|(全面|常规|专项)?(巡察|巡视)(全覆盖|“?回头看)?($|[，,。；;”])|杀?“?回马枪|突出|聚焦|重点|围绕|紧盯|着重|侧重|就(?![业医学餐近地])|特别是|尤其是|(?:(?!开展|进行|实施|组织)[\u4e00-\u9fff]){2,8}?专项(巡察|巡视)(?!组|办|干部)|“?一对一”?反馈|反馈)"
)


def classify_quantity(sentence: str, q: Quantity, previous: list[Seen]) -> Seen:
    """Type one quantity: its indicator (or None), counted noun and governing cue class."""
    none = Seen(q, None, None, None)
    clause_start, clause_end = _clause_bounds(sentence, q.number_start)
    before_text = sentence[: q.start]
    households_of_units = q.unit == "户" and re.match(r"(被(巡察|巡视)|[^，,。；;]{0,6}(企业|单位))", sentence[q.end :])
    if (
        (q.unit in NEVER_UNITS and not households_of_units)
        or not q.unit
        or (q.is_chinese and q.value == 1 and q.unit not in ("轮", "轮次"))
    ):
        return none  # 一个 is an article far more often than a count
    if q.unit == "个" and re.match(r"(多)?(月|星期|小时|工作日|季度)", sentence[q.end :]):
        return none  # 为期两个月: a duration
    if re.search(r"关于[^，,。；;]{0,20}$", before_text) and re.match(
        r"[^，,。；;]{0,12}的(意见|通知|决定|办法|方案|规定|实施细则)", sentence[q.end :]
    ):
        return none  # 关于完善…五项制度的意见: a count in a document's name
    if (
        CHANGE_WORDS.search(before_text)
        or RANGE_AFTER.match(sentence[q.number_end :])
        or RANGE_BEFORE.search(before_text)
        or before_text.endswith("第")
    ):
        return none
    if q.is_percent:
        kind = "coverage_rate" if COVERAGE_BEFORE.search(before_text) else None
        share = SHARE_OF_TOTAL.search(before_text)
        if kind is None and share and previous and previous[-1].kind in UNIT_KINDS:
            kind = "coverage_rate" if previous[-1].quantity.end >= share.start() - 1 else None
        return Seen(q, kind, "覆盖率", "inspect")
    if q.unit in ("轮", "轮次"):
        return _rounds(sentence, q, clause_start, clause_end)
    if (
        q.unit == "个"
        and sentence.startswith("轮次", q.end)
        and re.search(r"巡视|巡察", sentence)
        and not ROUNDS_EXCLUDE_BEFORE.search(before_text)
    ):
        return Seen(q, "rounds", "巡察" if "巡察" in sentence else "巡视", "inspect")  # 先后安排8个轮次

    cues = _cues_left(sentence, clause_start, q.start)
    statement = FEEDBACK_STATEMENT.match(sentence[q.end :])
    statement_cls = noun_class(statement.group(1)) if statement else None
    if (
        statement
        and statement_cls in UNIT_KIND_OF
        and "反馈" in sentence[: q.start]
        and q.unit not in NOT_UNIT_MEASURES
    ):
        # 反馈意见后,11个村党组织书记作表态发言: at a feedback meeting the units speak through their heads
        return Seen(q, UNIT_KIND_OF[statement_cls], statement.group(1), "inspect", statement_cls)
    if q.unit in PLACE_MEASURES and re.match(r"[直委级属管会长]", sentence[q.end : q.end + 1]):
        return none  # 2省直单位, 4省委: the word goes on, no provinces counted
    if q.unit in PLACE_MEASURES and re.search(r"(上述|前述|以上|这|该)$", before_text):
        return none  # 上述四省: the provinces named before, no new count
    noun = (
        q.unit if q.unit in PLACE_MEASURES else _noun_after(sentence, q, clause_end)
    )  # 辽宁等4省: the measure is the place
    noun_cls = noun_class(noun) if noun else None
    if noun_cls == "org" and (noun in BELONGING_HEADS or UNITS_OF_NAMED_PLACES.fullmatch(noun)):
        # 对甲镇等4个党委, 对乙村、丙社区等6个党组织: the named items before 等 say whose bodies they are
        owner = NAMED_OWNERS_BEFORE.search(before_text)
        if owner and not re.search(r"[\d个辖]", owner.group(0)):  # (…所辖16个村等26个单位: a mixed total)
            noun_cls = "township" if owner.group(1) else "village"
    if noun and noun_cls is None and noun.endswith("时") and noun_class(noun[:-1]):
        noun = noun[:-1]  # 巡视29个县时发现: jieba joins the time word to the place
        noun_cls = noun_class(noun)
    elided = False
    if not noun:
        before_noun = _noun_before(sentence, q, clause_start, previous)
        if before_noun:
            noun, noun_cls = before_noun, noun_class(before_noun)
        else:
            noun, noun_cls = _elided_noun(sentence, q, clause_start, cues, previous)
            elided = True
    site = re.match(r"(巡视|巡察)点", noun) if noun_cls is None else None
    if site and sentence.startswith(noun, q.end):
        noun, noun_cls = site.group(0), "org"  # 13个巡视点中 (jieba joins 点中), 13个巡视点的动员会
    frame = _frame_cue(sentence, q, noun_cls)
    unit_noun = noun_cls in ("org", "village", "township")
    if unit_noun and frame != "inspect" and (_feedback_frame(sentence, q, noun) or FED_BACK_UNITS.search(before_text)):
        frame = "inspect"  # 向31个省区市反馈巡视情况; 三户被巡察企业
    if (
        unit_noun
        and frame != "inspect"
        and re.search(r"向[^，,。；;]{0,12}$", sentence[clause_start : q.start])
        and HANDED_TO_UNITS.match(sentence[q.end :])
    ):
        return Seen(q, None, noun, None)  # 向8个乡镇和16个部门移交群众诉求: the units receive, they are not inspected

    if TEAM_NOUN.match(noun) or re.search(
        r"(每(个|一个)?|(即|如|比如)[1一]个)[^，,。；;]{0,4}组[^，,。；;]{0,6}$", sentence[clause_start : q.start]
    ):
        return Seen(q, None, noun, None)  # 10个巡视组, 每个组巡视两家单位: teams and per-team loads are not counts
    if noun_cls == "village" and re.search(r".(所辖|下辖)", noun):
        return Seen(q, None, noun, None)  # 6个镇所辖村: the hosts of the villages, not the villages
    if q.unit in GROUP_UNITS | {"个"} and re.match(r"^(方面|大类|类)", noun) and sentence.startswith(noun, q.end):
        return Seen(q, None, noun, None)  # 4个方面主要问题: groups of problems, not problems
    # What follows the counted noun (or the figure, when the noun stood before it or was elided).
    after_noun = sentence[q.end + len(noun) :] if noun and sentence.startswith(noun, q.end) else sentence[q.end :]
    # A place is counted only as a whole; followed by another noun it is a modifier:
    # 10个县(市、区)殡葬、养老服务…等4个领域 counts fields, not counties.
    if (
        noun_cls == "org"
        and PLACE_HEAD.search(noun)
        and not PLACE_FOLLOWER.match(after_noun)
        and not _place_bodies_inspected(after_noun, frame, cues)
        and not (re.search(r"在(巡视|巡察)$", before_text) and after_noun.startswith("中"))  # 在巡视20个县中
    ):
        return Seen(q, None, noun, None)
    # A body followed by its own verb is the agent, not the object: 10个县(市、区)委巡察1975个…
    frame_list_item = (
        before_text.endswith("、")
        and bool(previous)
        and previous[-1].kind in UNIT_KINDS
        and "对" in sentence[clause_start : q.start]
    )  # 安排对19个县开展常规巡视、7个平台党工委开展专项巡视: the next target of the frame, not an agent
    if (
        frame is None
        and not frame_list_item
        and noun.endswith(("委", "巡察组", "巡视组", "巡察办", "巡视办", "巡察机构", "巡视机构"))
        and SUBJECT_FOLLOWERS.match(after_noun)
    ):
        return Seen(q, None, noun, None)
    # 在已移交的40件线索中; 在巡视20个县(市、区)中: the verb names them, they are no denominator
    named_by_verb = (
        (re.search(r"在[^，,。；;]{0,6}的$", before_text) and cues)
        or re.search(r"在(巡视|巡察)$", before_text)
        # 巡察反馈的10个方面44个具体问题中,41个…: the problems fed back are counted, then their done part
        or (noun_cls == "problem" and re.search(r"(巡察|巡视)(组)?(反馈|指出)的[^，,。；;的]{0,10}$", before_text))
    )
    if re.search(r"总数|总量|应巡", noun) or (
        re.match(r"(中的|中有|当中|之中|中已|中[，,])", after_noun)
        and not INSPECTED_NOUN.search(noun)
        and not named_by_verb
    ):
        return Seen(q, None, noun, None)  # 应巡察党组织总数46个: the denominator
    if noun_cls in ("problem", None) and UNFINISHED_AFTER.match(after_noun):
        return Seen(q, None, noun, None)  # 34个问题有11个未完成整改, 52个问题未完成整改: not done, no figure
    if unit_noun and re.match(r"(所)?存在的", after_noun) and re.search(r"反馈|指出|发现", before_text):
        return Seen(q, None, noun, None)  # 反馈甲村等5个村级党组织存在的问题: the units own the problems fed back
    if unit_noun and UNITS_QUALIFY_PEOPLE.match(after_noun):
        return Seen(q, None, noun, None)  # 3个设区市的市委书记, 11个单位“一把手”: the units qualify people
    if (
        unit_noun
        and cues
        and cues[0].group(0) in ("发现", "查找", "查出", "查摆")
        and not sentence[cues[0].end() : q.start].strip("了 ")
    ):
        return Seen(q, None, noun, None)  # 巡视组发现20个地区党组织存在…问题: where problems were found
    if (
        unit_noun
        and re.match(r"^[^，,。；;]{0,4}(开展|进行|组织)了?[\d一二三四五六七八九十两]+轮", after_noun)
        and not (frame == "inspect" and re.search(r"对(其中)?$", sentence[clause_start : q.start]))
    ):
        # 8个县市开展了1轮巡察: the units ran the rounds themselves (not 对其中8家单位开展了一轮“回头看”: targets)
        return Seen(q, None, noun, None)
    if unit_noun and DENOMINATOR_AFTER.match(after_noun):
        return Seen(q, None, noun, None)  # 62个县直单位已完成巡察51个: 62 is the whole
    if noun_cls == "problem" and _fed_back_problems(sentence[clause_start : q.start], after_noun):
        return Seen(q, "problems_found", noun, "find", noun_cls)  # 对反馈的3个方面12个问题制定整改措施
    if noun_cls in ("problem", "task") and ITEMS_DONE_AFTER.match(after_noun):
        return Seen(q, None, noun, None)  # 58项整改任务已完成53项: 58 is the whole, 53 the rectified part
    list_closed = (
        noun_cls == "problem"
        and not sentence.startswith(noun, q.end)
        and re.search(r"等[^，,。；;\d]{0,8}$", sentence[clause_start : q.start])
    )
    if (
        (elided or list_closed)
        and not cues
        and not frame
        and noun_cls is not None
        and not _breakdown_cue(sentence, clause_start, previous)
    ):
        # 对于发现的问题线索,我们都按规定转交学校纪委,累计14条: the verb stands in an earlier clause; so
        # it does before a list of problems closed by 等 (发现A不强、B薄弱,C不到位等方面问题199条).
        cues = _cues_left(sentence, _sentence_bounds(sentence, q.start, q.end)[0], q.start)
    people = q.unit in PEOPLE_UNITS
    if people and TRAINING_REACH.search(before_text):
        return Seen(q, "people_trained", "人员", "train")  # 办了三期业务轮训,累计覆盖学员90人次: the course's reach
    if people and GIVEN_TO_PEOPLE.search(before_text) and not NOT_SANCTION_AFTER.match(sentence[q.end :]):
        return Seen(q, "people_held_accountable", noun, "account")  # 给予10人党纪处分 (the text may be cut after 人)
    left_cue = _governing_cue(cues, noun_cls, people, sentence, q.start)
    # 全市2920个村(社区): the jurisdiction's total; 把全县16个乡镇…全部纳入巡察规划: the total, put into a plan.
    put_into_plan = re.match(r"[^。；;]{0,40}?纳入[^。；;，,]{0,6}(规划|计划|范围)", sentence[q.end :])
    covered = unit_noun and re.match(r"^[^，,。；;]{0,12}(巡察|巡视)[^，,。；;]{0,6}全覆盖", after_noun)
    if noun_cls == "org" and TERM_TARGET_NOUN.match(noun) and re.search(r"(共有|共计|总数为?)$", before_text):
        return Seen(q, "orgs_inspected", noun, "inspect", noun_cls)  # 全省共有259个巡视对象: a term's targets
    if (
        (frame is None or put_into_plan)
        and TOTAL_MARKER.search(sentence[clause_start : q.start])
        and _cls(left_cue) != "inspect"
        and not covered
        and not (people and re.match(r"[^，,；;。]{0,8}?(被|受到)[^，,；;。]{0,8}(问责|处分|诫勉)", sentence[q.end :]))
    ):  # (共有495名干部受到党纪处分: people sanctioned, not a jurisdiction's total)
        return Seen(q, None, noun, None)
    if frame is None and PARTNER_LIST.search(sentence[clause_start : q.start]):
        return Seen(q, None, noun, None)  # 与市纪委监委、市审计局等12家单位建立…机制: partners
    if noun_cls == "problem" and re.match(
        r"^([及和、][^，,。；;]{0,30}?)?的?整改(情况|进展|进度|落实情况)", after_noun
    ):
        return Seen(q, None, noun, None)  # 对22个问题的整改情况进行检查: checked, not yet rectified
    if (
        not people
        and q.unit not in GROUP_UNITS
        and re.search(r"反馈(整改)?(意见建议|意见|建议)(共|共计|合计)?$", sentence[clause_start : q.start])
    ):
        # 反馈整改意见294条: the opinions a team feeds back to the unit are the suggestions it issues.
        return Seen(q, "suggestions_issued", noun, "suggest", noun_cls)
    if noun_cls == "clue" and cues and cues[0].lastgroup == "resolve":
        return Seen(q, None, noun, None)  # 巡察移交的问题线索已办结X条: handled by others, not transferred
    if left_cue is not None and NEGATED.search(sentence[: left_cue.start()]):
        return Seen(q, None, noun, None)  # 尚未完成整改的3个问题
    cue = frame or _cls(left_cue)
    if frame is None and (cue is None or (cue, noun_cls) not in TYPE_TABLE) and _post_verb(after_noun, unit_noun):
        cue = "inspect"  # 完成剩余125个村(社区)的巡察任务: the verb after the noun decides
    post_cue = next((c for c, pattern in POST_CUES if pattern.match(after_noun)), None)
    if cue is None or cue == "other" or (post_cue and not people and (cue, noun_cls) not in TYPE_TABLE):
        cue = post_cue or cue
    elif post_cue and people and cue not in ("train", "account"):
        cue = post_cue  # 抽调参加第七轮巡察的62名干部参加巡察业务培训: the people's own verb follows them
    elif (
        post_cue == "resolve"
        and noun_cls == "problem"
        and left_cue is not None
        and (elided or re.match(r"的", sentence[left_cue.end() :]))
    ):  # (发现问题20个,12个整改到位: the verb after the elided noun, not the one of the clause before)
        cue = post_cue  # 巡视组反馈的38个问题全部整改到位: the verb in the modifier only says which problems
    if unit_noun and cue == "resolve" and left_cue is not None and left_cue.group(0) == "完成":
        cue = "inspect"  # 全县220个村级党组织,已完成153个: completing units is inspecting them
    if (
        unit_noun
        and re.match(r"^(突出|聚焦|重点|围绕|紧盯|着重|侧重)", after_noun)
        and re.search(r"巡视|巡察", sentence[: q.start])
        and re.search(r"对[^，,。；;]*$", sentence[: q.start])
    ):
        frame = cue = "inspect"  # 开展第九轮巡视,对17个市州突出“全面体检”: the focus of each target group
    if unit_noun and cue is None and frame is None and INSPECTED_NOUN.search(noun):
        cue = "inspect"  # 今年第二轮的13个巡视点: the noun says they are inspected
    if unit_noun and cue is None and frame is None and INSPECTED_MODIFIER.match(sentence[q.end :]):
        cue = "inspect"  # 本轮9个被巡察单位: no verb, the modifier says they were inspected
    if (
        unit_noun
        and cue is None
        and frame is None
        and re.match(r"^(本批次?|本轮|此轮|该批次?)(共有?|涉及)?$", sentence[clause_start : q.start])
        and re.search(r"巡视|巡察", sentence[:clause_start])
    ):
        cue = "inspect"  # 转入第二批巡视,本批次共8所高校: the batch's targets
    if unit_noun and (cue is None or cue == "other") and frame is None:
        cue = (
            _list_continuation(sentence, clause_start, q, previous)
            or _involving(sentence, clause_start, previous)
            or cue
        )
    if frame is None and noun_cls == "problem" and not cues and (cue is None or (cue, noun_cls) not in TYPE_TABLE):
        cue = _problem_list_continuation(sentence, clause_start, q, noun, previous) or cue
    if cue is None and noun_cls == "problem" and re.search(r"(巡视|巡察)(组)?反馈(的)?问题$", noun or ""):
        cue = "find"  # 稳步推进20个省委巡视反馈问题整改: the count the inspection fed back, no verb of its own
    inherited_cue = None
    if cue is None:
        inherited_cue = _breakdown_cue(sentence, clause_start, previous)
        if inherited_cue is None:
            return Seen(q, None, noun, None)
        cue = inherited_cue
    if people:
        if cue == "train" and q.unit in PEOPLE_UNITS:
            return Seen(q, "people_trained", noun or "干部", cue)
        if cue == "account" and q.unit in ("人", "名", "人次"):  # 追责问责181人次
            return Seen(q, "people_held_accountable", noun, cue)
        return Seen(q, None, noun, cue)
    if (
        noun_cls is None
        and not (noun and sentence.startswith(noun, q.end))  # 完成了三个板块: a noun of its own, not implied
        and left_cue is not None
        and left_cue.group(0) in IMPLIED_NOUN
        and re.fullmatch(r"(了|到位|完成|完毕|落实)?", sentence[left_cue.end() : q.start])  # 已解决落实208件
    ):
        noun_cls = IMPLIED_NOUN[left_cue.group(0)]
    if (
        cue == inherited_cue
        and noun_cls != "clue"  # 发现问题200个,其中问题线索40条: the clues are no part of the problems
        and (noun_cls is None or ((cue, noun_cls) not in TYPE_TABLE and previous[-1].kind))
    ):
        # 其中形式主义问题XX个 takes the class of the total it breaks down; not when that total
        # went untyped (线索411件,其中…169件).
        noun_cls = next((seen.noun_cls for seen in reversed(previous) if seen.kind and seen.noun_cls), None)
    kind = TYPE_TABLE.get((cue, noun_cls)) if noun_cls else None
    if noun_cls in ("org", "village", "township") and q.unit in NOT_UNIT_MEASURES:
        # 交办被巡察单位89条: what is handed to the units, counted in 条, is not a count of units
        return Seen(q, None, noun, cue, noun_cls)
    if (
        kind == "problems_resolved"
        and re.search(r"(其中|包括)[，,]?(需|待)?整改(类|的)?问题$", sentence[clause_start : q.start])
        and any(p.kind == "problems_found" for p in previous)
        and _breakdown_cue(sentence, clause_start, previous)
    ):
        # 发现问题205个,其中整改问题180个: a category of what was found (to be rectified), not problems rectified
        return Seen(q, "problems_found", noun, "find", noun_cls)
    if (
        kind == "problems_resolved"
        and HANDED_FOR_FIXING.search(sentence[clause_start : q.start])
        and not DONE_NEXT_CLAUSE.match(sentence[q.end :])  # 移交立行立改问题6个,已全部办结: said done after all
    ):
        # 移交立行立改问题32个: handed over to be fixed, not said fixed; inside a breakdown of problems
        # found (发现问题120个,其中移交立行立改问题32个) it is a part of what was found.
        found_total = any(p.kind == "problems_found" for p in previous)
        if found_total and _breakdown_cue(sentence, clause_start, previous):
            return Seen(q, "problems_found", noun, "find", noun_cls)
        return Seen(q, None, noun, cue, noun_cls)
    return Seen(q, kind, noun, cue, noun_cls)


# The problems an inspection fed back, as a rectification report names them: groups before the items
# (3个方面11项具体问题, 6大类15项问题, 4个方面7项共12个问题) or 反馈的/指出的 before the count.
GROUPED_ITEMS_BEFORE = re.compile(
    r"[\d一二三四五六七八九十两]+\s*(个|大)?(方面|大类|类|板块)[^，,。；;\d]{0,4}([\d一二三四五六七八九十]+\s*项)?(共|共计|合计)?$"
)
FED_BACK_BEFORE = re.compile(
    r"((反馈|指出|提出|点出)的(主要|具体|突出)?|(?<![面相绝核比应反])(针对|对照|对)(巡察组|巡视组|巡察|巡视)?|方面[(（])$"
)
RESOLVED_RIGHT_BEFORE = re.compile(r"(立行立改|立查立改|整改|解决|纠正|整治|完成|办结)(到位|完毕)?(了)?(各类)?$")
DONE_AFTER = re.compile(r"^(已|均已|全部|立行立改|立查立改|即知即改|边巡边改|得到|获得)")
CHECKED_AFTER = re.compile(r"^([及和、][^，,。；;]{0,30}?)?的?整改(情况|进展|进度|落实情况)")


def _fed_back_problems(before: str, after_noun: str) -> bool:
    """Problems counted as the inspection fed them back: found, whatever the report then does with them
    (对反馈的3个方面12个问题制定整改措施, 对10个问题认真抓好整改); not when a verb of rectification governs the
    count itself (整改了4个方面12个问题) or follows it said done (反馈的38个问题全部整改到位, 对12个问题立行立改: see
    POST_CUES), nor when only their rectification is checked; a count followed by its done part is the whole."""
    grouped = GROUPED_ITEMS_BEFORE.search(before)
    fed = FED_BACK_BEFORE.search(before)
    if grouped is None and fed is None:
        return False
    lead = before[: grouped.start()] if grouped else before[: fed.start()] if fed else before
    heading = fed is not None and fed.group(0).startswith("方面")  # (四)…整改方面(2个问题): a heading's count
    if not heading and RESOLVED_RIGHT_BEFORE.search(lead) and not re.search(r"(对|针对|对照)[^，,。；;]{0,12}$", lead):
        return False
    if ITEMS_DONE_AFTER.match(after_noun):
        return True
    if DONE_AFTER.match(after_noun) or CHECKED_AFTER.match(after_noun):
        return False
    return not any(c == "resolve" and pattern.match(after_noun) for c, pattern in POST_CUES)


# Places counted without a measure word of their own (辽宁等4省, 湖北等4省市).
PLACE_MEASURES = frozenset({"省", "省市", "省区市", "省市区"})
# Measure words that never count units, villages or townships (they count clues, items, people).
NOT_UNIT_MEASURES = frozenset({"条", "件", "项", "人", "名", "人次", "份"})
DONE_NEXT_CLAUSE = re.compile(r"^[^，,。；;]{0,6}[，,]\s*(均已|已经|已)(全部)?(办结|完成|整改|解决)")
HANDED_FOR_FIXING = re.compile(
    r"(移交|交办|下发)[^，,。；;已]{0,4}(立行立改|整改事项)(?![^，,。；;]{0,8}(已|完成|到位))"
)


UNITS_QUALIFY_PEOPLE = re.compile(r"^(的[^，,。；;]{0,8}(书记|负责人|负责同志|干部|领导|班子|一把手)|“?一把手)")
# 反馈…,11个村党组织书记作表态发言: at a feedback meeting the units speak through their heads.
FEEDBACK_STATEMENT = re.compile(r"^([^，,。；;]{1,16}?)(主要负责人|负责人|书记)[^，,。；;]{0,4}(作)?表态发言")
# 62个县直单位已完成巡察51个: a later count of the same units in the clause makes this one the whole.
DENOMINATOR_AFTER = re.compile(r"^(、[^，,。；;\d]{1,4})?(已经?|已有)[^，,。；;\d]{0,8}\d+(个|家|所)($|[)）,，。；;])")


# The rest of a list of counted units (、79个县直单位和270个村(社区)党组织), then the verb after the last.
# 112个问题已整改完成104个: a later count of the same items said done makes the first the whole.
ITEMS_DONE_AFTER = re.compile(r"^(已经?|已有)[^，,。；;\d]{0,8}(\d+|[一二三四五六七八九十百两]+)(个|项|条|件)")
HANDED_TO_UNITS = re.compile(r"^[^，,。；;]{0,24}?(移交|交办|转交|移送|下发|发出|交由|转办)")
UNIT_LIST_THEN_VERB = re.compile(
    r"^(?:[、和及与]\s*[\dXx×]+\s*[个家所](?:(?!巡察|巡视|开展|进行|完成)[^，,。；;、和及与\d]){1,16}?)+(?:"
    + POST_VERB.pattern.removeprefix("^")
    + ")"
)


# 确定141个村(社区)为提级巡察对象: the units are named the targets of an inspection.
NAMED_TARGETS_AFTER = re.compile(r"^(列)?为[^，,；;。]{0,10}?(巡察|巡视)对象")
CHOSEN_AS_TARGETS = re.compile(r"^[^，,；;。为]{0,12}为[^，,；;。]{0,10}?(巡察|巡视)对象")


def _post_verb(after_noun: str, unit_noun: bool) -> bool:
    """An inspection verb after the counted noun, or after the list of units it opens (统筹考虑11个乡镇、
    79个县直单位和270个村(社区)党组织的巡察任务: the verb after the last item governs every item)."""
    return bool(
        POST_VERB.match(after_noun)
        or (unit_noun and UNIT_LIST_THEN_VERB.match(after_noun))
        or (unit_noun and NAMED_TARGETS_AFTER.match(after_noun))
    )


def _feedback_frame(sentence: str, q: Quantity, noun: str) -> bool:
    """`向…N个X…反馈`: the units a team reports its findings to are the units it inspected."""
    start, end = _sentence_bounds(sentence, q.start, q.end)
    opener = sentence.rfind("向", start, q.start)
    if opener < 0 or any(c.lastgroup != "inspect" for c in CUE_PATTERN.finditer(sentence, opener + 1, q.start)):
        return False
    after = sentence[q.end + len(noun) if sentence.startswith(noun, q.end) else q.end : end]
    return bool(re.match(r"^[^，,。；;]{0,60}?反馈", after))


def _list_continuation(sentence: str, clause_start: int, q: Quantity, previous: list[Seen]) -> str | None:
    """巡视11个县(市、区),75个省直部门: a list of inspected units split by a comma shares its verb."""
    if re.sub(r"^(以及|及|和|还有)", "", sentence[clause_start : q.start].strip("、 ")):
        return None  # …4个省区市和新疆生产建设兵团,以及6个中央和国家机关单位: 以及 continues the list
    last = next((p for p in reversed(previous) if p.quantity.end <= clause_start), None)
    if last is None or last.kind not in ("orgs_inspected", "villages_inspected", "townships_inspected"):
        return None
    gap = sentence[last.quantity.end : clause_start]
    return last.cue if len(gap) <= len(last.noun or "") + 14 and not re.search(r"[\d。；;]", gap) else None


UNIT_KINDS = ("orgs_inspected", "villages_inspected", "townships_inspected")
UNIT_KIND_OF = {"org": "orgs_inspected", "village": "villages_inspected", "township": "townships_inspected"}


def _problem_list_continuation(
    sentence: str, clause_start: int, q: Quantity, noun: str, previous: list[Seen]
) -> str | None:
    """发现A类问题795个,B类问题607个,C类问题355个: problems listed by kind after commas, each clause
    only a noun and its count, share the verb of the first item."""
    before = sentence[clause_start : q.start]
    if not noun or not before.endswith(noun) or re.search(r"[\dXx×]", before):
        return None
    last = next((p for p in reversed(previous) if p.quantity.end <= clause_start), None)
    if last is None or last.kind not in ("problems_found", "problems_resolved") or last.noun_cls != "problem":
        return None
    return last.cue if not sentence[last.quantity.end : clause_start].strip("，,、 ") else None


def _involving(sentence: str, clause_start: int, previous: list[Seen]) -> str | None:
    """已开展四轮巡视,涉及31个省区市: units an inspection covered, named after 涉及 in a sentence about
    the inspection itself (not after a count of problems: 发现问题23个,涉及12个单位)."""
    clause = sentence[clause_start:]
    if re.match(r"^其中(包括|有)?", clause) and re.search(
        r"(巡视|巡察)[^，,。；;]{0,4}涉及[^。；;]*[，,]$", sentence[:clause_start]
    ):
        return "inspect"  # 本轮巡视涉及…单位多,其中包括63家成员单位: the units the inspection covers
    if not re.match(r"^(共|分别|先后)?涉及", clause):
        return None
    earlier = sentence[_sentence_bounds(sentence, clause_start, clause_start)[0] : clause_start]
    if not re.search(r"巡视|巡察", earlier) or any(p.kind and p.kind not in (*UNIT_KINDS, "rounds") for p in previous):
        return None
    return "inspect"


def _elided_noun(
    sentence: str, q: Quantity, clause_start: int, cues: list[re.Match[str]], previous: list[Seen]
) -> tuple[str, str | None]:
    """The noun a report leaves out: topicalized before the verb (问题已整改1603个) or the
    last one counted with the same measure word (全市2920个村(社区)累计完成巡察2720个)."""
    if cues:
        topic = re.match(r"^(.*?)(已经|已|均|全部)$", sentence[clause_start : cues[0].start()])
        head = re.split(r"[、的]", topic.group(1))[-1][-6:] if topic else ""
        if head and noun_class(head):
            return head, noun_class(head)
    # The object of 对 before the verb: 对村(社区)党组织巡察142个, 对…的乡镇开展提级巡察不少于3个.
    dui = [m for m in FRAME_OPENERS.finditer(sentence, clause_start, q.start) if m.group(0) == "对"]
    if dui:
        obj = _noun_prefix(re.split(r"[、的]", sentence[dui[-1].end() : q.start])[-1])
        if noun_class(obj):
            return obj, noun_class(obj)
    for seen in reversed(previous):
        if seen.quantity.unit == q.unit and seen.noun:
            return seen.noun, noun_class(seen.noun)
    # The sentence's topic: 问题线索方面,向市纪委监委移交96条.
    topic = TOPIC.match(sentence[_sentence_bounds(sentence, q.start, q.end)[0] :])
    if topic and noun_class(topic.group(1)):
        return topic.group(1), noun_class(topic.group(1))
    return "", None


def _rounds(sentence: str, q: Quantity, clause_start: int, clause_end: int) -> Seen:
    if ROUNDS_EXCLUDE_BEFORE.search(sentence[: q.start]):
        return Seen(q, None, None, None)
    if q.value == 1 and sentence[: q.start].endswith("的"):
        return Seen(q, None, None, None)  # 完成对所有乡镇的一轮巡察: one pass over the units, no count of rounds
    if re.match(r"[两二三四五六七八九十\d]+期", sentence[q.end :]):
        return Seen(q, None, None, None)  # 县委十一轮两期巡察: the eleventh round in two batches, an ordinal
    after = sentence[q.end : clause_end]
    near = _cues_left(sentence, clause_start, q.start)
    left = near[0] if near else None
    follower = ROUNDS_FOLLOWER.match(after)
    if follower and any(c.lastgroup != "inspect" for c in CUE_PATTERN.finditer(after, 0, follower.start(1))):
        follower = None  # 3轮培训巡察干部: another verb stands between
    grown = re.search(r"(增至|增加到|增加至|增为)$", sentence[: q.start]) and re.search(r"巡视|巡察", sentence)
    if not follower and re.match(r"^试点", after) and re.search(r"巡视|巡察", sentence):
        follower = re.match(r"^(试点)", after)  # 开展两轮试点基础上,…全面铺开专项巡视: pilot rounds of the inspection
    if not follower and re.search(r"(开展|组织|进行|完成|分)(了)?$", sentence[clause_start : q.start]):
        # 开展6轮以…为主要内容的村级常规巡察, 开展3轮对各县(市)区…的交叉巡察: a prepositional phrase
        # (对…, 以…为…) between the count and the inspection that closes the clause, no other verb in it.
        long_follower = re.match(r"^(对|以|针对|围绕)[^，,。；;]{0,40}?(巡察|巡视)(?!干部|组|办|机构|人员)", after)
        if long_follower and not any(c.lastgroup != "inspect" for c in CUE_PATTERN.finditer(after)):
            follower = long_follower
    if follower or grown or (_cls(left) == "inspect" and left and q.start - left.end() <= 2):
        # 由上年的2轮增至3轮: the count the year grew to
        return Seen(q, "rounds", "巡察" if "巡察" in sentence[q.end : q.end + 8] else "巡视", "inspect")
    return Seen(q, None, None, None)


def _breakdown_cue(sentence: str, clause_start: int, previous: list[Seen]) -> str | None:
    """A clause that breaks down the figure before it (其中…, 包括…) takes that figure's verb."""
    typed = [seen.cue for seen in previous if seen.kind and seen.cue]
    if not typed:
        return None
    clause = sentence[clause_start:]
    earlier = sentence[:clause_start]
    if INCLUDED_IN_NEXT.match(clause):
        return None  # 包括3名处级干部在内的41名干部被…: a part of the count that follows, not of the one before
    if (
        BREAKDOWN.match(clause)
        or re.match(r"[^；;。]*(都|均|也)(在其中|在内)", clause)
        or re.search(r"(其中|包括|含)[，,]?$", earlier)
        or re.search(r"(其中|包括)[^。；;]*$", earlier)
    ):
        return typed[-1]
    return None


def _rounds_from_ordinals(sentence: str) -> Iterable[tuple[int, int, float]]:
    """第七、八轮 → 2 rounds; 第五至第七轮 → 3. A single ordinal (第十一轮) is not a count."""
    for m in ORDINAL_ROUNDS.finditer(sentence):
        if re.match(r"(巡察|巡视)?的|被(巡察|巡视)|(巡察|巡视)?(问题线索|线索|问题|反馈|整改)", sentence[m.end() :]):
            continue  # 第一至第三轮巡视的整改情况, 第四、第五轮被巡察的单位: which rounds, not how many
        if re.search(r"\d+\s*轮(次)?[^，,。；;()（）]{0,6}[(（]$", sentence[: m.start()]):
            continue  # 开展常规巡察2轮(第十轮、第十一轮): the count is the figure before the brackets
        first, rest = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        items = [first, *re.findall(r"[一二三四五六七八九十\d]+", rest)]
        values = []
        for item in items:
            v = float(item) if item.isdigit() else chinese_to_number(item)
            if v is not None:
                values.append(v)
        is_range = re.search(r"[至到]", rest) and len(values) == 2
        count = values[1] - values[0] + 1 if is_range else len(values)
        if count >= 2:
            yield m.start(), m.end(), float(count)


def _future_jiang(before: str) -> bool:
    """将 as "will" (市委巡察机构将统筹安排3轮巡察), not as the object marker (将巡察整改纳入考核)."""
    return any(not PREPOSITIONAL_JIANG.match(before, m.end()) for m in re.finditer(r"(?<![即])将(?![来近])", before))


# A whole term's targets (巡视对象共有285个, 高达8607个): the task to cover, not what was covered.
TERM_TARGETS = re.compile(
    r"对象[^，,。；;]{0,4}(共有|共计|总数为?|高达|多达|有)$"
    # 巡察对象为4个乡镇(街道)和16家区级机关; 巡察对象包括37个党组织: a round's targets named as such
    r"|(巡察|巡视)对象(为|是|包括|涵盖)[^，,。；;]*$"
    # 按照全覆盖要求,省委巡视对象280个: the targets counted with no verb (not after 已/完成)
    r"|(?:^|[，,。；;])(?![^，,。；;]*(已|完成|累计|先后))[^，,。；;]*(巡察|巡视)对象$"
)
# News that a round has stationed: 已全部进驻, 陆续进驻, 完成进驻, 进驻工作结束, 全面展开.
ROUND_STARTED = re.compile(
    r"(已|全部|陆续|均|完成)[^，,。；;]{0,4}(进驻|入驻)|(进驻|入驻)(工作)?(完成|结束|到位|情况)|全面展开|正在[^，,。；;]{0,20}(展开|开展)"
)
# A round's deployment meeting (动员部署会): the targets it announces are planned until teams station.
ROUND_DEPLOYED = re.compile(r"动员部署(会|大会|会议)|部署会")
# The announcement itself, in the figure's own stretch: 本轮巡察…对…开展, 会议宣布/指出…, 决定…从12月初开始.
ROUND_ANNOUNCEMENT = re.compile(
    r"本轮(巡察|巡视)|动员部署(会|大会|会议)|会议(宣布|指出|明确|强调)|(决定|计划)[^，,。；;]{0,16}(开始|启动)"
)


# 共有259个巡视对象: the same, the noun after the count.
# (中央巡视共有280多个对象: the term's targets, the noun after the count)
TERM_TARGET_NOUN = re.compile(r"^((巡视|巡察)对象|对象(?=$|[，,。；;”]))")


def _announced_target(sentence: str, q_start: int, ctx: Context) -> bool:
    """A round's targets announced at its deployment meeting, before any team stationed: 经县委同意,本轮巡察
    对A等16个乡镇开展常规巡察 in a report of the 动员部署会 (the annotators' decision of round 4)."""
    if not ctx.round_deployed or ctx.round_started:
        return False
    start, _ = _sentence_bounds(sentence, q_start, q_start)
    stretch = sentence[start:q_start]
    done = re.search(r"本轮(巡察|巡视)(后|结束)|实现", stretch)  # 本轮巡视后,实现对…全覆盖: a result
    return bool(ROUND_ANNOUNCEMENT.search(stretch)) and not PAST_SENTENCE.search(stretch) and not done


def modality(sentence: str, q_start: int, ctx: Context, q_end: int | None = None) -> str:
    before = sentence[:q_start]
    after = sentence[q_end:] if q_end is not None else ""
    if (
        TERM_TARGETS.search(before)
        or (re.search(r"(共有|共计|总数为?)$", before) and TERM_TARGET_NOUN.match(after))
        or re.search(r"确保[^，,；;。]*$", before)
    ):
        return "planned"  # 确保覆盖率达到80%: a target, in the figure's own clause
    if re.search(r"(确定|选定)$", before) and CHOSEN_AS_TARGETS.match(after):
        return "planned"  # 确定141个村为提级巡察对象: chosen as targets, like 圈定
    plan_hits = [m.group(0) for m in PLAN_SENTENCE.finditer(before)]
    # 将陆续进驻19家单位: the round has begun, these targets are still to come
    jiang_only = (
        all(h.startswith("将") for h in plan_hits)
        and not PLAN_AFTER.match(after)
        and not re.search(r"将(陆续|相继|分批|随后)[^，,。；;]*$", before)
    )
    if (plan_hits or PLAN_AFTER.match(after) or _future_jiang(before)) and not (
        ctx.round_started and jiang_only and not ctx.planned_block and not ctx.plan_document
    ):
        return "planned"
    if ctx.plan_document and BACKGROUND_HEADING.search(ctx.heading) and not PLAN_HEADING.search(ctx.heading):
        return "achieved"
    # 省委换届后…十二届省委任期内,共开展13轮巡视: the term before the new one.
    past = PAST_SENTENCE.search(before) or (PAST_TERM.search(before) and re.search(r"换届|新一届", ctx.passage))
    if ctx.planned_block or ctx.plan_document or PLAN_HEADING.search(ctx.heading):
        return "achieved" if past and not ctx.planned_block else "planned"
    if PLAN_QUESTION.search(ctx.question):
        return "achieved" if past else "planned"
    return "achieved"


def period(sentence: str, q_start: int, ctx: Context) -> str | None:
    for text in (sentence[:q_start], ctx.passage, ctx.heading):
        found = list(PERIOD.finditer(text))
        if found:
            chosen = found[-1] if text is not ctx.passage else found[0]
            return chosen.group(1) or chosen.group(0)
    return None


@lru_cache(maxsize=4096)
def _subjects(text: str, end: int) -> tuple[tuple[int, str], ...]:
    """Bodies named in text[:end]. Cached: every figure of a passage without a subject of its own
    asks for the passage's bodies again (body_spans ran once per figure)."""
    from pipeline.places import body_spans

    found = [(m.start(), m.end(), m.group(0)) for m in SUBJECT_COMMITTEES.finditer(text, 0, end)]
    found += [(a, b, name) for name, kind, _, a, b in body_spans(text[:end]) if kind == "inspecting"]
    # Of two names over the same characters (市委 in 市委巡察办) keep the longer.
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    kept: list[tuple[int, int, str]] = []
    for f in found:
        if not kept or f[0] >= kept[-1][1]:
            kept.append(f)
    return tuple((a, name) for a, _, name in kept)


def subject(sentence: str, q_start: int, ctx: Context) -> str | None:
    """The nearest inspecting body before the figure in its sentence, else the passage's first."""
    found = _subjects(sentence, q_start)
    if found:
        return found[-1][1]
    in_passage = _subjects(ctx.passage, len(ctx.passage))
    return in_passage[0][1] if in_passage else None


def extract_sentence(sentence: str, ctx: Context) -> list[Indicator]:
    """All indicator records of one normalized sentence."""
    return _extract(sentence, ctx, [])[0]


def extract_passage(sentences: Sequence[str], ctx: Context) -> list[list[Indicator]]:
    """Records of each sentence of a passage. A sentence that opens with 其中/包括 breaks down
    the figures of the sentence before it (…巡察党组织42个。其中,学院党委21个,…)."""
    out: list[list[Indicator]] = []
    carry: list[Seen] = []
    for sentence in sentences:
        records, seen = _extract(sentence, ctx, carry if BREAKDOWN.match(sentence) else [])
        out.append(records)
        # Positions belong to the previous sentence: carried figures stand "before" this one.
        carry = [
            replace(x, quantity=replace(x.quantity, start=0, end=0, number_start=0, number_end=0))
            for x in seen
            if x.kind
        ]
    return out


GROUP_UNITS = {"项", "类", "大类", "方面"}


def _extract(sentence: str, ctx: Context, carry: list[Seen]) -> tuple[list[Indicator], list[Seen]]:
    out: list[Indicator] = []
    previous: list[Seen] = list(carry)
    # Converters leave a comma before or after an enumeration comma (地方,、单位): read it as one.
    sentence = re.sub(r"[,，](?=、)|(?<=、)[,，]", "、", sentence)
    # 己 typed for 已 before a verb of completion (己全部整改到位): one character for one, offsets stay.
    sentence = re.sub(r"(?<![自知克利异舍一])己(?=(全部|经|完成|整改|解决|办结|移交|巡察|巡视))", "已", sentence)
    ordinal_spans = []
    for a, b, count in _rounds_from_ordinals(sentence):
        ordinal_spans.append((a, b))
        out.append(
            Indicator(
                "rounds",
                count,
                False,
                "exact",
                modality(sentence, a, ctx),
                "轮",
                "巡察" if "巡察" in sentence[b : b + 6] else "巡视",
                subject(sentence, a, ctx),
                period(sentence, a, ctx),
                a,
                b,
            )
        )
    quantities = find_quantities(sentence)
    found_and_resolved = False
    for i, q in enumerate(quantities):
        if any(a <= q.number_start < b for a, b in ordinal_spans):
            continue
        # 14项28个具体问题: groups, then the items; the items are the figure.
        if i + 1 < len(quantities) and quantities[i + 1].start == q.end and q.unit in GROUP_UNITS:
            previous.append(Seen(q, None, None, None))
            continue
        # Compound counts (31件42人): the second figure counts the same items another way.
        # (3轮40个单位: rounds, then units — two figures.)
        if i > 0 and quantities[i - 1].end == q.start and quantities[i - 1].unit not in GROUP_UNITS | {"轮", "轮次"}:
            previous.append(Seen(q, None, None, None))
            continue
        seen = classify_quantity(sentence, q, previous)
        previous.append(seen)
        kind, noun = seen.kind, seen.noun or ""
        if kind is None:
            continue
        mod = modality(sentence, q.start, ctx, q.end)
        if mod == "achieved" and kind in (*UNIT_KINDS, "rounds") and _announced_target(sentence, q.start, ctx):
            mod = "planned"
        subj, per = subject(sentence, q.start, ctx), period(sentence, q.start, ctx)
        kinds = [kind]
        if kind in ("problems_found", "problems_resolved"):
            clause_start, _ = _clause_bounds(sentence, q.number_start)
            stretch_start = _sentence_bounds(sentence, q.start, q.end)[0]
            if FOUND_AND_RESOLVED.search(sentence, clause_start, q.start) or (
                kind == "problems_resolved" and FOUND_THEN_URGED.search(sentence[stretch_start:clause_start])
            ):
                kinds = ["problems_found", "problems_resolved"]
            elif found_and_resolved and BREAKDOWN.match(sentence[clause_start:]):
                kinds = ["problems_found"]  # 发现并推动解决问题120个,其中…问题30个: a part of what was found
            found_and_resolved = len(kinds) == 2
        for k in kinds:
            out.append(Indicator(k, q.value, q.masked, q.qualifier, mod, q.unit, noun, subj, per, q.start, q.end))
    return out, previous[len(carry) :]
