"""Segment: normalized documents → passages (with heading paths), sentences and tokens.

A passage is one kept line of the normalized text (reports put one paragraph on a line).
Headings are recognized by numbering (一、 (一) 1.) or, for news pages, by being a short
line without sentence punctuation. Every level keeps raw offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import pandas as pd

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


def passages(documents: pd.DataFrame, lines: pd.DataFrame) -> pd.DataFrame:
    """One row per kept line: kind title/subtitle/byline/heading/question/body, heading path."""
    rows = []
    for doc in documents.itertuples(index=False):
        text = MappedText.of_document(doc)
        kept = lines[(lines.doc_id == doc.doc_id) & lines.norm_start.notna()].sort_values("line_no")
        path: dict[int, str] = {}
        for pid, line in enumerate(kept.itertuples(index=False)):
            a, b = int(line.norm_start), int(line.norm_end)
            line_text = text.text[a:b]
            kind = str(line.kind)
            if kind == "body":
                level = heading_level(line_text)
                if QUESTION.match(line_text):
                    kind = "question"
                elif level is not None:
                    kind = "heading"
                    path = {k: v for k, v in path.items() if k < level}
                    path[level] = line_text
            raw_start, raw_end = text.raw_span(a, b)
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "source": doc.source,
                    "passage_id": pid,
                    "kind": kind,
                    "heading": HEADING_SEPARATOR.join(path[k] for k in sorted(path))
                    if kind != "heading"
                    else HEADING_SEPARATOR.join(path[k] for k in sorted(path) if path[k] != line_text),
                    "text": line_text,
                    "raw_start": raw_start,
                    "raw_end": raw_end,
                    "norm_start": a,
                    "norm_end": b,
                }
            )
    return pd.DataFrame(rows, columns=PASSAGE_COLUMNS)


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


def sentences(documents: pd.DataFrame, passage_table: pd.DataFrame) -> pd.DataFrame:
    maps = {d.doc_id: MappedText.of_document(d) for d in documents.itertuples()}
    rows = []
    for p in passage_table.itertuples(index=False):
        text = maps[p.doc_id]
        for sid, span in enumerate(split_sentences(str(p.text))):
            a, b = int(p.norm_start) + span.start, int(p.norm_start) + span.end
            raw_start, raw_end = text.raw_span(a, b)
            rows.append(
                {
                    "doc_id": p.doc_id,
                    "source": p.source,
                    "passage_id": p.passage_id,
                    "sentence_id": sid,
                    "text": text.text[a:b],
                    "raw_start": raw_start,
                    "raw_end": raw_end,
                    "norm_start": a,
                    "norm_end": b,
                }
            )
    return pd.DataFrame(rows, columns=SENTENCE_COLUMNS)


TOKEN_COLUMNS = ["doc_id", "passage_id", "sentence_id", "token_id", "token", "pos", "raw_start", "raw_end"]


def tokens(documents: pd.DataFrame, sentence_table: pd.DataFrame, tokenizer: Tagger) -> pd.DataFrame:
    maps = {d.doc_id: MappedText.of_document(d) for d in documents.itertuples()}
    rows = []
    for s in sentence_table.itertuples(index=False):
        text = maps[s.doc_id]
        offset = int(s.norm_start)
        # token_id, not the raw span, identifies a token: characters repaired from one raw span
        # (mojibake, an entity) can give two tokens over the same raw characters.
        for token_id, tok in enumerate(t for t in tokenizer.tag(str(s.text)) if not t.token.isspace()):
            raw_start, raw_end = text.raw_span(offset + tok.start, offset + tok.end)
            rows.append(
                {
                    "doc_id": s.doc_id,
                    "passage_id": s.passage_id,
                    "sentence_id": s.sentence_id,
                    "token_id": token_id,
                    "token": tok.token,
                    "pos": tok.pos,
                    "raw_start": raw_start,
                    "raw_end": raw_end,
                }
            )
    return pd.DataFrame(rows, columns=TOKEN_COLUMNS)
