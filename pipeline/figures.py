"""The resolve stage: how each indicator row adds up (`role`, `parent`) and which calendar year(s)
it covers (`year`, `year_start`, `year_end`), each with the rule that decided it.

Per document, after extract: it reads the document's indicators, sentences, passages and
normalized text and never the rest of the corpus. The rules are in pipeline/extract/GUIDELINE.md
("Role and year"). Corpus-level work on the resolved rows (one report published by several
outlets, distinct figures, the panel) is in pipeline/reports.py, at publish.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from pipeline.cues import INCLUDED_IN_NEXT

RESOLVED_COLUMNS = ["role", "parent", "role_rule", "year", "year_start", "year_end", "year_rule"]
ROLES = ("total", "part", "repeat")
ROLE_RULES = (
    "standalone",
    "same_figure_elsewhere",
    "back_reference",
    "breakdown_in_sentence",
    "breakdown_next_sentence",
    "breakdown_in_brackets",
    "items_sum_to_total",
    "items_under_previous_total",
    "items_sum_to_earlier_total",
    "items_after_cumulative_total",
)
YEAR_RULES = (
    "sentence_year",
    "sentence_years",
    "since_year",
    "since_congress",
    "years_up_to_now",
    "central_round",
    "central_term",
    "to_date",
    "relative_this_year",
    "relative_last_year",
    "since_last_year",
    "relative_next_year",
    "passage_year",
    "heading_year",
    "title_year",
    "document_year",
    "rectification_to_date",
    "inspection_year",
    "published_year",
    "document_latest",
    "none",
)

YEAR = re.compile(r"((?:19|20)\d\d)\s*年?")
# A year as a year (2025年, 2025-2026年), never a number such as 2025个.
YEAR_MENTION = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*(?:年|[-—–~至到]\s*(?:19|20)\d\d\s*年))")
YEAR_JOIN = re.compile(r"^\s*年?\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?\s*(?:、|和|及|与|至|到|—{1,2}|–|-|~|，|,)\s*$")
SINCE = re.compile(r"^\s*年?[^，,。；;]{0,12}?以来")
# Back-references: the figure points at something already counted.
BACK_REFERENCE = re.compile(r"(?:这|上述|前述|以上|该|这些|此)\s*(?:[\d.]+|[一二三四五六七八九十百千万两]+)?\s*$")
BREAKDOWN = re.compile(r"其中|包括|包含|分别是|分别为")
THIS_YEAR = re.compile(r"今年|本年|全年|年内|一年来|年初以来|当年|上半年|下半年|前三季度|一季度")
LAST_YEAR = re.compile(r"去年|上一年|上年")
NEXT_YEAR = re.compile(r"明年|下一年|来年")
SINCE_LAST_YEAR = re.compile(r"(去年|上一年|上年)[^，,。；;]{0,8}(以来|开始|起)")


@dataclass(frozen=True)
class Year:
    start: int | None
    end: int | None
    rule: str

    @property
    def label(self) -> str:
        if self.start is None or self.end is None:
            return ""
        return str(self.start) if self.start == self.end else f"{self.start}-{self.end}"


NO_YEAR = Year(None, None, "none")


# A document's name in 《》 names its own years (《巡察工作五年规划(2019-2023年)》): not the years of the facts.
DOCUMENT_NAME = re.compile(r"《[^《》]{0,80}》")


def _years_before(text: str) -> tuple[int, int, int] | None:
    """The last year mention in `text` (with the years joined to it by 、/至/—): (start, end, end offset)."""
    outside = DOCUMENT_NAME.sub(lambda m: " " * len(m.group(0)), text)  # offsets stay
    # (a name's years count when the text names no other: 《…规划(2017-2021年)》要求…五年内全覆盖)
    text = outside if YEAR_MENTION.search(outside) else text
    found = list(YEAR_MENTION.finditer(text))
    if not found:
        return None
    last = found[-1]
    group = [int(last.group(1))]
    i = len(found) - 1
    while i > 0 and YEAR_JOIN.match(text[found[i - 1].end() : found[i].start()]):
        i -= 1
        group.append(int(found[i].group(1)))
    return min(group), max(group), last.end()


def _page_date(published: str | None) -> tuple[int | None, int | None]:
    """(year, month) of the page's date (`YYYY-MM-DD`, `YYYY-MM`), (year, None) for a year alone (`YYYY`,
    from an address's year folder), or (None, None)."""
    found = re.match(r"((?:19|20)\d\d)(?:-(\d\d))?(?!\d)", published or "")
    if not found:
        return (None, None)
    return int(found.group(1)), (int(found.group(2)) if found.group(2) else None)


