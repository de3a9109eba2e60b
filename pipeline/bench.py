"""Throughput benchmark (`make bench`): each stage on the sample corpus text, and the segment
stage against bare `jieba.lcut` on the same text, reported as a ratio."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

from pipeline.config import OpenccMode, Segmenter
from pipeline.ingest import discover, ingest
from pipeline.normalize import converter, normalize
from pipeline.segment import passages, sentences, tokens
from pipeline.words import DomainTokenizer


def _best_of(runs: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main(input_dir: Path, repeat: int) -> int:
    raw = ingest(discover(input_dir), input_dir)
    raw = raw[raw.error.isna()]
    # Repeat the corpus so timings are well above timer noise; ids stay unique per copy.
    big = pd.concat([raw.assign(doc_id=raw.doc_id + f"-{i}") for i in range(repeat)], ignore_index=True)
    docs, _ = normalize(big.head(len(raw)), OpenccMode.T2S)
    text = "\n".join(docs.text)
    chars = len(text) * repeat
    corpus = "\n".join([text] * repeat)
    print(f"bench: {len(raw)} documents x {repeat} = {chars:,} normalized characters")

    import jieba

    bare = jieba.Tokenizer()
    bare.initialize()
    t_bare = _best_of(3, lambda: bare.lcut(corpus))
    print(f"  bare jieba.lcut (no lexicon)       {chars / t_bare / 1e3:9.0f} k chars/s")

    t_opencc = _best_of(3, lambda: converter(OpenccMode.T2S).convert(corpus))
    print(f"  OpenCC t2s                         {chars / t_opencc / 1e6:9.1f} M chars/s")

    t_norm = _best_of(1, lambda: normalize(big, OpenccMode.T2S))
    print(f"  normalize stage                    {chars / t_norm / 1e3:9.0f} k chars/s")

    big_docs, big_lines = normalize(big, OpenccMode.T2S)
    big_passages = passages(big_docs, big_lines)
    big_sentences = sentences(big_docs, big_passages)
    results = {}
    for segmenter in Segmenter:
        tok = DomainTokenizer(segmenter)
        t_cut = _best_of(3, partial(tok.cut, corpus))
        t_tag = _best_of(1, partial(tok.tag, corpus))
        t_stage = _best_of(1, partial(tokens, big_docs, big_sentences, tok))
        results[segmenter] = t_stage
        print(f"  {segmenter.value:6} cut                         {chars / t_cut / 1e3:9.0f} k chars/s")
        print(f"  {segmenter.value:6} cut+POS                     {chars / t_tag / 1e3:9.0f} k chars/s")
        print(
            f"  {segmenter.value:6} segment stage (tokens table){chars / t_stage / 1e3:9.0f} k chars/s"
            f"   = {t_stage / t_bare:.2f}x the time of bare jieba.lcut"
        )

    from pipeline.extract import extract

    t_extract = _best_of(1, lambda: extract(big_docs, big_passages, big_sentences))
    print(f"  extract stage                      {chars / t_extract / 1e3:9.0f} k chars/s")
    ratio = results[Segmenter.FAST] / t_bare
    print(f"bench: segment stage (default, fast) takes {ratio:.2f}x the time of bare jieba.lcut (target: within 2x)")
    return 0
