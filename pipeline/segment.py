"""Segment: normalized documents → passages (with heading paths), sentences and tokens.

A passage is one kept line of the normalized text (reports put one paragraph on a line).
Headings are recognized by numbering (一、 (一) 1.) or, for news pages, by being a short
line without sentence punctuation. Every level keeps raw offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate, compress, islice, pairwise
from operator import lt
from types import SimpleNamespace
from typing import Any, Protocol

import pandas as pd

from pipeline.frames import frame
from pipeline.textmap import MappedText
from pipeline.words import TaggedToken

CN_NUM = "一二三四五六七八九十"
HEADING_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (1, re.compile(rf"^第[{CN_NUM}]+(部分|章|节)")),
    (1, re.compile(rf"^[{CN_NUM}]+[、.]")),
    (2, re.compile(rf"^[(][{CN_NUM}]+[)]")),
    (3, re.compile(r"^\d{1,2}[、.](?!\d)")),
    (4, re.compile(r"^[(]\d{1,2}[)]")),
]
# A numbered line longer than this is a paragraph whose lead sentence carries the number.
MAX_HEADING_CHARS = 40
# News pages use short unnumbered lines as headings (`坚守政治定位 “政治体检”更加精准`).
MAX_PLAIN_HEADING_CHARS = 30
SENTENCE_PUNCT = re.compile(r"[，。；！？,;!?:：]")
QUESTION = re.compile(r"^(问|记者)\s*[:：]")

SENTENCE_END = set("。！？；!?;")
OPENERS = {"“": "”", "‘": "’", "(": ")", "《": "》", "【": "】", "[": "]"}
CLOSERS = set(OPENERS.values())
# An opener that is never closed must not swallow the rest of a paragraph.
MAX_QUOTED_CHARS = 200


class Tagger(Protocol):
    """Anything that cuts and tags a text: DomainTokenizer (jieba/rjieba) or HanlpTagger."""

    def tag(self, text: str) -> list[TaggedToken]: ...


@dataclass(frozen=True)
class Span:
    start: int
    end: int


def heading_level(line: str) -> int | None:
    """Outline level of a heading line, or None for a body line."""
    for level, pattern in HEADING_PATTERNS:
        if pattern.match(line):
            body_after_number = pattern.sub("", line)
            if len(line) <= MAX_HEADING_CHARS and not re.search(r"[。；!?！？]", body_after_number[:-1]):
                return level
            return None
    if len(line) <= MAX_PLAIN_HEADING_CHARS and not SENTENCE_PUNCT.search(line) and not QUESTION.match(line):
        return 1
    return None


def split_sentences(text: str) -> Iterator[Span]:
    """Sentence spans: split after 。！？；!?; outside quotes and brackets; closers stay attached."""
    start, depth_stack, i, n = 0, [], 0, len(text)
    last_open = 0
    while i < n:
        c = text[i]
        if c in OPENERS:
            depth_stack.append(OPENERS[c])
            last_open = i
        elif depth_stack and c == depth_stack[-1]:
            depth_stack.pop()
        elif c in CLOSERS and c in depth_stack:
            while depth_stack and depth_stack.pop() != c:
                pass
        if depth_stack and i - last_open > MAX_QUOTED_CHARS:
            depth_stack.clear()
        # A quotation that ends its own sentence (“…形成震慑。”) ends the outer one too.
        closes_quote = c in "”’" and not depth_stack and i > 0 and text[i - 1] in SENTENCE_END
        if (c in SENTENCE_END and not depth_stack) or closes_quote:
            j = i + 1
            while j < n and (text[j] in SENTENCE_END or text[j] in "”’)》】"):
                j += 1
            yield Span(start, j)
            start, i = j, j
            continue
        i += 1
    if text[start:].strip():
        yield Span(start, n)


# Joins a passage's heading path, outermost first: "一、工作回顾 / （二）对村巡察".
HEADING_SEPARATOR = " / "
PASSAGE_COLUMNS = [
    "doc_id",
    "source",
    "passage_id",
    "kind",
    "heading",
    "text",
    "raw_start",
    "raw_end",
    "norm_start",
    "norm_end",
]


def _columns(frame: pd.DataFrame, *names: str) -> Iterator[tuple[Any, ...]]:
    """Rows as plain tuples of Python values. `itertuples` builds a namedtuple class and reads every
    column through `iloc` on each call: on one document's small tables that overhead was most of
    the time of `passages`/`sentences`/`tokens` (2.0 s of their 5.4 s on 200 reports)."""
    return zip(*(frame[name].tolist() for name in names), strict=True)


def document_maps(documents: pd.DataFrame) -> dict[str, MappedText]:
    """Each document's normalized text with its raw offsets, built once per segment run and passed
    to `passages`, `sentences`, `tokens` and `places.mentions` (each rebuilt it before)."""
    return {
        doc_id: MappedText.of_document(SimpleNamespace(text=text, char_raw_start=starts, char_raw_end=ends))
        for doc_id, text, starts, ends in _columns(documents, "doc_id", "text", "char_raw_start", "char_raw_end")
    }


def _frame(rows: dict[str, list[Any]], columns: list[str]) -> pd.DataFrame:
    """A table from its columns, typed as `pd.DataFrame(list_of_row_dicts, columns=columns)` types it
    (object columns when there are no rows); columns are cheaper to build than a dict per row, and
    `frames.frame` types them without pandas' inference."""
    return frame(rows, columns)


