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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from pipeline.config import LEXICON_DIR

LEVELS = ("central", "provincial", "city", "county")

# The inspecting body names its level: 巡视 is central or provincial work, 巡察 city or county.
BODY_LEVEL_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("central", re.compile(r"中央巡视|中央纪委|党中央.{0,4}巡视|中央单位|中央和国家机关|全国各市县")),
    ("provincial", re.compile(r"(省|自治区)委.{0,6}巡视|省委巡视|省巡视|自治区党委巡视|省委第.{1,3}巡视组")),
    ("city", re.compile(r"(市|州|盟|地)委.{0,8}巡察|市委巡察|市级巡察|州委巡察")),
    ("county", re.compile(r"(县|区|旗|市辖区)委.{0,8}巡察|县委巡察|区委巡察|县级巡察|旗委巡察")),
]
# Municipalities directly under the central government inspect with 巡视 at provincial rank.
MUNICIPALITIES = ("北京", "上海", "天津", "重庆")


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
    names = sorted(gazetteer(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


@lru_cache(maxsize=1)
def bodies() -> list[tuple[str, str, str]]:
    rows = []
    for line in (LEXICON_DIR / "bodies.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3 and not line.startswith("#"):
            rows.append((parts[0], parts[1], parts[2]))
    return rows


def find_places(text: str) -> list[tuple[str, str, str]]:
    """(surface, rank, full name) of each administrative place named in the text."""
    out = []
    for m in _place_pattern().finditer(text):
        rank, full = gazetteer()[m.group(0)]
        # A short name must be followed by its rank word or a body to count (绥化市委, 黑龙江省 …);
        # bare two-character names collide with ordinary words.
        if (
            m.group(0) != full
            and not re.match(r"(省|市|县|区|州|盟|旗|[:：])|委|巡|纪", text[m.end() : m.end() + 1])
            and len(m.group(0)) < 3
        ):
            continue
        out.append((m.group(0), rank, full))
    return out


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


def infer_region(text: str) -> Division | None:
    """The most specific place the document is about, from its most named places."""
    places = find_places(text)
    if not places:
        return None
    counts = Counter(full for _, _, full in places)
    parents = _parents()
    ranked = sorted(counts, key=lambda n: (-counts[n], n))
    best = ranked[0]
    division = parents.get(best)
    if division is None:
        return None
    # Prefer a county or city that sits inside the most named province.
    for name in ranked[1:4]:
        d = parents.get(name)
        if d and d.province == division.province and (d.county or d.city) and counts[name] * 2 >= counts[best]:
            division = d
            break
    return division


def document_places(documents: pd.DataFrame) -> pd.DataFrame:
    """doc_id, level, region (province/city/county joined by ' / ')."""
    rows = []
    for doc in documents.itertuples(index=False):
        head = " ".join(str(x) for x in (doc.title, doc.outlet) if isinstance(x, str))
        text = f"{head}\n{head}\n{doc.text}"  # title and source line weigh double
        level = infer_level(text)
        division = infer_region(text)
        region = None
        if division:
            region = " / ".join(x for x in (division.province, division.city, division.county) if x)
            if level == "provincial" and division.province.startswith(MUNICIPALITIES):
                level = "provincial"
        rows.append({"doc_id": doc.doc_id, "level": level, "region": region})
    return pd.DataFrame(rows, columns=["doc_id", "level", "region"])