def _year_end_page(published: str | None) -> bool:
    """A page dated January or February: a year-end summary, whose 全年/今年 and undated figures are
    the year before's (each rule below that shifts a year for it asks here)."""
    month = _page_date(published)[1]
    return month is not None and month <= 2


def reference_year(title: str, published: str) -> tuple[int | None, int | None]:
    """(the year the document reports on, per its title; the year it was published)."""
    title_years = sorted({int(y) for y in YEAR_MENTION.findall(title or "")})
    return (title_years[0] if title_years else None), _page_date(published)[0]


def _relative(prefix: str, title_year: int | None, published: str, planned: bool = False) -> Year | None:
    ref = title_year or _page_date(published)[0]
    if ref is None:
        return None
    # A year-end summary dated January or February speaks of the year before as 全年/今年; a plan in such a page
    # (今年,市纪委将对…) speaks of the year it is in.
    own = ref  # the page's own year: 去年 on a page of January 2019 is 2018
    if title_year is None and _year_end_page(published) and not planned:
        ref -= 1
    if NEXT_YEAR.search(prefix):
        return Year(ref + 1, ref + 1, "relative_next_year")
    if LAST_YEAR.search(prefix):
        if SINCE_LAST_YEAR.search(prefix):
            return Year(own - 1, max(own - 1, ref), "since_last_year")  # 去年以来, 从去年9月开始: up to the page's year
        return Year(own - 1, own - 1, "relative_last_year")
    if THIS_YEAR.search(prefix):
        return Year(ref, ref, "relative_this_year")
    return None


def _count(numeral: str) -> int:
    """A small count in digits or Chinese numerals (五, 两, 十二), by the extract stage's parser; 0 if none."""
    from pipeline.extract.quantities import chinese_to_number

    value = int(numeral) if numeral.isdigit() else chinese_to_number(numeral)
    return int(value) if value is not None else 0


# 五年来, 两年来, 近三年来: the last N years up to the page's year.
YEARS_UP_TO_NOW = re.compile(r"(?<![\d〇零一二三四五六七八九十百])([两二三四五六七八九十]|\d{1,2})年(?:多)?来")


def _years_up_to_now(prefix: str, title_year: int | None, published: str, planned: bool) -> Year | None:
    """五年来,省委巡视组共开展了9轮巡视 on a page of 2017: 2013–2017 (on a page dated January or February,
    the N years up to the year before, as 全年 in `_relative`)."""
    found = list(YEARS_UP_TO_NOW.finditer(prefix))
    ref = title_year or _page_date(published)[0]
    if not found or ref is None:
        return None
    n = _count(found[-1].group(1))
    if not 2 <= n <= 10:
        return None
    if title_year is None and _year_end_page(published) and not planned:
        ref -= 1
    return Year(ref - n + 1, ref, "years_up_to_now")


def _since(
    start: int, end: int, title_year: int | None, published: str, doc_latest: int | None, planned: bool = False
) -> Year:
    """X年以来: from X to the document's date. A page with no date whose text names no later year
    than X leaves the end open, so no year is given (2015年以来 on an undated page). On a page of January or
    February the results run to the year before (as 全年 in `_relative`), a plan's to the page's year."""
    last = _end_year(title_year, published, end, doc_latest)
    if last == start and not re.match(r"(?:19|20)\d\d", published or ""):
        return Year(None, None, "to_date")
    if title_year is None and _year_end_page(published) and not planned and last - 1 >= max(start, end):
        last -= 1
    return Year(start, last, "since_year")


def _end_year(title_year: int | None, published: str, latest: int, doc_latest: int | None) -> int:
    pub = re.match(r"((?:19|20)\d\d)", published or "")
    if pub:
        return max(latest, int(pub.group(1)))
    return max(latest, title_year or 0, doc_latest or 0)


def latest_year(text: str) -> int | None:
    """The latest year the text names (what a 以来 runs to when the document carries no date); the years of a
    document's name (《…专项规划(2026—2030年)》, a plan's future) only when the text names no other."""
    outside = DOCUMENT_NAME.sub(" ", text)
    years = [int(y) for y in YEAR_MENTION.findall(outside)] or [int(y) for y in YEAR_MENTION.findall(text)]
    return max(years) if years else None


