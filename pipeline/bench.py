"""Throughput benchmark (`make bench`): each stage on the sample corpus text, and the segment
stage against bare `jieba.lcut` on the same text, reported as a ratio."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
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


def _shifted(m: re.Match[str], shift: int) -> str:
    return str(int(m.group()) + shift)


def synthetic_corpus(input_dir: Path, target: Path, n_reports: int) -> int:
    """Write `n_reports` reports varied from the readable files of `input_dir` (every number
    shifted, a serial line added, so no two are byte-identical); returns their characters."""
    raw = ingest(discover(input_dir), input_dir)
    raw = raw[raw.error.isna()].reset_index(drop=True)
    target.mkdir(parents=True, exist_ok=True)
    chars = 0
    for i in range(n_reports):
        row = raw.iloc[i % len(raw)]
        shift = i // len(raw)
        text = re.sub(r"\d+", partial(_shifted, shift=shift), str(row.raw_text))
        text += f"\n（{i}）\n"
        suffix = ".html" if row.format == "html" else ".txt"
        (target / f"{i // 500:03d}" / f"report_{i:05d}{suffix}").parent.mkdir(exist_ok=True)
        (target / f"{i // 500:03d}" / f"report_{i:05d}{suffix}").write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


def bench_refresh(input_dir: Path, n_reports: int, results: dict[str, float]) -> None:
    """The weekly job at scale: a full refresh of `n_reports`, a refresh with nothing changed,
    and one added report, each timed as a whole run in this process."""
    from pipeline.config import Settings
    from pipeline.runner import default_workers, refresh
    from pipeline.store import Layout

    work = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    try:
        corpus = work / "raw"
        chars = synthetic_corpus(input_dir, corpus, n_reports + 1)
        extra = sorted(corpus.rglob("report_*"))[-1]
        held = work / extra.name
        extra.rename(held)
        layout = Layout(work / "out")
        import jieba

        bare = jieba.Tokenizer()
        bare.initialize()
        texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("report_*"))]
        started = time.perf_counter()
        for t in texts:
            bare.lcut(t)
        t_jieba = time.perf_counter() - started
        workers = default_workers()
        started = time.perf_counter()
        refresh(corpus, layout, Settings(), workers=workers)
        t_full = time.perf_counter() - started
        started = time.perf_counter()
        refresh(corpus, layout, Settings(), workers=workers)
        t_noop = time.perf_counter() - started
        held.rename(extra)
        started = time.perf_counter()
        refresh(corpus, layout, Settings(), workers=workers)
        t_add = time.perf_counter() - started
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results.update(
        reports=n_reports,
        chars=chars,
        workers=workers,
        full_refresh_s=round(t_full, 2),
        full_refresh_chars_per_s=round(chars / t_full),
        jieba_lcut_s=round(t_jieba, 2),
        full_refresh_vs_jieba=round(t_jieba / t_full, 3),
        refresh_nothing_changed_s=round(t_noop, 2),
        refresh_one_added_s=round(t_add, 2),
    )
    print(
        f"refresh: {n_reports} reports ({chars:,} chars) with {workers} workers in {t_full:.1f}s "
        f"= {t_jieba / t_full:.2f}x the throughput of bare single-process jieba.lcut ({t_jieba:.1f}s)"
    )
    print(f"  nothing changed: {t_noop:.2f}s (target < 2 s); one report added: {t_add:.2f}s (target < 5 s)")


def main(input_dir: Path, repeat: int, reports: int = 0) -> int:
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
    results_out: dict[str, float] = {"segment_vs_jieba_time": round(ratio, 3)}
    if reports:
        bench_refresh(input_dir, reports, results_out)
    out = Path("build") / "bench" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results_out, indent=1), encoding="utf-8")
    print(f"bench: results written to {out}")
    return 0
