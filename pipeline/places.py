"""Bodies and places: which level of inspection a document reports and where.

Places come from cpca's table of China's administrative divisions (province, city,
county names with their codes); bodies (市委巡察办, 中央巡视组 …) from
`corpora/lexicons/bodies.txt` plus patterns. A document's `level` is decided by the
inspecting body its title, source line and body name first and most often.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from pipeline.config import LEXICON_DIR

if TYPE_CHECKING:
    from pipeline.textmap import MappedText

LEVELS = ("central", "provincial", "city", "county")

# The inspecting body names its level: 巡视 is central or provincial work, 巡察 city or county.
BODY_LEVEL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("central", re.compile(r"中央巡视|中央纪委|党中央.{0,4}巡视|中央单位|中央和国家机关|全国各市县")),
    ("provincial", re.compile(r"(省|自治区)委.{0,6}巡视|省委巡视|省巡视|自治区党委巡视|省委第.{1,3}巡视组")),
    ("city", re.compile(r"(市|州|盟|地)委.{0,8}巡察|市委巡察|市级巡察|州委巡察")),
    ("county", re.compile(r"(县|区|旗|市辖区)委.{0,8}巡察|县委巡察|区委巡察|县级巡察|旗委巡察")),
]


@dataclass(frozen=True)
class Division:
    province: str
    city: str | None
    county: str | None


@lru_cache(maxsize=1)
def _divisions() -> pd.DataFrame:
    # Read cpca's data file without importing cpca: its __init__ needs pkg_resources, which
    # setuptools 80+ no longer ships.
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("cpca (administrative divisions table) is not installed")
    return pd.read_csv(Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv", dtype=str)


def _short(name: str) -> str:
    """绥化市 → 绥化, 黑龙江省 → 黑龙江; names of two characters stay whole (泗县)."""
    short = re.sub(
        r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|自治县|地区|省|市|县|区|盟|旗)$", "", name
    )
    return short if len(short) >= 2 else name


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, tuple[str, str]]:
    """Place name (full and short form) → (rank, full name); rank is province/city/county."""
    table = _divisions()
    names: dict[str, tuple[str, str]] = {}
    for row in table.itertuples(index=False):
        code = str(row.adcode)
        name = str(row.name)
        rank = "province" if code.endswith("0000000000") else "city" if code.endswith("00000000") else "county"
        if code[6:] != "000000":
            continue  # townships are too many and too ambiguous for document-level region
        for key in {name, _short(name)}:
            if len(key) >= 2 and key not in names:
                names[key] = (rank, name)
    return names


@lru_cache(maxsize=1)
def _parents() -> dict[str, Division]:
    table = _divisions()
    by_code = {str(r.adcode)[:6]: str(r.name) for r in table.itertuples(index=False) if str(r.adcode)[6:] == "000000"}
    out: dict[str, Division] = {}
    for code, name in by_code.items():
        province = by_code.get(code[:2] + "0000", name)
        city = by_code.get(code[:4] + "00") if code[2:4] != "00" else None
        county = name if code[4:] != "00" else None
        if city and city in ("市辖区", "县"):
            city = None
        if name not in out:
            out[name] = Division(province, city if city != province else None, county)
    return out


@lru_cache(maxsize=1)
def _place_pattern() -> re.Pattern[str]:
    """The reference matcher (`_gazetteer_matches` gives the same matches, faster)."""
    names = sorted(gazetteer(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


@lru_cache(maxsize=1)
def _names_by_prefix() -> dict[str, tuple[int, ...]]:
    """First two characters of a place name → the lengths of the names that start with them, longest first."""
    lengths: dict[str, set[int]] = {}
    for name in gazetteer():
        lengths.setdefault(name[:2], set()).add(len(name))
    return {prefix: tuple(sorted(n, reverse=True)) for prefix, n in lengths.items()}


def _gazetteer_matches(text: str) -> list[tuple[int, int]]:
    """The spans `_place_pattern().finditer(text)` finds (leftmost, then longest, not overlapping),
    by looking up the names that start with each two characters. Measured: 15x faster than the
    regex alternation of 6,162 names (0.20 s → 0.013 s on the 51 gold reports), which was the
    largest single cost of the segment stage and of extract's subject look-up (3.3 s of a 37 s
    refresh of 200 reports)."""
    names, by_prefix = gazetteer(), _names_by_prefix()
    out: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n - 1:
        for length in by_prefix.get(text[i : i + 2], ()):
            if i + length <= n and text[i : i + length] in names:
                out.append((i, i + length))
                i += length
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=1)
def bodies() -> list[tuple[str, str, str]]:
    rows = []
    for line in (LEXICON_DIR / "bodies.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            rows.append((parts[0], parts[1], parts[2]))
    return rows


PROVINCE_SHORT = re.compile(
    r"(北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|河南|湖北|湖南|广东|海南|"
    r"四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|宁夏|新疆|香港|澳门)(?=[:：省市委]|自治区)"
)
# A place named by its party committee or government, real or not in the table: 青崖市委, 沅溪县:
NAMED_BODY = re.compile(
    r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,6}?(?:省|市|县|区|州|盟|旗))(?=委|纪委|人民政府|政府|[:：]|巡察|巡视|各地)|(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,5}?省)"
)
NAME_PREFIX = re.compile(r"^(中共|根据|关于|推动|认真落实|落实|按照|经|在|由|对|向|据|今年|去年|目前)")
OUTLET_PLACE = re.compile(r"^([\u4e00-\u9fff]{2,3}?)(日报|晚报|新闻网|融媒|发布|广播电视台|电视台|网)")
RANKS = {
    "省": "province",
    "自治区": "province",
    "市": "city",
    "州": "city",
    "盟": "city",
    "县": "county",
    "区": "county",
    "旗": "county",
}


@lru_cache(maxsize=4096)  # a handful of distinct cores (督促市, 左右省) recur in every report
def _is_function_word(core: str) -> bool:
    from pipeline.config import Segmenter
    from pipeline.words import domain_tokenizer

    tags = [t.pos for t in domain_tokenizer(Segmenter.FAST).tag(core)]
    return any(tag[:1] in "vdpcurmqf" and tag != "vn" for tag in tags)


def find_places(text: str) -> list[tuple[str, str, str]]:
    """(surface, rank, full name) of each administrative place named in the text."""
    return [(surface, rank, full) for surface, rank, full, _, _ in place_spans(text)]


def place_spans(text: str) -> list[tuple[str, str, str, int, int]]:
    """(surface, rank, full name, start, end) of each administrative place named in the text.

    Full names of three or more characters from the divisions table; provinces by their short
    name; other places only where a body or a colon names them (青崖市委, 沅溪县:). Two-character
    county names (和县, 沙县) are left to that last rule: as bare words they collide with text."""
    return list(_place_spans(text))


# The same passage is looked up again and again: by `mentions`, and by extract's subject rule for
# every figure in it (`body_spans` of the passage). Measured on a 200-report refresh: 9,783 calls
# for ~4,100 distinct texts.
@lru_cache(maxsize=4096)
def _place_spans(text: str) -> tuple[tuple[str, str, str, int, int], ...]:
    out: list[tuple[str, str, str, int, int]] = []
    names = gazetteer()
    for a, b in _gazetteer_matches(text):
        surface = text[a:b]
        rank, full = names[surface]
        if surface == full and len(full) >= 3:
            out.append((surface, rank, full, a, b))
    for m in PROVINCE_SHORT.finditer(text):
        rank, full = names.get(m.group(1), ("province", m.group(1)))
        out.append((m.group(1), "province", full, m.start(1), m.end(1)))
    for m in NAMED_BODY.finditer(text):
        group = 1 if m.group(1) else 2
        name = NAME_PREFIX.sub("", m.group(group))
        core = name[:-1]
        if not 2 <= len(core) <= 3 or re.search(r"[省市县区州届在和与及对的了各全本该我其从者讯]", core):
            continue
        if _is_function_word(core):
            continue  # 督促市委, 15个左右省委: a verb or measure phrase, not a place name
        if name in names and len(name) >= 3:
            continue  # counted above
        rank, full = names.get(name, (RANKS.get(name[-1], "county"), name))
        out.append((name, rank, full, m.end(group) - len(name), m.end(group)))
    return tuple(out)


def infer_level(text: str) -> str | None:
    votes: Counter[str] = Counter()
    for level, pattern in BODY_LEVEL_PATTERNS:
        votes[level] += len(pattern.findall(text))
    for name, kind, level in bodies():
        if kind == "inspecting" and level in LEVELS and name in text:
            votes[level] += text.count(name)
    if not votes or votes.most_common(1)[0][1] == 0:
        return None
    return votes.most_common(1)[0][0]


def infer_region(head: str, body: str) -> str | None:
    """'province / city / county' as far as known, from the places the title, source line
    (weighted three times) and body name most."""
    counts: Counter[str] = Counter()
    ranks: dict[str, str] = {}
    for text, weight in ((head, 3), (body, 1)):
        for _, rank, full in find_places(text):
            counts[full] += weight
            ranks[full] = rank
    # A name not in the table must recur (or stand in the title) to count: one-off matches
    # are more often a verb before 省委 than a place.
    counts = Counter({n: c for n, c in counts.items() if n in gazetteer() or c >= 2})
    if not counts:
        # A paper or site named after its place (青崖日报, 湄江新闻网) still says where.
        outlet = OUTLET_PLACE.match(head.split()[-1]) if head.split() else None
        return outlet.group(1) if outlet else None
    parents = _parents()
    best, top = counts.most_common(1)[0]
    # Narrow down to a place known to lie inside it and named at least half as often
    # (黑龙江省 → 绥化市); a round-up of several counties keeps its city.
    for name, count in counts.most_common():
        inner = parents.get(name)
        if count * 2 >= top and inner and best in (inner.province, inner.city) and name != best:
            best = name
            break
    known = parents.get(best)
    if known:
        return " / ".join(x for x in (known.province, known.city, known.county) if x)
    province = next((n for n, _ in counts.most_common() if ranks[n] == "province" and n != best), None)
    return " / ".join(x for x in (province, best) if x)


def document_places(documents: pd.DataFrame) -> pd.DataFrame:
    """doc_id, level, region (province/city/county joined by ' / ')."""
    from pipeline.segment import _columns

    rows: dict[str, list[object]] = {"doc_id": [], "level": [], "region": []}
    # Columns as lists, not `itertuples`, which builds a namedtuple class per call (300 reports:
    # 0.35 s → 0.16 s CPU).
    for doc_id, title, outlet, text in _columns(documents, "doc_id", "title", "outlet", "text"):
        head = " ".join(str(x) for x in (title, outlet) if isinstance(x, str))
        rows["doc_id"].append(doc_id)
        rows["level"].append(infer_level(f"{head}\n{head}\n{text}"))  # title and source line weigh double
        rows["region"].append(infer_region(head, str(text)))
    return pd.DataFrame(rows, columns=["doc_id", "level", "region"])


# Bodies the lexicon does not list by name: 县委第三巡察组, 省委第二巡视组, 区纪委监委; a place
# named right before them (青崖市委巡察办) is taken in when place_spans finds it.
BODY_PATTERN = re.compile(
    r"(?:省|市|州|县|区|旗)委(?:第[一二三四五六七八九十\d]+)?"
    r"(?:巡视工作领导小组办公室|巡察工作领导小组办公室|巡视工作领导小组|巡察工作领导小组|巡视办|巡察办|巡视组|巡察组|巡察机构)"
    r"|(?:省|市|州|县|区)纪委监委"
)
LEVEL_OF_RANK = {"省": "provincial", "市": "city", "州": "city", "县": "county", "区": "county", "旗": "county"}


@lru_cache(maxsize=1)
def _body_table() -> dict[str, tuple[str, str]]:
    return {name: (kind, level) for name, kind, level in bodies()}


@lru_cache(maxsize=1)
def _body_pattern() -> re.Pattern[str]:
    names = sorted(_body_table(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


def body_spans(
    text: str, places: list[tuple[str, str, str, int, int]] | None = None
) -> list[tuple[str, str, str, int, int]]:
    """(surface, kind, level, start, end) of inspecting, inspected and discipline bodies.
    `places` is `place_spans(text)` when the caller has it already."""
    if places is None:
        return list(_body_spans_of(text))
    return _body_spans(text, places)


# Extract asks for the bodies of a figure's passage once per figure in it (its subject rule):
# cached by text, like `_place_spans`.
@lru_cache(maxsize=4096)
def _body_spans_of(text: str) -> tuple[tuple[str, str, str, int, int], ...]:
    return tuple(_body_spans(text, _place_spans(text)))


def _body_spans(text: str, places: Sequence[tuple[str, str, str, int, int]]) -> list[tuple[str, str, str, int, int]]:
    table = _body_table()
    spans: list[tuple[str, str, str, int, int]] = []
    taken: set[int] = set()
    place_ends = {end: start for _, _, _, start, end in places}
    for m in BODY_PATTERN.finditer(text):
        # 青崖市委: the place's own rank character opens the body's match.
        start = place_ends.get(m.start() + 1, m.start())
        surface = text[start : m.end()]
        rank = re.search(r"(省|市|州|县|区|旗)(?:委|纪委)", surface)
        kind = "discipline" if surface.endswith("纪委监委") else "inspecting"
        level = LEVEL_OF_RANK.get(rank.group(1), "any") if rank else "any"
        spans.append((surface, kind, level, start, m.end()))
        taken.update(range(start, m.end()))
    for m in _body_pattern().finditer(text):
        if m.start() not in taken:
            kind, level = table[m.group(0)]
            spans.append((m.group(0), kind, level, m.start(), m.end()))
    return sorted(spans, key=lambda s: s[3])


MENTION_COLUMNS = ["doc_id", "source", "passage_id", "mention", "kind", "level", "raw_start", "raw_end"]


def mentions(
    documents: pd.DataFrame, passages: pd.DataFrame, maps: dict[str, MappedText] | None = None
) -> pd.DataFrame:
    """One row per body or place named in a passage: kind inspecting / inspected / discipline /
    other for bodies, province / city / county for places; raw offsets into the file."""
    from pipeline.frames import frame
    from pipeline.segment import _columns, document_maps

    maps = document_maps(documents) if maps is None else maps
    rows: dict[str, list[Any]] = {c: [] for c in MENTION_COLUMNS}
    seen: set[tuple[str, int, int, str]] = set()
    by_doc: dict[str, list[tuple[Any, str, int]]] = {}
    for doc_id, passage_id, p_text, norm_start in _columns(passages, "doc_id", "passage_id", "text", "norm_start"):
        by_doc.setdefault(doc_id, []).append((passage_id, str(p_text), int(norm_start)))
    for doc_id, source in _columns(documents, "doc_id", "source"):
        text = maps[doc_id]
        for passage_id, p_text, norm_start in by_doc.get(doc_id, ()):
            places = place_spans(p_text)
            found = body_spans(p_text, places)
            found += [(s, "place", rank, a, b) for s, rank, _, a, b in places]
            for surface, kind, level, a, b in found:
                raw_start, raw_end = text.raw_span(norm_start + a, norm_start + b)
                # The first row of each (doc_id, raw_start, raw_end, kind), as `drop_duplicates` kept
                # it (with typed columns, `mentions` of 300 reports: 0.58 s → 0.20 s CPU).
                key = (doc_id, raw_start, raw_end, kind)
                if key in seen:
                    continue
                seen.add(key)
                for column, value in zip(
                    MENTION_COLUMNS,
                    (doc_id, source, passage_id, surface, kind, level, raw_start, raw_end),
                    strict=True,
                ):
                    rows[column].append(value)
    return frame(rows, MENTION_COLUMNS)