# The years each Central Committee term ran its inspection rounds (public record): a cumulative
# count under 十八届中央 covers 2013–2017.
CENTRAL_TERMS = {"十八": (2013, 2017), "十九": (2018, 2022), "二十": (2023, 2027)}
CENTRAL_TERM = re.compile(r"(十八|十九|二十)届(?:中央|党中央)")
TO_DATE = re.compile(r"截至目前|截止目前|截至当前|截至今日|至今|目前为止")
# not 十六届县委第五轮; 七届县委已经完成对58个… counts over the term too
LOCAL_TERM = re.compile(r"[一二三四五六七八九十]+届(?:省|市|州|县|区|旗)委(?:共|累计|已经?|先后)")
CUMULATIVE = re.compile(r"共|累计|先后|五年来|以来|届内|本届")


# The year each round of central inspection ran (public record: the rounds' announcements), by term and ordinal.
CENTRAL_ROUND_YEARS = {
    "十八": (2013, 2013, 2014, 2014, 2014, 2015, 2015, 2015, 2016, 2016, 2016, 2017),
    "十九": (2018, 2018, 2019, 2019, 2020, 2020, 2021, 2021, 2022),
    "二十": (2023, 2023, 2024, 2024, 2025, 2025),
}
CENTRAL_ROUND = re.compile(r"(十八|十九|二十)届(?:中央|党中央)第([一二三四五六七八九十]{1,3}|\d{1,2})轮")


def _central_round(prefix: str) -> Year | None:
    """十九届中央第七轮巡视的N个单位: the year of the round the sentence names last before the figure."""
    rounds = list(CENTRAL_ROUND.finditer(prefix))
    if not rounds or YEAR_MENTION.search(prefix):
        return None
    term, ordinal = rounds[-1].groups()
    n = _count(ordinal)
    years = CENTRAL_ROUND_YEARS[term]
    if 1 <= n <= len(years):
        return Year(years[n - 1], years[n - 1], "central_round")
    return None


TERM_INSPECTIONS = re.compile(r"(十八|十九|二十)届(?:中央|党中央)巡视(?!组|办|工作|机构)")
# 党的十八大以来, 十八大后: from the first year of the congress's term to the document's date.
CONGRESS_SINCE = re.compile(r"(十八|十九|二十)大(?:以来|后|之后)")


def _central_term(prefix: str, before_in_passage: str, before_in_document: str) -> Year | None:
    """A cumulative count (共/累计/先后) with no year of its own, under a named central term; or a figure of the
    term's inspections as a whole (十九届中央巡视的覆盖率; not one of its rounds, 十九届中央第五轮巡视)."""
    whole_term = TERM_INSPECTIONS.findall(prefix)
    if whole_term and not YEAR_MENTION.search(prefix):
        start, end = CENTRAL_TERMS[whole_term[-1]]
        return Year(start, end, "central_term")
    if not CUMULATIVE.search(prefix) or YEAR_MENTION.search(prefix):
        return None
    for text in (prefix, before_in_passage, before_in_document):
        terms = CENTRAL_TERM.findall(text)
        if terms:
            start, end = CENTRAL_TERMS[terms[-1]]
            return Year(start, end, "central_term")
    return None


