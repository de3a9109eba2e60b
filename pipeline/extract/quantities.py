"""Quantity recognizer: every number in a sentence with its span, value, unit and qualifier.

Recognizes Arabic numerals (thousands separators, decimals), Chinese numerals (两, 十四,
一百二十, 卅) through cn2an, 万/亿 multipliers, percentages, masked figures (X, XX, ×, *)
and the qualifiers around them. Typing the quantity (what it counts) is `indicators.py`'s job.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import cn2an

from pipeline.config import LEXICON_DIR

CN_DIGITS = "零〇一二两三四五六七八九十百千万亿廿卅"


@lru_cache(maxsize=1)
def measure_words() -> tuple[str, ...]:
    """Measure words from the lexicon, longest first so 人次 wins over 人."""
    words = {
        line.split("\t", 1)[0].strip()
        for line in (LEXICON_DIR / "measure_words.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }
    # The counts this pipeline types need these even if the lexicon loses one.
    words |= {
        "个",
        "家",
        "条",
        "件",
        "项",
        "份",
        "人次",
        "名",
        "人",
        "轮",
        "所",
        "处",
        "次",
        "批",
        "类",
        "起",
        "%",
        "个次",
        "成",
    }
    return tuple(sorted(words, key=len, reverse=True))


# Qualifiers. Where a word is a qualifier is its position: before the number or after it.
PREFIX_QUALIFIERS = [
    # Longer words first: 不少于 before 少于.
    ("不少于", "at_least"),
    ("不低于", "at_least"),
    ("至少", "at_least"),
    ("不超过", "at_most"),
    ("最多", "at_most"),
    ("大约", "approx"),
    ("约", "approx"),
    ("将近", "approx"),
    ("接近", "approx"),
    ("近", "approx"),
    ("超过", "at_least"),
    ("逾", "at_least"),
    ("超", "at_least"),
    ("达到", "exact"),
    ("不到", "at_most"),
    ("不足", "at_most"),
    ("少于", "at_most"),
]
INFIX_QUALIFIERS = [("余", "at_least"), ("多", "at_least")]
SUFFIX_QUALIFIERS = [
    ("以上", "at_least"),
    ("左右", "approx"),
    ("上下", "approx"),
    ("以内", "at_most"),
    ("以下", "at_most"),
]

ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MASK = r"[Xx×＊*]{1,4}"
CHINESE = rf"[{CN_DIGITS}]+"
NUMBER = re.compile(
    rf"百分之(?P<percent>[{CN_DIGITS}点]+)|(?P<mask>{MASK})|(?P<arabic>{ARABIC})(?P<mult>[万亿]?)|(?P<chinese>{CHINESE})"
)
# Chinese-numeral words that are names, not counts: 两个维护, 一把手, 三不腐, 十四五 ...
CHINESE_NUMBER_WORDS = re.compile(
    r"^(两个(维护|确立)|四个(意识|自信|全面|坚持)|一把手|一岗双责|三不|一体|统一|唯一|同一|进一步|一起|一样|"
    r"一是|二是|三是|四是|五是|六是|七是|八是|九是|十是|一方面|一批|一些|一定|一直|一道|一切|一线|一致|"
    r"十[一二三四五六七八九]五(?![个家条件项份人名轮所处])|三重一大|三会一课|五位一体|四风|八项规定|两委|一肩挑|三资|三务|万家|千家万户)"
)


@dataclass(frozen=True)
class Quantity:
    start: int  # span of number (with qualifier words and unit) in the sentence
    end: int
    number_start: int
    number_end: int
    value: float | None
    masked: bool
    unit: str
    qualifier: str
    is_chinese: bool

    @property
    def is_percent(self) -> bool:
        return self.unit == "%"


def chinese_to_number(text: str) -> float | None:
    if text[:1] in "百千万":
        text = "一" + text  # 逾百条, 近千人
    if text in ("卅",):
        return 30.0
    if text == "廿":
        return 20.0
    try:
        value = cn2an.cn2an(text.replace("卅", "三十").replace("廿", "二十"), "smart")
        number = float(value)
    except (ValueError, KeyError, IndexError, OverflowError):  # a run of 309+ numerals overflows
        return None
    return number if math.isfinite(number) else None


# 三点意见建议: 点 counts points of advice only (not 重点, 试点, 两点 of the clock, 百分点).
POINTS_OF_ADVICE = re.compile(r"点(意见建议|整改意见|意见和建议|建议)")


# 巡察组提出四点意见: points of advice alone (no 建议) count when an inspection team or its feedback is named
# before them in the sentence; a leader's points at a mobilisation meeting (提出三点意见:一是要…) do not.
POINTS_OF_OPINION = re.compile(r"点(整改)?意见(?![\u4e00-\u9fff])")
TEAM_OR_FEEDBACK_BEFORE = re.compile(r"(巡察|巡视)组|反馈")


def _points_fed_back(sentence: str, a: int, pos: int) -> bool:
    return bool(POINTS_OF_OPINION.match(sentence, pos) and TEAM_OR_FEEDBACK_BEFORE.search(sentence, 0, a))


def _unit_at(text: str, pos: int) -> str:
    for w in measure_words():
        if text.startswith(w, pos):
            return w
    if POINTS_OF_ADVICE.match(text, pos):
        return "点"
    return ""


# 存在三大突出问题: after 存在, a numeral with 大 before a noun of problems counts the problems (大 is the
# measure word). Not 四大意识 or “五大任务” (no 存在 before, no 问题 after, or a quoted name between) and
# not 三大类问题 (groups of problems, typed as groups elsewhere).
PROBLEMS_BY_DA = re.compile(r"大(?![类方面])[\u4e00-\u9fff]{0,6}?问题")
EXISTS_BEFORE = re.compile(r"存在(着|了)?$")


def _problems_by_da(sentence: str, a: int, pos: int) -> bool:
    return bool(PROBLEMS_BY_DA.match(sentence, pos) and EXISTS_BEFORE.search(sentence, 0, a))


def find_quantities(sentence: str) -> list[Quantity]:
    """All quantities in a sentence, left to right. A Chinese numeral counts only with a unit."""
    out: list[Quantity] = []
    for m in NUMBER.finditer(sentence):
        a, b = m.span()
        value: float | None
        masked = m.group("mask") is not None
        is_chinese = m.group("chinese") is not None
        percent_words = m.group("percent")
        if percent_words is not None:  # 百分之八十点四
            value = chinese_to_number(percent_words)
            if value is None:
                continue
        elif masked:
            if a > 0 and re.match(r"[A-Za-z]", sentence[a - 1]):
                continue  # part of a Latin word
            value = None
        elif is_chinese:
            if CHINESE_NUMBER_WORDS.match(sentence[a:]) or (a > 0 and sentence[a - 1] in "第初周星礼“‘\"'"):
                # 第三, 初五 …; “六项纪律”, “四个一”: a quoted numeral opens a slogan's name
                continue
            value = chinese_to_number(m.group("chinese"))
            if value is None:
                continue
        else:
            value = float(m.group("arabic").replace(",", ""))
            if m.group("mult") == "万":
                value *= 10_000
            elif m.group("mult") == "亿":
                value *= 100_000_000
            if not math.isfinite(value):
                continue  # hundreds of digits: no count, and `inf` must never be published
        pos = b
        qualifier = "exact"
        for word, q in INFIX_QUALIFIERS:
            if sentence.startswith(word, pos) and _unit_at(sentence, pos + len(word)):
                qualifier, pos = q, pos + len(word)
                break
        unit = "%" if percent_words is not None else _unit_at(sentence, pos)
        if not unit and percent_words is None and not masked and _problems_by_da(sentence, a, pos):
            unit = "大"
        if not unit and percent_words is None and _points_fed_back(sentence, a, pos):
            unit = "点"
        if not unit and not is_chinese and sentence[pos : pos + 1] == " " and _unit_at(sentence, pos + 1):
            pos += 1  # 4 家 (a space left between figure and measure word)
            unit = _unit_at(sentence, pos)
        if is_chinese and not unit:
            continue
        if is_chinese and m.group("chinese") in ("一",) and unit in ("些", "批", "类"):
            continue
        end = b if percent_words is not None else pos + len(unit)
        if unit == "成" and value is not None:  # 七成 = 70%
            value, unit = value * 10, "%"
        for word, q in SUFFIX_QUALIFIERS:
            if sentence.startswith(word, end):
                qualifier, end = q, end + len(word)
                break
        start = a
        for word, q in PREFIX_QUALIFIERS:
            if sentence.endswith(word, 0, a):
                if q != "exact":
                    qualifier = q
                start = a - len(word)
                break
        out.append(Quantity(start, end, a, b, value, masked, unit, qualifier, is_chinese))
    return out