def _kept_lines(lines: pd.DataFrame) -> dict[str, list[tuple[str, int, int]]]:
    """Per document, its kept lines (those with a normalized span) in line order, as (kind,
    norm_start, norm_end): one pass over the table's columns instead of a filter and a sort of
    the table per document (with typed columns, `passages` of 300 reports: 0.53 s → 0.20 s CPU)."""
    by_doc: dict[str, list[tuple[int, str, int, int]]] = {}
    for doc_id, line_no, kind, a, b in _columns(lines, "doc_id", "line_no", "kind", "norm_start", "norm_end"):
        if a is None or a is pd.NA or a != a:  # NA from an Int64 column, None or NaN from others
            continue
        by_doc.setdefault(doc_id, []).append((line_no, str(kind), int(a), int(b)))
    return {d: [(k, a, b) for _, k, a, b in sorted(rows, key=lambda r: r[0])] for d, rows in by_doc.items()}


def passages(documents: pd.DataFrame, lines: pd.DataFrame, maps: dict[str, MappedText] | None = None) -> pd.DataFrame:
    """One row per kept line: kind title/subtitle/byline/heading/question/body, heading path."""
    maps = document_maps(documents) if maps is None else maps
    rows: dict[str, list[Any]] = {c: [] for c in PASSAGE_COLUMNS}
    kept_lines = _kept_lines(lines)
    for doc_id, source in _columns(documents, "doc_id", "source"):
        text = maps[doc_id]
        path: dict[int, str] = {}
        pid = -1
        for pid, (kind, a, b) in enumerate(kept_lines.get(doc_id, ())):
            line_text = text.text[a:b]
            if kind == "body":
                level = heading_level(line_text)
                if QUESTION.match(line_text):
                    kind = "question"
                elif level is not None:
                    kind = "heading"
                    path = {k: v for k, v in path.items() if k < level}
                    path[level] = line_text
            raw_start, raw_end = text.raw_span(a, b)
            rows["heading"].append(
                HEADING_SEPARATOR.join(path[k] for k in sorted(path))
                if kind != "heading"
                else HEADING_SEPARATOR.join(path[k] for k in sorted(path) if path[k] != line_text)
            )
            for column, value in (
                ("passage_id", pid),
                ("kind", kind),
                ("text", line_text),
                ("raw_start", raw_start),
                ("raw_end", raw_end),
                ("norm_start", a),
                ("norm_end", b),
            ):
                rows[column].append(value)
        rows["doc_id"] += [doc_id] * (pid + 1)
        rows["source"] += [source] * (pid + 1)
    return _frame(rows, PASSAGE_COLUMNS)


SENTENCE_COLUMNS = [
    "doc_id",
    "source",
    "passage_id",
    "sentence_id",
    "text",
    "raw_start",
    "raw_end",
    "norm_start",
    "norm_end",
]