def resolve_year(
    prefix: str,
    before_in_passage: str,
    heading: str,
    title: str,
    published: str,
    period: str | None,
    before_in_document: str = "",
    doc_latest: int | None = None,
    planned: bool = False,
    rectification_result: bool = False,
    fed_back: bool = False,
    latest_in_passing: bool = False,
) -> Year:
    """The year(s) a figure covers, from the words before it in its sentence, the sentences before
    it in its passage, its section heading, the passages before it, and the document's title and date.
    `fed_back`: a count of problems the inspection fed back (found), which takes the inspection's years."""
    title_year, pub_year = reference_year(title, published)
    # (only a fed-back count asks: searched for every figure, it took 40% of the resolve stage)
    inspection = _inspection_years(before_in_document + before_in_passage) if fed_back else None
    for text in (prefix, str(period or "")):
        found = _years_before(text)
        if found:
            start, end, at = found
            if SINCE.match(text[at:]):
                return _since(start, end, title_year, published, doc_latest, planned)
            if text is prefix and _cut_off(text):
                # 截至2025年6月30日: the day progress is reported to, not when the counted things happened
                began = _years_before(before_in_passage)
                if began and SINCE.match(before_in_passage[began[2] :]) and began[0] < end:
                    return Year(began[0], end, "since_year")  # 2017年以来…。截至2018年底,共…
                if fed_back and inspection:
                    return Year(inspection[0], inspection[1], "inspection_year")
            return Year(start, end, "sentence_year" if start == end else "sentence_years")
    if fed_back and inspection:
        # the problems an inspection fed back were found in the inspection's years (2024年9月至11月…巡察), not
        # in the year of the feedback or of the report on their rectification
        return Year(inspection[0], inspection[1], "inspection_year")
    span = _years_up_to_now(prefix, title_year, published, planned)
    if span:
        return span
    congress = list(CONGRESS_SINCE.finditer(prefix))
    after_congress = prefix[congress[-1].end() :] if congress else ""
    if congress and not (THIS_YEAR.search(after_congress) or LAST_YEAR.search(after_congress)):
        # (十八大以来…去年开展了两轮巡视: the relative year after it decides)
        start = CENTRAL_TERMS[congress[-1].group(1)][0]
        since = _since(start, start, title_year, published, doc_latest, planned)
        return Year(since.start, since.end, "since_congress") if since.start is not None else since
    central_round = _central_round(prefix)
    if central_round:
        return central_round
    term = _central_term(prefix, before_in_passage, before_in_document)
    if term:
        return term
    if TO_DATE.search(prefix) or LOCAL_TERM.search(prefix):
        # 截至目前… / 十四届县委共…: a count up to the report's day or over a local committee's
        # term, whose years the text does not give; after X年以来 in the passage, from X to the page's date;
        # a unit's own rectification result on a dated page (not a tally 共/累计 over many), as of the page's date.
        began = _years_before(before_in_passage)
        if TO_DATE.search(prefix) and began and SINCE.match(before_in_passage[began[2] :]):
            return _since(began[0], began[1], title_year, published, doc_latest, planned)
        own = rectification_result and pub_year is not None and not re.search(r"共|累计|先后", prefix)
        term_span = _years_up_to_now(before_in_passage, title_year, published, planned)
        if term_span and LOCAL_TERM.search(prefix) and not TO_DATE.search(prefix):
            return term_span  # 五年来,…。四届市委共开展12轮巡察: the term is the N years the passage opened with
        if not own or LOCAL_TERM.search(prefix):
            return Year(None, None, "to_date")
    relative = _relative(prefix, title_year, published, planned)
    if relative:
        return relative
    for text, rule in ((before_in_passage, "passage_year"), (heading, "heading_year")):
        found = _years_before(text)
        if found and not planned and pub_year is not None and found[0] > pub_year:
            continue  # a later year than the page's is a target (力争2016年实现全覆盖), not a result's year
        if found:
            start, end, at = found
            if SINCE.match(text[at:]):
                return _since(start, end, title_year, published, doc_latest, planned)
            return Year(start, end, rule)
    if title_year is not None:
        return Year(title_year, title_year, "title_year")
    found = _years_before(before_in_document)
    if found:
        if rectification_result and pub_year is not None:
            # A result of rectification (people sanctioned, rules made, problems fixed) whose only years are the
            # inspection's and its feedback's, named in earlier passages: the rectification ran from the last of
            # them to the page's date (on a page of January or February, to the year before).
            end = pub_year - 1 if _year_end_page(published) else pub_year
            if end > found[1]:
                return Year(found[1], end, "rectification_to_date")
        return Year(found[0], found[1], "document_year")
    review = _years_up_to_now(before_in_document, title_year, published, planned)
    if review:
        return review  # a review that opened with 五年来 and names no year: its figures cover those years
    if pub_year is not None:
        # A page dated January or February with no year of its own reports on the year before
        # (year-end summaries), as 全年/今年 do above.
        if _year_end_page(published):
            return Year(pub_year - 1, pub_year - 1, "published_year")
        return Year(pub_year, pub_year, "published_year")
    if doc_latest is not None and not latest_in_passing:
        # (not a year named once in passing by a text that speaks of 今年: 2016年底…, 2016年…考核中靠后的)
        return Year(doc_latest, doc_latest, "document_latest")
    return NO_YEAR


# A stretch of this year told as past (今年6月18日至7月15日,…开展了…): on a page dated before its end, a repost.
PAST_STRETCH = re.compile(r"今年(\d{1,2})月[^。；;，,]{0,8}?(?:至|到|—|-)(\d{1,2})月[^。；;]{0,60}?(?:已|了)")


