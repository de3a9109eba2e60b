"""Throughput benchmark (`make bench`): each stage on the sample corpus text, the segment stage
against bare `jieba.lcut` on the same text; then, for N synthetic reports, every stage command and a
whole refresh with each executor (local pool, Dask LocalCluster), each in a fresh process, against
bare single-process `jieba.lcut` over the same files in the same run, with the peak resident
memory of the main process and of the largest worker (`resource.getrusage`, RUSAGE_SELF and
RUSAGE_CHILDREN: a pool's or a LocalCluster's worker processes are children once they exit); and
the refresh with nothing changed and with one report added. Written to build/bench/results.json
and build/bench/results.md. Timings on a machine shared with other work are noisy: the load
average at the end is recorded with them."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.config import OpenccMode, Segmenter, Settings
from pipeline.ingest import discover, ingest
from pipeline.normalize import converter, normalize
from pipeline.segment import passages, sentences, tokens
from pipeline.stages import STAGE_NAMES
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


# --- the refresh at scale: N synthetic reports, each stage and end to end, both executors ----------

# Every stage's own command, in order, each in a fresh process: its time and peak memory alone.
STAGE_STEPS = tuple(name for name in STAGE_NAMES)


def _child(spec_json: str) -> None:
    """In a fresh interpreter: one refresh (up to a stage) of the bench corpus, then its wall time
    and peak resident memory (this process, and the largest of its finished children: the pool
    workers or the LocalCluster's worker processes) as one JSON line."""
    import resource

    from pipeline.config import Settings
    from pipeline.runner import Executor, refresh
    from pipeline.store import Layout

    spec = json.loads(spec_json)
    settings = Settings(theme_model_dir=Path(spec["theme_model_dir"])) if spec.get("theme_model_dir") else Settings()
    started = time.perf_counter()
    result = refresh(
        Path(spec["input"]),
        Layout(Path(spec["output"])),
        settings,
        until=spec["until"],
        workers=spec["workers"],
        executor=Executor(spec["executor"]),
        scheduler=spec.get("scheduler"),
        lock_timeout=600,
    )
    seconds = time.perf_counter() - started
    self_kb = _own_peak_kb()
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        "BENCH "
        + json.dumps(
            {
                "seconds": seconds,
                "exit_code": result.exit_code,
                "processed": result.counts.get("processed", 0),
                "peak_rss_main_mb": round(self_kb / 1024, 1),
                "peak_rss_worker_mb": round(children_kb / 1024, 1),
            }
        ),
        flush=True,
    )


def _own_peak_kb() -> int:
    """This process's peak resident memory. Linux keeps `ru_maxrss` across exec, so a child started
    by the (large) bench process would report the parent's size; VmHWM is the new process's own."""
    import resource

    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_child(spec: dict[str, object]) -> dict[str, float]:
    code = "import sys; from pipeline.bench import _child; _child(sys.argv[1])"
    done = subprocess.run([sys.executable, "-c", code, json.dumps(spec)], capture_output=True, text=True, check=False)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if done.returncode or line is None:
        raise RuntimeError(f"bench run {spec} failed ({done.returncode}): {done.stderr[-2000:]}")
    out: dict[str, float] = json.loads(line.removeprefix("BENCH "))
    return out


def _rates(n_docs: int, chars: int, seconds: float) -> dict[str, float]:
    return {
        "seconds": round(seconds, 2),
        "docs_per_s": round(n_docs / seconds, 1),
        "chars_per_s": round(chars / seconds),
    }


# Documents run before the per-stage CPU is counted: imports, the lexicon, the gazetteer and the theme
# model load once per process and are not a document's cost.
WARM_UP_DOCUMENTS = 5


def stage_cpu(corpus: Path, settings: Settings | None = None) -> dict[str, float]:
    """CPU seconds per 1,000 documents of each per-document stage, one process, no profiler: every
    report of `corpus` decoded (`ingest`: the decoding and its one-row table) and run through each
    stage in turn, the stage's `process_time` summed; and bare `jieba.lcut` over the same raw texts,
    also as CPU, in the same process. CPU is steadier than wall time on a shared machine, and
    unlike a profiler it adds no cost per function call (cProfile doubled pandas-heavy stages)."""
    import jieba

    from pipeline.ingest import decode_document
    from pipeline.stages import DOCUMENT_STAGES, Resources

    res = Resources(settings or Settings())
    files = sorted(corpus.rglob("report_*"))

    def run(paths: list[Path], cpu: dict[str, float]) -> None:
        for path in paths:
            started = time.process_time()
            doc = decode_document(path.read_bytes(), path.name, res.settings.max_unpacked_bytes)
            tables = {"raw_documents": pd.DataFrame([doc.__dict__])}
            cpu["ingest"] += time.process_time() - started
            for stage in DOCUMENT_STAGES:
                assert stage.run is not None
                started = time.process_time()
                tables.update(stage.run(tables, res))
                cpu[stage.name] += time.process_time() - started

    names = ("ingest", *(s.name for s in DOCUMENT_STAGES))
    run(files[:WARM_UP_DOCUMENTS], dict.fromkeys(names, 0.0))
    cpu = dict.fromkeys(names, 0.0)
    run(files, cpu)
    bare = jieba.Tokenizer()
    bare.initialize()
    started = time.process_time()
    for path in files:
        bare.lcut(path.read_text(encoding="utf-8"))
    per_1000 = {name: round(seconds * 1000 / len(files), 2) for name, seconds in cpu.items()}
    per_1000["jieba_lcut"] = round((time.process_time() - started) * 1000 / len(files), 2)
    return per_1000


