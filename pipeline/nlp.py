"""spaCy integration: a blank Chinese pipeline whose tokenizer is the project's jieba setup.

Registered by name so saved pipelines (folders with config.cfg and meta.json) find them:
- tokenizer `xuncha.DomainTokenizer.v1` (jieba or rjieba with corpora/lexicons/inspection.txt)
- component `xuncha_pos` (fills `Token.tag_` with the lexicon-aware POS tags)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.config import Segmenter
from pipeline.words import domain_tokenizer


class DomainSpacyTokenizer:
    """spaCy tokenizer that cuts with the project's DomainTokenizer. It holds no state of its
    own (the lexicon ships in the repository), so serialization writes nothing."""

    def __init__(self, vocab: Vocab, segmenter: Segmenter) -> None:
        self.vocab = vocab
        self.segmenter = segmenter

    def __call__(self, text: str) -> Doc:
        words = [w for w in domain_tokenizer(self.segmenter).cut(text) if w]
        return Doc(self.vocab, words=words, spaces=[False] * len(words))

    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> DomainSpacyTokenizer:
        return self

    def to_disk(self, path: Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: Path, **kwargs: Any) -> DomainSpacyTokenizer:
        return self


@spacy.registry.tokenizers("xuncha.DomainTokenizer.v1")
def create_domain_tokenizer(segmenter: str = "fast") -> Callable[[Language], DomainSpacyTokenizer]:
    def make(nlp: Language) -> DomainSpacyTokenizer:
        return DomainSpacyTokenizer(nlp.vocab, Segmenter(segmenter))

    return make


@Language.component("xuncha_pos")
def tag_parts_of_speech(doc: Doc) -> Doc:
    """POS tags from the lexicon-aware tagger, aligned to the doc's tokens by offset."""
    tags = {(t.start, t.end): t.pos for t in domain_tokenizer(Segmenter.FAST).tag(doc.text)}
    for token in doc:
        tag = tags.get((token.idx, token.idx + len(token.text)))
        if tag:
            token.tag_ = tag
    return doc


def blank_pipeline(segmenter: Segmenter = Segmenter.FAST, with_pos: bool = True) -> Language:
    """`spacy.blank("zh")` with the domain tokenizer (and POS tags): Doc objects for researchers."""
    nlp = spacy.blank(
        "zh", config={"nlp": {"tokenizer": {"@tokenizers": "xuncha.DomainTokenizer.v1", "segmenter": segmenter.value}}}
    )
    if with_pos:
        nlp.add_pipe("xuncha_pos")
    return nlp