def _content_date(text: str, published: str, doc_latest: int | None) -> str:
    """The date the text was written at: the page's own, unless the text tells a stretch of 今年 that ends after
    the page's month (a repost of an older report): then the end of the latest earlier year the text names, or
    no date."""
    year, month = _page_date(published)
    if year is None or month is None:
        return published
    for found in PAST_STRETCH.finditer(text):
        if int(found.group(2)) > month and int(found.group(1)) <= int(found.group(2)):
            return f"{doc_latest}-12" if doc_latest is not None and doc_latest < year else ""
    return published


def _cut_off(prefix: str) -> bool:
    """The last year named before the figure is the day progress is counted to (截至2025年6月30日,)."""
    found = list(YEAR_MENTION.finditer(prefix))
    return bool(found) and re.search(r"(截至|截止|截止到)\s*$", prefix[: found[-1].start()]) is not None


# An inspection's own dates in a rectification report: 2024年9月6日至11月20日,澜山三组对…开展了巡察.
INSPECTION_SENTENCE = re.compile(
    r"[^。；;]*?((?:19|20)\d\d)\s*年[^。；;]*?对[^。；;]{1,60}?(?:开展|进行|实施)了?[^。；;]{0,16}?(?:巡察|巡视)"
)


@functools.lru_cache(maxsize=64)
def _inspection_years(text: str) -> tuple[int, int] | None:
    """The years of the first inspection a text dates (a rectification report opens with them): the first year
    named in that sentence and those joined to it (2023年10月9日至2024年1月12日 → 2023, 2024), not the year its
    feedback followed in."""
    sentence = INSPECTION_SENTENCE.search(text)
    if not sentence:
        return None
    found = list(YEAR_MENTION.finditer(sentence.group(0)))
    years, i = [int(found[0].group(1))], 0
    while i + 1 < len(found) and YEAR_JOIN.match(sentence.group(0)[found[i].end() : found[i + 1].start()]):
        i += 1
        years.append(int(found[i].group(1)))
    return min(years), max(years)


# The problems an inspection fed back (巡察反馈的37个问题, 反馈意见指出12项问题).
FED_BACK = re.compile(r"反馈|指出|(?:巡察|巡视)组提出")

# What a unit's rectification yields: a year named only for the inspection does not bound these.
RECTIFICATION_RESULTS = frozenset({"people_held_accountable", "rules_established", "problems_resolved"})


@dataclass
class _Figure:
    index: Any
    indicator: str
    value: float | None
    masked: bool
    start: int  # raw
    norm: int  # normalized offset of the figure
    passage_id: int
    sentence_id: int
    prefix: str  # the sentence's text before the figure
    passage_len: int = 0  # length of its passage: a figure restated in a headline or lead stands in a shorter one


def _enumerated_total(
    f: _Figure, same_sentence: list[_Figure], out: dict[Any, tuple[str, int | None, str]]
) -> tuple[_Figure, list[_Figure]] | None:
    """The total an enumeration after it adds up to: 对38个党组织开展巡察，覆盖市直部门21个、事业单位13个
    及国有企业4家 (21 + 13 + 4 = 38). `f` is the latest item; the items run back to the total."""
    items = [f]
    for g in reversed(same_sentence):
        if g.indicator != f.indicator or g.masked or g.value is None:
            continue
        role = out[g.index]
        if role[0] == "total" and abs(sum(i.value or 0 for i in items) - g.value) < 0.01:
            return (g, items) if len(items) >= 2 else None
        if role[0] == "repeat":
            break
        items.append(g)
    return None


OPEN_BRACKET = re.compile(r"[(（][^()（）]*$")


def _bracketed_under(f: _Figure, totals: list[_Figure]) -> _Figure | None:
    """A figure inside brackets opened right after a total of its family (给予党纪处分9人(党内警告5人,
    撤职1人…)): the brackets break that total down."""
    bracket = OPEN_BRACKET.search(f.prefix)
    if bracket is None:
        return None
    for g in reversed(totals):
        between = f.prefix[len(g.prefix) : bracket.start()]
        if len(g.prefix) < bracket.start() and len(between) <= 8 and not re.search(r"[，,；;。、]", between):
            return g if _family(g.indicator) == _family(f.indicator) else None
    return None


# Below this a value recurring in a report is as likely another count (1 round, 0 people) as a restatement.
RESTATED_MIN_VALUE = 10
# A headline, sub-heading or one-line lead is shorter than this; the figure's main mention is in a longer passage.
MAIN_PASSAGE_MIN = 60