def _jieba_seconds(texts: list[str]) -> float:
    """Bare single-process jieba.lcut (default dictionary, no lexicon) over the same raw texts."""
    import jieba

    bare = jieba.Tokenizer()
    bare.initialize()
    started = time.perf_counter()
    for t in texts:
        bare.lcut(t)
    return time.perf_counter() - started


def _settings(theme_model_dir: Path | None) -> Settings:
    return Settings(theme_model_dir=theme_model_dir.resolve()) if theme_model_dir else Settings()


def bench_scale(
    input_dir: Path,
    n_reports: int,
    executors: tuple[str, ...],
    per_stage: bool,
    workers: int,
    scheduler: str | None = None,
    theme_model_dir: Path | None = None,
) -> dict[str, object]:
    """One corpus of `n_reports`: for each executor, each stage command in turn (when `per_stage`)
    and a whole refresh, each in a fresh process; then, on the last output, a refresh with
    nothing changed and one with a report added."""
    work = Path(tempfile.mkdtemp(prefix="xuncha-bench-"))
    try:
        corpus = work / "raw"
        synthetic_corpus(input_dir, corpus, n_reports + 1)
        extra = sorted(corpus.rglob("report_*"))[-1]
        held = work / extra.name
        extra.rename(held)
        texts = [p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("report_*"))]
        chars = sum(map(len, texts))
        t_jieba = _jieba_seconds(texts)
        del texts
        result: dict[str, object] = {
            "reports": n_reports,
            "chars": chars,
            "workers": workers,
            "jieba_lcut": _rates(n_reports, chars, t_jieba),
        }
        print(f"bench {n_reports} reports ({chars:,} chars): bare jieba.lcut {t_jieba:.1f} s", flush=True)
        if per_stage:
            cpu = stage_cpu(corpus, _settings(theme_model_dir))
            result["stage_cpu_per_1000"] = cpu
            print(
                "  CPU s per 1,000 reports, one process: "
                + ", ".join(f"{name} {seconds}" for name, seconds in cpu.items()),
                flush=True,
            )
        out = work / "out"
        for executor in executors:
            runs: dict[str, object] = {}
            base: dict[str, object] = {"input": str(corpus), "workers": workers, "executor": executor}
            if theme_model_dir:
                base["theme_model_dir"] = str(theme_model_dir.resolve())
            if executor == "dask" and scheduler:
                base["scheduler"] = scheduler
            if per_stage and executor == executors[0]:  # stage by stage once; every executor end to end
                stage_out = work / f"stages-{executor}"
                stages: dict[str, object] = {}
                for name in STAGE_STEPS:
                    r = _run_child({**base, "output": str(stage_out), "until": name})
                    stages[name] = {
                        **_rates(n_reports, chars, r["seconds"]),
                        "peak_rss_main_mb": r["peak_rss_main_mb"],
                        "peak_rss_worker_mb": r["peak_rss_worker_mb"],
                    }
                    print(f"  {executor:5} {name:10} {r['seconds']:7.1f} s", flush=True)
                shutil.rmtree(stage_out, ignore_errors=True)
                runs["stages"] = stages
            shutil.rmtree(out, ignore_errors=True)
            r = _run_child({**base, "output": str(out), "until": "publish"})
            runs["end_to_end"] = {
                **_rates(n_reports, chars, r["seconds"]),
                "vs_jieba_lcut": round(t_jieba / r["seconds"], 3),
                "peak_rss_main_mb": r["peak_rss_main_mb"],
                "peak_rss_worker_mb": r["peak_rss_worker_mb"],
            }
            print(
                f"  {executor:5} end to end {r['seconds']:7.1f} s = {t_jieba / r['seconds']:.2f}x bare jieba.lcut; "
                f"peak RSS main {r['peak_rss_main_mb']:.0f} MB, worker {r['peak_rss_worker_mb']:.0f} MB",
                flush=True,
            )
            result[executor] = runs
        # The weekly job on the last output: nothing changed, then one report added; with the local
        # executor when it was timed (one report runs in-process: no pool, no cluster to start).
        weekly = "local" if "local" in executors else executors[-1]
        base = {"input": str(corpus), "workers": workers, "executor": weekly, "output": str(out)}
        if theme_model_dir:
            base["theme_model_dir"] = str(theme_model_dir.resolve())
        if weekly == "dask" and scheduler:
            base["scheduler"] = scheduler
        noop = _run_child({**base, "until": "publish"})
        held.rename(extra)
        added = _run_child({**base, "until": "publish"})
        result["refresh_nothing_changed_s"] = round(noop["seconds"], 2)
        result["refresh_one_added_s"] = round(added["seconds"], 2)
        result["refresh_executor"] = weekly
        print(
            f"  refresh with nothing changed {noop['seconds']:.2f} s; one report added {added['seconds']:.2f} s",
            flush=True,
        )
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def results_markdown(scale: list[dict[str, Any]], segment_vs_jieba: float | None) -> str:
    """The table the README quotes."""
    lines = [
        "| reports | characters | executor | step | seconds | documents/s | characters/s | × bare jieba.lcut "
        "| peak RSS main / worker (MB) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in scale:
        jieba_s = r["jieba_lcut"]["seconds"]
        lines.append(
            f"| {r['reports']:,} | {r['chars']:,} | — | bare `jieba.lcut`, 1 process | {jieba_s} "
            f"| {r['jieba_lcut']['docs_per_s']} | {r['jieba_lcut']['chars_per_s']:,} | 1.00 | |"
        )
        for executor in ("local", "dask"):
            if executor not in r:
                continue
            runs = r[executor]
            for name, st in runs.get("stages", {}).items():
                lines.append(
                    f"| {r['reports']:,} | {r['chars']:,} | {executor} | stage `{name}` | {st['seconds']} "
                    f"| {st['docs_per_s']} | {st['chars_per_s']:,} | {jieba_s / st['seconds']:.2f} "
                    f"| {st['peak_rss_main_mb']:.0f} / {st['peak_rss_worker_mb']:.0f} |"
                )
            e = runs["end_to_end"]
            lines.append(
                f"| {r['reports']:,} | {r['chars']:,} | {executor} | **end to end** | {e['seconds']} "
                f"| {e['docs_per_s']} | {e['chars_per_s']:,} | **{e['vs_jieba_lcut']:.2f}** "
                f"| {e['peak_rss_main_mb']:.0f} / {e['peak_rss_worker_mb']:.0f} |"
            )
    for r in scale:
        cpu = r.get("stage_cpu_per_1000")
        if not cpu:
            continue
        jieba_cpu = cpu["jieba_lcut"]
        stages = [name for name in cpu if name != "jieba_lcut"]
        lines += [
            "",
            f"CPU seconds per 1,000 reports, each stage in one process without a profiler ({r['reports']:,} reports; "
            "the first few documents, which load the models, not counted), against bare `jieba.lcut` on the same "
            "texts in the same process:",
            "",
            "| " + " | ".join(["bare jieba.lcut", *stages, "all stages"]) + " |",
            "|" + "---|" * (len(stages) + 2),
            "| "
            + " | ".join(
                [f"{jieba_cpu} (1.00)"]
                + [f"{cpu[n]} ({cpu[n] / jieba_cpu:.2f})" for n in stages]
                + [f"{sum(cpu[n] for n in stages):.2f} ({sum(cpu[n] for n in stages) / jieba_cpu:.2f})"]
            )
            + " |",
        ]
    lines += [
        "",
        "| reports | executor | refresh, nothing changed (s) | refresh, one report added (s) |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {r['reports']:,} | {r['refresh_executor']} | {r['refresh_nothing_changed_s']} "
        f"| {r['refresh_one_added_s']} |"
        for r in scale
    ]
    if segment_vs_jieba is not None:
        lines += [
            "",
            f"Segment stage (default `fast` segmenter) alone: {segment_vs_jieba:.2f}x the time of bare jieba.lcut.",
        ]
    return "\n".join(lines) + "\n"


def main(
    input_dir: Path,
    repeat: int,
    reports: list[tuple[int, bool]] | None = None,  # (N, full: per stage and every executor)
    executors: tuple[str, ...] = ("local", "dask"),
    workers: int | None = None,
    scheduler: str | None = None,
    theme_model_dir: Path | None = None,
) -> int:
    """Stage throughput on the sample text (repeated), then the refresh at scale for each
    (N, per-stage) in `reports`."""
    from pipeline.runner import default_workers

    reports = reports or []
    workers = workers or default_workers()
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
    results_out: dict[str, Any] = {"segment_vs_jieba_time": round(ratio, 3), "scale": []}
    for n, full in reports:
        # A full size: every stage and every executor; a larger one: the local executor end to end.
        runs = executors if full else ("local",)
        results_out["scale"].append(bench_scale(input_dir, n, runs, full, workers, scheduler, theme_model_dir))
    results_out["machine"] = {"cores": default_workers(), "load_average_at_end": list(os.getloadavg())}
    out = Path("build") / "bench" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results_out, indent=1), encoding="utf-8")
    (out.parent / "results.md").write_text(results_markdown(results_out["scale"], ratio), encoding="utf-8")
    print(f"bench: results written to {out} and {out.parent / 'results.md'}")
    return 0
