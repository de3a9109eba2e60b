"""Normalize: decoded raw text → clean simplified text whose every character maps to the raw.

Per line: width folding, mojibake repair, inline-pinyin removal, garbled-span flagging,
OpenCC conversion, whitespace tidying. Then page furniture is dropped by line
(`furniture.py`); HTML is first reduced to its visible text, keeping raw offsets, and
trafilatura decides which of its lines are the article.
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

import numpy as np
import opencc
import pandas as pd

from pipeline.config import OpenccMode
from pipeline.frames import column_array, frame
from pipeline.furniture import KEPT_KINDS, LineKind, PageMeta, classify_lines
from pipeline.textmap import MappedText

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# Full-width ASCII digits, letters and the symbols figures use; Chinese punctuation
# (，。：；！？) stays as it is. Corner brackets become curly double quotes.
_WIDTH_TABLE = str.maketrans(
    {
        **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "％": "%",
        "（": "(",
        "）": ")",
        "＋": "+",
        "－": "-",
        "．": ".",
        "／": "/",
        "～": "~",
        "\u3000": " ",
        "\u00a0": " ",
        "\t": " ",
        "『": "“",
        "』": "”",
        "「": "“",
        "」": "”",
    }
)

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_LETTERS = f"a-zü{_TONED}"
# A Han character followed by a parenthesized run of pinyin syllables: `發(fā)現(xiàn)`.
INLINE_PINYIN = re.compile(rf"(?<=[{HAN}])\(([{_PINYIN_LETTERS}]{{1,6}}(?:\s[{_PINYIN_LETTERS}]{{1,6}}){{0,5}})\)")
# The same debris where the converter lost the character and its opening bracket to a `?`: `屬?lài)?guó)有`.
# The pair stands for one lost character; left as it is, its `?` would end the sentence.
# A stray letter between two such pairs goes with the second (`域?qū)m?xiàng)巡`: two lost characters).
LOST_PINYIN = re.compile(rf"(?<=[{HAN})])\?[{_PINYIN_LETTERS}]{{1,6}}\)|(?<=\))[a-z]\?[{_PINYIN_LETTERS}]{{1,6}}\)")
_TONELESS_SYLLABLE = re.compile(
    r"^(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|ang|eng|ing|ong|iao|ian|uai|uan|üan|ai|ei|ao|ou|an|en|in|un|ün|er|ia|ie|iu|ua|uo|ui|üe|ue|a|o|e|i|u|ü)$"
)

# Mojibake: UTF-8 bytes read as Latin-1/CP1252 (`å·¡å¯Ÿ` for 巡察). A lead byte of a
# three-byte sequence (à-ï) followed by continuation-looking characters.
_CONTINUATION = "[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u203a\u20ac\u2122]"
MOJIBAKE = re.compile(rf"(?:[à-ï]{_CONTINUATION}{{1,2}})+")
# Characters that stand for lost ones: U+FFFD, a `?` inside a Han run, private-use glyphs.
GARBLED = re.compile(rf"\ufffd|(?<=[{HAN}])[?？]+(?=[{HAN}])|[\ue000-\uf8ff]")
SPACES = re.compile(r" {2,}")
_NOT_HAN = re.compile(rf"[^{HAN}]+")
_NOT_CJK_UNIFIED = re.compile(r"[^\u4e00-\u9fff]+")
REPLACEMENT = "\ufffd"


@lru_cache(maxsize=8)
def _opencc(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)  # building a converter loads its dictionaries: ~60 ms


def converter(mode: OpenccMode) -> opencc.OpenCC:
    return _opencc(mode.value)


def _drop_pinyin(m: re.Match[str]) -> str:
    syllables = m.group(1).split()
    is_pinyin = any(c in _TONED for c in m.group(1)) or all(_TONELESS_SYLLABLE.match(s) for s in syllables)
    return "" if is_pinyin else m.group(0)


def _repair_mojibake(m: re.Match[str]) -> str:
    import ftfy

    fixed: str = ftfy.fix_encoding(m.group(0))
    if fixed != m.group(0) and re.fullmatch(rf"[{HAN}\u3000-\u303f\uff00-\uffef]+", fixed):
        return fixed
    return REPLACEMENT * len(m.group(0))


@dataclass
class LineStats:
    pinyin_removed: int = 0
    mojibake_repaired: int = 0


def normalize_line(line: MappedText, mode: OpenccMode, stats: LineStats | None = None) -> MappedText:
    """The character-level transform chain for one line (no line breaks inside)."""
    text = line.translate_chars(lambda s: s.translate(_WIDTH_TABLE))
    if MOJIBAKE.search(text.text):
        repaired = text.sub(MOJIBAKE, _repair_mojibake)
        if stats is not None:
            stats.mojibake_repaired += len(MOJIBAKE.findall(text.text))
        text = repaired
    if "(" in text.text:
        before = len(text)
        text = text.sub(INLINE_PINYIN, _drop_pinyin)
        if stats is not None and len(text) != before:
            stats.pinyin_removed += 1
    if ")" in text.text:
        text = text.sub(LOST_PINYIN, lambda m: REPLACEMENT)
    text = text.sub(GARBLED, lambda m: REPLACEMENT * len(m.group(0)))
    text = text.translate_chars(converter(mode).convert)
    text = text.sub(SPACES, lambda m: " ")
    return text.strip()


# --- HTML: visible text with raw offsets -------------------------------------------------

BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "td",
    "th",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "title",
    "form",
    "main",
    "figure",
    "figcaption",
}
SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head"}


class _VisibleText(HTMLParser):
    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", raw)]
        self.parts: list[MappedText] = []
        self.skip_depth = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _newline(self) -> None:
        at = self._offset()
        self.parts.append(MappedText("\n", (at,), (at,)))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIP_TAGS:
            self.skip_depth += 1
        elif tag in BLOCK_TAGS:
            self._newline()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in BLOCK_TAGS:
            self._newline()

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        start = self._offset()
        chunk = MappedText.from_raw(data, start)
        self.parts.append(MappedText(re.sub(r"[\r\n\t]", " ", data), chunk.starts, chunk.ends))

    def _reference(self, reference: str) -> None:
        if self.skip_depth:
            return
        start = self._offset()
        end = self.raw.find(";", start, start + 12)
        end = end + 1 if end != -1 else start + len(reference)
        char = html.unescape(self.raw[start:end])
        self.parts.append(MappedText(char, (start,) * len(char), (end,) * len(char)))

    def handle_entityref(self, name: str) -> None:
        self._reference(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._reference(f"&#{name};")


def html_visible_text(raw: str) -> MappedText:
    parser = _VisibleText(raw)
    parser.feed(raw)
    parser.close()
    return MappedText.concat(parser.parts)


def _html_main_text(raw: str, mode: OpenccMode) -> tuple[set[str], PageMeta]:
    """Paragraphs trafilatura takes for the article, normalized as our lines are, and its metadata."""
    import trafilatura

    extracted = trafilatura.extract(raw, include_comments=False, include_tables=True, favor_recall=True) or ""
    meta = trafilatura.extract_metadata(raw)
    # Compared with normalized lines, so normalized the same way (script, full-width forms, pinyin).
    paragraphs = {
        re.sub(r"\s+", "", normalize_line(MappedText.from_raw(p), mode).text)
        for p in extracted.splitlines()
        if p.strip()
    }
    page = PageMeta(
        title=getattr(meta, "title", None),
        published=getattr(meta, "date", None),
        outlet=getattr(meta, "sitename", None),
        author=getattr(meta, "author", None),
    )
    return paragraphs, page


# --- documents ---------------------------------------------------------------------------


@dataclass
class NormalizedDocument:
    text: MappedText
    lines: list[dict[str, object]]
    meta: PageMeta
    flags: list[str] = field(default_factory=list)
    quality: float = 1.0
    script: str = "simplified"


def split_raw_lines(raw: str) -> list[MappedText]:
    """Lines of the raw text (as `str.splitlines`), without their line breaks, with offsets."""
    lines, pos = [], 0
    for piece in raw.splitlines(keepends=True):
        content = piece.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
        lines.append(MappedText.from_raw(content, pos))
        pos += len(piece)
    return lines


def _differing(a: str, b: str) -> int:
    """Characters that differ at the same position, up to the shorter string (as `zip` pairs them),
    compared as arrays of code points: 0.22 → 0.015 ms for a report's two comparisons."""
    n = min(len(a), len(b))
    x = np.frombuffer(a[:n].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    y = np.frombuffer(b[:n].encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return int(np.count_nonzero(x != y))


def detect_script(text: str) -> str:
    """simplified / traditional / mixed, from how much each OpenCC direction would change."""
    # The Han characters by deleting the rest: the same sample as joining `findall`'s, 2.5x faster.
    sample = _NOT_CJK_UNIFIED.sub("", text)[:20000]
    if not sample:
        return "simplified"
    to_simplified = _differing(sample, converter(OpenccMode.T2S).convert(sample))
    to_traditional = _differing(sample, _opencc("s2t").convert(sample))
    trad_share, simp_share = to_simplified / len(sample), to_traditional / len(sample)
    # In running text about a fifth of characters differ between the scripts; 3% of both
    # marks a page that switches script part way (seen in reposted and pasted reports).
    if trad_share > 0.03 and simp_share > 0.03:
        return "mixed"
    return "traditional" if trad_share > simp_share else "simplified"


def normalize_document(raw: str, fmt: str, mode: OpenccMode) -> NormalizedDocument:
    stats = LineStats()
    html_paragraphs: set[str] | None = None
    html_meta = PageMeta()
    if fmt == "html":
        raw_lines = split_visible_lines(html_visible_text(raw))
        html_paragraphs, html_meta = _html_main_text(raw, mode)
    else:
        raw_lines = split_raw_lines(raw)
    normalized = [normalize_line(line, mode, stats) for line in raw_lines]
    kinds, meta = classify_lines([n.text for n in normalized])
    if html_paragraphs is not None:
        title = re.sub(r"\s+", "", _simplify(html_meta.title, mode) or "")
        kinds = [_html_kind(n.text, k, html_paragraphs, title) for n, k in zip(normalized, kinds, strict=True)]
        meta = PageMeta(
            title=html_meta.title or meta.title,
            published=html_meta.published or meta.published,
            outlet=html_meta.outlet or meta.outlet,
            author=html_meta.author or meta.author,
        )
    kept: list[MappedText] = []
    line_rows: list[dict[str, object]] = []
    cursor = 0
    for line_no, (raw_line, norm, kind) in enumerate(zip(raw_lines, normalized, kinds, strict=True)):
        row: dict[str, object] = {
            "line_no": line_no,
            "kind": kind.value,
            "text": norm.text,
            "raw_start": raw_line.starts[0] if len(raw_line) else None,
            "raw_end": raw_line.ends[-1] if len(raw_line) else None,
            "norm_start": None,
            "norm_end": None,
        }
        if kind in KEPT_KINDS and norm.text:
            if kept:
                at = kept[-1].ends[-1]
                kept.append(MappedText("\n", (at,), (at,)))
                cursor += 1
            kept.append(norm)
            row["norm_start"], row["norm_end"] = cursor, cursor + len(norm)
            cursor += len(norm)
        line_rows.append(row)
    text = MappedText.concat(kept) if kept else MappedText("", (), ())
    flags = []
    if any(k is LineKind.TRUNCATION for k in kinds):
        flags.append("truncated")
    if stats.pinyin_removed:
        flags.append(f"inline_pinyin_removed:{stats.pinyin_removed}")
    if stats.mojibake_repaired:
        flags.append(f"mojibake_repaired:{stats.mojibake_repaired}")
    garbled_in_body = text.text.count(REPLACEMENT)
    if garbled_in_body:
        flags.append(f"garbled_chars:{garbled_in_body}")
    han = max(1, len(_NOT_HAN.sub("", text.text)))  # counted without a string per character
    # A lost character usually spoils the word and the figure around it: weigh it 20x.
    quality = round(max(0.0, 1.0 - 20 * garbled_in_body / han), 3)
    if not text.text.strip():
        flags.append("no_body_text")
        quality = 0.0
    return NormalizedDocument(text, line_rows, meta, flags, quality, detect_script(raw))


def split_visible_lines(visible: MappedText) -> list[MappedText]:
    lines, start = [], 0
    for i, c in enumerate(visible.text):
        if c == "\n":
            lines.append(visible.slice(start, i))
            start = i + 1
    lines.append(visible.slice(start, len(visible)))
    return [line for line in lines if line.text.strip()]


def _html_kind(line: str, kind: LineKind, main_paragraphs: set[str], title: str) -> LineKind:
    """A line of an HTML page: the page's title, or kept only if trafilatura took it for the article."""
    compact = re.sub(r"\s+", "", line)
    if title and compact == title:
        return LineKind.TITLE
    if kind not in KEPT_KINDS:
        return kind
    if not main_paragraphs:
        return kind
    if compact in main_paragraphs or any(len(compact) >= 8 and compact in p for p in main_paragraphs):
        return kind
    return LineKind.FURNITURE


def normalize_fragment(raw: str, fmt: str, mode: OpenccMode) -> str:
    """Normalize a slice of raw text the way its document was normalized (no furniture pass).

    For any passage, ``normalize_fragment(raw[raw_start:raw_end])`` equals its text."""
    visible = html_visible_text(raw) if fmt == "html" else MappedText.from_raw(raw)
    lines = split_visible_lines(visible) if fmt == "html" else split_raw_lines(visible.text)
    return "\n".join(t for t in (normalize_line(line, mode).text for line in lines) if t)


NORMALIZED_COLUMNS = [
    "doc_id",
    "source",
    "format",
    "title",
    "published",
    "outlet",
    "author",
    "script",
    "quality",
    "flags",
    "text",
    "char_raw_start",
    "char_raw_end",
]


# One row per raw line (or visible HTML line); a page with no visible line still has the columns.
LINE_COLUMNS = ["doc_id", "source", "line_no", "kind", "text", "raw_start", "raw_end", "norm_start", "norm_end"]


def normalize(raw_documents: pd.DataFrame, mode: OpenccMode) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(normalized documents, lines). Rows with an ingest error are skipped; a document the
    normalizer fails on is kept with quality 0, a `normalize_failed:<error>` flag and no text."""
    docs: dict[str, list[object]] = {c: [] for c in NORMALIZED_COLUMNS}
    lines: dict[str, list[object]] = {c: [] for c in LINE_COLUMNS}
    # Columns as lists, not `itertuples`, and tables built from typed columns (`frames.frame`):
    # with the Han-character changes below, normalize of 300 reports 2.15 s → 1.77 s CPU.
    # The address a page was fetched from, when the runner passes it (column `source_url`): its date stands in
    # for a page that shows none.
    urls = raw_documents["source_url"].tolist() if "source_url" in raw_documents else [None] * len(raw_documents)
    for doc_id, source, fmt, raw_text, error, url in zip(
        *(raw_documents[c].tolist() for c in ("doc_id", "source", "format", "raw_text", "error")), urls, strict=True
    ):
        if pd.notna(error) or pd.isna(raw_text):
            continue
        try:
            nd = normalize_document(str(raw_text), str(fmt), mode)
        except Exception as exc:  # one malformed page must not stop the batch
            print(f"  normalize: {source} failed: {exc!r}; kept with no body text", file=sys.stderr)
            nd = NormalizedDocument(
                MappedText("", (), ()), [], PageMeta(), [f"normalize_failed:{type(exc).__name__}"], 0.0
            )
        for column, value in zip(
            NORMALIZED_COLUMNS,
            (
                doc_id,
                source,
                fmt,
                _simplify(nd.meta.title, mode),
                _iso_date(nd.meta.published) or published_from_url(url if isinstance(url, str) else None),
                _simplify(nd.meta.outlet, mode),
                _simplify(nd.meta.author, mode),
                nd.script,
                nd.quality,
                nd.flags,
                nd.text.text,
                list(nd.text.starts),
                list(nd.text.ends),
            ),
            strict=True,
        ):
            docs[column].append(value)
        for r in nd.lines:
            lines["doc_id"].append(doc_id)
            lines["source"].append(source)
            for column in LINE_COLUMNS[2:]:
                lines[column].append(r[column])
    if not lines["doc_id"]:
        line_table = pd.DataFrame([], columns=LINE_COLUMNS)
        for col in ("raw_start", "raw_end", "norm_start", "norm_end"):
            line_table[col] = line_table[col].astype("Int64")
    else:
        line_table = pd.DataFrame(
            {
                c: pd.array(lines[c], dtype="Int64")
                if c in ("raw_start", "raw_end", "norm_start", "norm_end")
                else column_array(lines[c])
                for c in LINE_COLUMNS
            },
            copy=False,
        )
    return frame(docs, NORMALIZED_COLUMNS), line_table


def _simplify(value: str | None, mode: OpenccMode) -> str | None:
    return converter(mode).convert(value) if value else None


# A page's address often carries its date: /2016/07/11/, /2021-03/16/, /20220302/, t20150624, /2017/0721/.
URL_DATES = (
    re.compile(r"(?<!\d)((?:19|20)\d\d)[-/](\d{1,2})[-/](\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)"),
    re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=/)"),
    re.compile(r"/((?:19|20)\d\d)(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])(?=/)"),  # /201902/21/
    re.compile(r"/((?:19|20)\d\d)/[A-Za-z][A-Za-z_]*_(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=/)"),  # /2017/news_0812/
)


# A month alone (/202112/, /2017/6/): the page is dated to its month (YYYY-MM, which dates no day in the tables).
URL_MONTHS = (
    re.compile(r"(?<!\d)((?:19|20)\d\d)(0[1-9]|1[0-2])(?=/)"),
    re.compile(r"/((?:19|20)\d\d)/(0?[1-9]|1[0-2])(?=/)"),
)


# A year alone as a whole folder of the path (/html/2025/): the page is dated to its year (YYYY); not a year
# inside a longer name (/2025abc/, /a2025/) nor the host's digits.
URL_YEAR = re.compile(r"/((?:19|20)\d\d)(?=/)")


def published_from_url(url: str | None) -> str | None:
    """The date a page's address gives (YYYY-MM-DD, YYYY-MM when it names the month alone, YYYY when it
    names a year alone as a folder), for a page whose text gives none; None when the address has no date
    (digits of the host, a number in a file name)."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)  # the host name's digits are no date
    for pattern in URL_DATES:
        for m in pattern.finditer(path):
            year, month, day = (int(g) for g in m.groups())
            if 1 <= month <= 12 and 1 <= day <= 31:
                return f"{year}-{month:02d}-{day:02d}"
    for pattern in URL_MONTHS:
        if month_only := pattern.search(path):
            return f"{month_only.group(1)}-{int(month_only.group(2)):02d}"
    if year_only := URL_YEAR.search(path):
        return year_only.group(1)
    return None


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    m = re.search(r"(\d{4})\D{1,3}(\d{1,2})\D{1,3}(\d{1,2})", value)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None