def _role_rows(figures: list[_Figure]) -> dict[Any, tuple[str, int | None, str]]:
    """index -> (role, parent raw_start, rule), in reading order."""
    out: dict[Any, tuple[str, int | None, str]] = {}
    by_sentence: dict[tuple[int, int], list[_Figure]] = {}
    ordered = sorted(figures, key=lambda f: (f.norm, f.indicator))
    for f in ordered:
        key = (f.passage_id, f.sentence_id)
        same_sentence = by_sentence.setdefault(key, [])
        role: tuple[str, int | None, str] = ("total", None, "standalone")
        totals = [g for g in same_sentence if out[g.index][0] == "total"]
        bracketed = _bracketed_under(f, totals)
        if BACK_REFERENCE.search(f.prefix[-6:]):
            role = ("repeat", None, "back_reference")
        elif bracketed is not None:
            role = ("part", bracketed.start, "breakdown_in_brackets")
        else:
            cue = None
            for m in BREAKDOWN.finditer(f.prefix):
                if not INCLUDED_IN_NEXT.match(f.prefix, m.start()):
                    cue = m  # (not 包括3名处级干部在内的41名干部: a part of the count that follows it)
            if cue is not None:
                before_cue = [g for g in totals if len(g.prefix) < cue.start()]
                parent = next((g for g in reversed(before_cue) if _family(g.indicator) == _family(f.indicator)), None)
                if parent is not None:
                    role = ("part", parent.start, "breakdown_in_sentence")
                elif cue.start() <= 2:
                    # 其中… opening a sentence breaks down the last total of the sentence before.
                    prev = by_sentence.get((f.passage_id, f.sentence_id - 1), [])
                    prev_totals = [g for g in prev if out[g.index][0] == "total"]
                    parent = next((g for g in reversed(prev_totals) if g.indicator == f.indicator), None)
                    if parent is not None:
                        role = ("part", parent.start, "breakdown_next_sentence")
        if role[0] == "total" and not f.masked and f.value is not None:
            found = _enumerated_total(f, same_sentence, out)
            if found is not None:
                role = ("part", found[0].start, "items_sum_to_total")
                for item in found[1][1:]:
                    out[item.index] = role
        out[f.index] = role
        same_sentence.append(f)
    _items_summing_to_an_earlier_total(ordered, by_sentence, out)
    _items_under_a_total(by_sentence, out)
    _items_after_a_cumulative_total(by_sentence, out)
    _restated(ordered, out)
    return out


# Units of any kind add up: 已巡察14个党组织,包括6个村(社区)、6个区直部门、2个区属国有企业.
UNIT_KINDS = ("orgs_inspected", "villages_inspected", "townships_inspected")


def _family(indicator: str) -> str:
    return "units_inspected" if indicator in UNIT_KINDS else indicator


Roles = dict[Any, tuple[str, int | None, str]]


def _items_summing_to_an_earlier_total(
    ordered: list[_Figure], by_sentence: dict[tuple[int, int], list[_Figure]], out: Roles
) -> None:
    """Two or more totals of one family in a sentence, or else in a passage, whose sum is exactly a total
    given earlier in the document (a headline's 20个地区和单位, then 对2个省辖市和14个县(区)…;对1个省直单位
    和1所高校…;对2户企业…): parts of it."""
    by_passage: dict[int, list[_Figure]] = {}
    for (passage_id, _), figures in sorted(by_sentence.items()):
        by_passage.setdefault(passage_id, []).extend(figures)
    for figures in [*by_sentence.values(), *by_passage.values()]:
        by_family: dict[str, list[_Figure]] = {}
        for f in figures:
            if out[f.index][0] == "total" and not f.masked and f.value is not None:
                by_family.setdefault(_family(f.indicator), []).append(f)
        for family, items in by_family.items():
            if len(items) < 2:
                continue
            first = min(f.norm for f in items)
            total = sum(f.value or 0 for f in items)
            earlier = [
                g
                for g in ordered
                if g.norm < first
                and _family(g.indicator) == family
                and out[g.index][0] == "total"
                and not g.masked
                and g.value is not None
                and abs(g.value - total) < 0.01
                and g.passage_id != items[0].passage_id
            ]
            if earlier:
                for f in items:
                    out[f.index] = ("part", earlier[-1].start, "items_sum_to_earlier_total")