def sentences(
    documents: pd.DataFrame, passage_table: pd.DataFrame, maps: dict[str, MappedText] | None = None
) -> pd.DataFrame:
    maps = document_maps(documents) if maps is None else maps
    rows: dict[str, list[Any]] = {c: [] for c in SENTENCE_COLUMNS}
    for doc_id, source, passage_id, p_text, norm_start in _columns(
        passage_table, "doc_id", "source", "passage_id", "text", "norm_start"
    ):
        text = maps[doc_id]
        for sid, span in enumerate(split_sentences(str(p_text))):
            a, b = int(norm_start) + span.start, int(norm_start) + span.end
            raw_start, raw_end = text.raw_span(a, b)
            for column, value in zip(
                SENTENCE_COLUMNS,
                (doc_id, source, passage_id, sid, text.text[a:b], raw_start, raw_end, a, b),
                strict=True,
            ):
                rows[column].append(value)
    return _frame(rows, SENTENCE_COLUMNS)


TOKEN_COLUMNS = ["doc_id", "passage_id", "sentence_id", "token_id", "token", "pos", "raw_start", "raw_end"]


def tokens(
    documents: pd.DataFrame,
    sentence_table: pd.DataFrame,
    tokenizer: Tagger,
    maps: dict[str, MappedText] | None = None,
) -> pd.DataFrame:
    maps = document_maps(documents) if maps is None else maps
    rows: dict[str, list[Any]] = {c: [] for c in TOKEN_COLUMNS}
    # The domain tokenizer hands over (word, tag) pairs: offsets are counted here instead of through a
    # TaggedToken per word, and the raw spans of a sentence's tokens are read off the document's
    # offset map at once (with typed columns, `tokens` of 300 reports: 0.83 s → 0.55 s CPU, of
    # which rjieba's tagging is about 0.3 s).
    tag_pairs = getattr(tokenizer, "tag_pairs", None)
    for doc_id, passage_id, sentence_id, s_text, norm_start in _columns(
        sentence_table, "doc_id", "passage_id", "sentence_id", "text", "norm_start"
    ):
        text = maps[doc_id]
        offset = int(norm_start)
        # token_id, not the raw span, identifies a token: characters repaired from one raw span
        # (mojibake, an entity) can give two tokens over the same raw characters.
        if tag_pairs is not None:
            words, tags, raw_starts, raw_ends = _tagged_spans(tag_pairs(str(s_text)), text, offset)
        else:
            tagged = [t for t in tokenizer.tag(str(s_text)) if not t.token.isspace()]
            spans = [text.raw_span(offset + t.start, offset + t.end) for t in tagged]
            words, tags = [t.token for t in tagged], [t.pos for t in tagged]
            raw_starts, raw_ends = [a for a, _ in spans], [b for _, b in spans]
        n = len(words)
        rows["doc_id"] += [doc_id] * n
        rows["passage_id"] += [passage_id] * n
        rows["sentence_id"] += [sentence_id] * n
        rows["token_id"] += range(n)
        rows["token"] += words
        rows["pos"] += tags
        rows["raw_start"] += raw_starts
        rows["raw_end"] += raw_ends
    return _frame(rows, TOKEN_COLUMNS)


def _tagged_spans(
    pairs: list[tuple[str, str]], text: MappedText, offset: int
) -> tuple[list[str], list[str], list[int], list[int]]:
    """Words, tags and raw spans of a sentence's (word, tag) pairs, whitespace words left out;
    the same as `text.raw_span` of each word's span, computed a sentence at a time."""
    if not pairs:
        return [], [], [], []
    words, tags = (list(x) for x in zip(*pairs, strict=True))
    bounds = list(accumulate(map(len, words), initial=offset))
    if bounds[-1] > len(text) or not all(map(lt, bounds, islice(bounds, 1, None))):
        # An empty word or one past the text: each word's span through `raw_span`, which raises.
        kept = [(w, t, a, b) for w, t, a, b in zip(words, tags, bounds, bounds[1:], strict=True) if not w.isspace()]
        spans = [text.raw_span(a, b) for _, _, a, b in kept]
        return [k[0] for k in kept], [k[1] for k in kept], [a for a, _ in spans], [b for _, b in spans]
    starts, ends = text.starts, text.ends
    raw_starts = [starts[a] for a in bounds[:-1]]
    raw_ends = [ends[b - 1] for b in bounds[1:]] if text.ends_sorted else [max(ends[a:b]) for a, b in pairwise(bounds)]
    if any(map(str.isspace, words)):
        keep = [not w.isspace() for w in words]
        words, tags = list(compress(words, keep)), list(compress(tags, keep))
        raw_starts, raw_ends = list(compress(raw_starts, keep)), list(compress(raw_ends, keep))
    return words, tags, raw_starts, raw_ends