# 共巡视90个地方和单位, 实现对20个省区市、40家企业的全覆盖: a cumulative total, then what it covered.
CUMULATIVE_TOTAL = re.compile(r"(共|累计|总计|合计|共计)[^，,。；;]{0,6}$")
COVERED_ITEMS = re.compile(r"实现(了)?对|涉及|包括|覆盖")


def _items_after_a_cumulative_total(by_sentence: dict[tuple[int, int], list[_Figure]], out: Roles) -> None:
    """Figures of one family after a cumulative total (共/累计…) in the same sentence, in later clauses and
    adding up to no more than it: parts of it (the groups the total covered)."""
    for figures in by_sentence.values():
        ordered = sorted(figures, key=lambda f: f.norm)
        for i, total in enumerate(ordered):
            if (
                out[total.index][0] != "total"
                or total.masked
                or total.value is None
                or not CUMULATIVE_TOTAL.search(total.prefix)
                or total.indicator not in UNIT_KINDS
            ):
                continue
            family = _family(total.indicator)
            items = [
                f
                for f in ordered[i + 1 :]
                if _family(f.indicator) == family
                and out[f.index][0] == "total"
                and not f.masked
                and f.value is not None
                and re.search(r"[，,；;]", f.prefix[len(total.prefix) :])  # in a later clause
                and not CUMULATIVE_TOTAL.search(f.prefix)  # (a total of its own: 共发现…)
                # what the total covered (实现对…的全覆盖, 涉及, 包括), not a new inspection (对12个省区市开展“回头看”)
                and COVERED_ITEMS.search(re.split(r"[，,；;]", f.prefix)[-1])
            ]
            if items and sum(f.value or 0 for f in items) < total.value:
                for f in items:
                    out[f.index] = ("part", total.start, "items_after_cumulative_total")


def _items_under_a_total(
    by_sentence: dict[tuple[int, int], list[_Figure]], out: dict[Any, tuple[str, int | None, str]]
) -> None:
    """Two or more totals of one type listed in a sentence (开展了7轮巡察。对9个县直单位、25个村…)
    under a total of that type in the sentence before, at least their sum: parts of it."""
    for (passage_id, sentence_id), figures in by_sentence.items():
        by_type: dict[str, list[_Figure]] = {}
        for f in figures:
            if out[f.index][0] == "total" and not f.masked and f.value is not None:
                by_type.setdefault(f.indicator, []).append(f)
        previous = by_sentence.get((passage_id, sentence_id - 1), [])
        for indicator, items in by_type.items():
            candidates = [
                g
                for g in previous
                if g.indicator == indicator and out[g.index][0] == "total" and not g.masked and g.value is not None
            ]
            if len(items) >= 2 and candidates and (candidates[-1].value or 0) >= sum(g.value or 0 for g in items):
                for g in items:
                    out[g.index] = ("part", candidates[-1].start, "items_under_previous_total")


def _restated(ordered: list[_Figure], out: dict[Any, tuple[str, int | None, str]]) -> None:
    """One figure given more than once (a headline, a lead, a sub-heading, a recap): the mention in
    the longest passage is the figure, the others repeat it."""
    groups: dict[tuple[str, float], list[_Figure]] = {}
    for f in ordered:
        if f.masked or f.value is None or f.value < RESTATED_MIN_VALUE or out[f.index][2] == "back_reference":
            continue
        groups.setdefault((f.indicator, f.value), []).append(f)
    for mentions in groups.values():
        if len(mentions) < 2:
            continue
        long_enough = [f for f in mentions if f.passage_len >= MAIN_PASSAGE_MIN]
        main = (long_enough or mentions)[0]
        for f in mentions:
            # two items of one list (处分6人、诫勉6人) are no restatement of each other
            if f is not main and (f.passage_id, f.sentence_id) != (main.passage_id, main.sentence_id):
                out[f.index] = ("repeat", None, "same_figure_elsewhere")


def resolve(
    indicators: pd.DataFrame, passages: pd.DataFrame, sentences: pd.DataFrame, normalized: pd.DataFrame
) -> pd.DataFrame:
    """The document's indicator rows with role, parent, year and the rules that decided them."""
    table = indicators.drop(columns=[c for c in RESOLVED_COLUMNS if c in indicators.columns])
    if table.empty:
        table = table.copy()
        for col in RESOLVED_COLUMNS:
            table[col] = pd.Series(dtype="Int64" if col in ("parent", "year_start", "year_end") else object)
        return table
    # Columns read as Python lists, not rows: iterrows, itertuples and iloc on these small frames
    # (Arrow-backed strings) were three quarters of this stage's CPU.
    text = str(normalized["text"].iat[0])
    char_raw = np.asarray(normalized["char_raw_start"].iat[0], dtype=np.int64)
    title, published = (normalized[c].iat[0] if c in normalized.columns else None for c in ("title", "published"))
    title = title if isinstance(title, str) else ""
    published = published if isinstance(published, str) else ""
    spans: dict[int, list[tuple[int, int, int]]] = {}  # passage -> (sentence_id, start, end), in order
    sentence_columns = (sentences[c].tolist() for c in ("passage_id", "sentence_id", "norm_start", "norm_end"))
    for p, s, a, b in zip(*sentence_columns, strict=True):
        spans.setdefault(int(p), []).append((int(s), int(a), int(b)))
    for ordered in spans.values():
        ordered.sort()
    ids = [int(p) for p in passages.passage_id.tolist()]
    heading = {p: str(h or "") for p, h in zip(ids, passages.heading.tolist(), strict=True)}
    passage_start = {p: int(a) for p, a in zip(ids, passages.norm_start.tolist(), strict=True)}
    passage_len = {p: len(str(t)) for p, t in zip(ids, passages.text.tolist(), strict=True)}
    doc_latest = latest_year(text)
    published = _content_date(text, published, doc_latest)
    # the latest year is the page's present only if the text names it more than once or never says 今年 (a text
    # that speaks of 今年 and names 2016 once, 2016年底…, is not of 2016)
    latest_once = doc_latest is not None and "今年" in text and len(re.findall(rf"(?<!\d){doc_latest}\s*年", text)) < 2
    rows = {c: table[c].tolist() for c in ("passage_id", "sentence_id", "raw_start", "value", "indicator", "masked")}
    periods = table["period"].tolist() if "period" in table.columns else [None] * len(table)
    modalities = table["modality"].tolist() if "modality" in table.columns else [None] * len(table)
    norms = np.searchsorted(char_raw, np.asarray(rows["raw_start"], dtype=np.int64), side="left").tolist()
    figures: list[_Figure] = []
    years: list[Year] = []
    for i in range(len(table)):
        key = (int(rows["passage_id"][i]), int(rows["sentence_id"][i]))
        norm = int(norms[i])
        in_passage = spans.get(key[0], [])
        here = next((s for s in in_passage if s[0] == key[1]), None)
        if here is not None:
            norm = min(max(norm, here[1]), here[2])
            prefix = text[here[1] : norm]
            before = "".join(text[a:b] for s, a, b in in_passage if s < key[1])
        else:
            prefix, before = "", ""
        value = rows["value"][i]
        figures.append(
            _Figure(
                i,
                str(rows["indicator"][i]),
                None if pd.isna(value) else float(value),
                bool(rows["masked"][i]),
                int(rows["raw_start"][i]),
                norm,
                key[0],
                key[1],
                prefix,
                passage_len.get(key[0], 0),
            )
        )
        period = periods[i]
        years.append(
            resolve_year(
                prefix,
                before,
                heading.get(key[0], ""),
                title,
                published,
                period if isinstance(period, str) else None,
                text[: passage_start.get(key[0], 0)],
                doc_latest,
                modalities[i] == "planned",
                str(rows["indicator"][i]) in RECTIFICATION_RESULTS,
                # (suggestions a team puts forward with its feedback take the inspection's years too)
                str(rows["indicator"][i]) in ("problems_found", "suggestions_issued")
                and FED_BACK.search(prefix) is not None,
                latest_once,
            )
        )
    roles = _role_rows(figures)
    resolved: dict[str, Any] = {
        "role": [roles[i][0] for i in range(len(table))],
        "parent": pd.array([roles[i][1] for i in range(len(table))], dtype="Int64"),
        "role_rule": [roles[i][2] for i in range(len(table))],
        "year": [y.label for y in years],
        "year_start": pd.array([y.start for y in years], dtype="Int64"),
        "year_end": pd.array([y.end for y in years], dtype="Int64"),
        "year_rule": [y.rule for y in years],
    }
    # One frame built from all columns: inserting seven columns one by one rebuilt pandas' column
    # index each time (Arrow-backed strings), 0.5 s over 200 reports.
    kept = {c: table[c] for c in table.columns}
    return pd.DataFrame({**kept, **resolved}, index=table.index, copy=False)
