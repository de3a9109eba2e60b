"""Command line: parse, call the runner, report. File I/O goes through `store`, the order of the
stages comes from `stages`.

Exit codes (for cron and systemd): 0 all done; 1 done and published, but some files were skipped
or some documents failed a stage; 2 fatal, nothing published; 3 another refresh holds the lock.
"""

from __future__ import annotations

import argparse
import logging
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from pipeline import store
from pipeline.config import OpenccMode, Segmenter, Settings, Tagger, ThemeModel
from pipeline.runner import EXIT_FATAL, EXIT_LOCKED, Executor, Locked, default_workers, refresh
from pipeline.stages import STAGE_NAMES, STAGES

log = logging.getLogger("pipeline")

# Which settings each stage reads; a stage's command offers only its own options (`refresh`
# offers all). Settings not given are those of the folder's last run, else the defaults.
STAGE_OPTIONS: dict[str, tuple[str, ...]] = {
    "ingest": (),
    "normalize": ("opencc_mode",),
    "segment": ("segmenter", "tagger", "hanlp_model"),
    "extract": (),
    "resolve": (),
    "classify": ("theme_model", "theme_model_dir"),
    "publish": (),
}


def _package_version() -> str:
    try:
        return version("xuncha-pipeline")
    except PackageNotFoundError:
        return "unknown"


# Each setting's option, declared once: (flag, argparse keywords).
SETTING_OPTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "opencc_mode": (
        "--opencc-mode",
        {
            "choices": [m.value for m in OpenccMode],
            "help": "traditional→simplified conversion: t2s (default), tw2s (Taiwan), hk2s (Hong Kong)",
        },
    ),
    "segmenter": (
        "--segmenter",
        {"choices": [s.value for s in Segmenter], "help": "fast (rjieba, default) or jieba; same tokens"},
    ),
    "tagger": (
        "--tagger",
        {
            "choices": [t.value for t in Tagger],
            "help": "POS tagger: jieba (default) or hanlp (needs the [hanlp] extra and --hanlp-model)",
        },
    ),
    "hanlp_model": ("--hanlp-model", {"help": "local HanLP model folder (nothing is downloaded)"}),
    "theme_model": (
        "--theme-model",
        {
            "choices": [m.value for m in ThemeModel],
            "help": "theme classifier; default: the one the shipped model's meta.json names",
        },
    ),
    "theme_model_dir": ("--theme-model-dir", {"help": "trained theme model folder (default models/themes/v1)"}),
}


def _add_setting(p: argparse.ArgumentParser, name: str) -> None:
    flag, keywords = SETTING_OPTIONS[name]
    p.add_argument(flag, **keywords)


def _add_run_options(p: argparse.ArgumentParser, settings: tuple[str, ...], input_required: bool) -> None:
    p.add_argument(
        "--input",
        required=input_required,
        help="folder of raw reports (read only)" + ("" if input_required else "; default: the folder's last input"),
    )
    p.add_argument("--output", required=True, help="output folder (published snapshot at the top, work in interim/)")
    for name in settings:
        _add_setting(p, name)
    p.add_argument(
        "--workers",
        type=int,
        default=None,
        help=f"worker processes (default: cores, {default_workers()}); with --executor dask and no --scheduler, "
        "the local cluster's workers",
    )
    p.add_argument(
        "--executor",
        choices=[e.value for e in Executor],
        default=Executor.LOCAL.value,
        help="local (default): this machine's processes; dask: a dask.distributed cluster (a local one, "
        "or --scheduler)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        help="address of a running Dask scheduler (tcp://host:8786) for --executor dask; its workers must "
        "see the output folder at the same path",
    )
    p.add_argument(
        "--lock-timeout",
        type=float,
        default=60.0,
        help="seconds to wait for another refresh of the same output folder before exiting with code 3",
    )
    _add_logging(p)


def _add_logging(p: argparse.ArgumentParser) -> None:
    p.add_argument("--log-level", default="WARNING", type=str.upper, choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.add_argument("--log-file", default=None, help="also append the log to this file")


def _setup_logging(args: argparse.Namespace) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if getattr(args, "log_file", None):
        handlers.append(logging.FileHandler(args.log_file, encoding="utf-8"))
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    root = logging.getLogger("pipeline")
    for h in list(root.handlers):
        root.removeHandler(h)
    for h in handlers:
        h.setFormatter(fmt)
        root.addHandler(h)
    root.setLevel(str(getattr(args, "log_level", "WARNING")).upper())
    root.propagate = False


def settings_from(args: argparse.Namespace, recorded: dict[str, Any]) -> Settings:
    """Defaults, then the folder's recorded settings, then what this command was given."""
    given = {k: getattr(args, k) for k in vars(Settings()) if getattr(args, k, None) is not None}
    merged = {**recorded, **given}
    base = Settings()
    return Settings(
        opencc_mode=OpenccMode(merged.get("opencc_mode", base.opencc_mode)),
        segmenter=Segmenter(merged.get("segmenter", base.segmenter)),
        tagger=Tagger(merged.get("tagger", base.tagger)),
        hanlp_model=merged.get("hanlp_model"),
        theme_model=ThemeModel(merged["theme_model"]) if merged.get("theme_model") else None,
        theme_model_dir=Path(merged.get("theme_model_dir", base.theme_model_dir)),
    )


def recorded_settings(settings: Settings) -> dict[str, Any]:
    return {
        "opencc_mode": settings.opencc_mode.value,
        "segmenter": settings.segmenter.value,
        "tagger": settings.tagger.value,
        "hanlp_model": settings.hanlp_model,
        "theme_model": settings.theme_model.value if settings.theme_model else None,
        "theme_model_dir": str(settings.theme_model_dir),
    }


def run_command(args: argparse.Namespace, until: str) -> int:
    layout = store.Layout(Path(args.output))
    manifest = store.read_manifest(layout)
    input_dir = args.input or manifest.get("input")
    if not input_dir:
        print(f"{args.command}: --input is needed (no earlier run in {layout.root})", file=sys.stderr)
        return EXIT_FATAL
    settings = settings_from(args, manifest.get("settings", {}))
    if args.scheduler and args.executor != Executor.DASK.value:
        print(f"{args.command}: --scheduler needs --executor dask", file=sys.stderr)
        return EXIT_FATAL
    if until in ("classify", "publish") and not (settings.theme_model_dir / "meta.json").exists():
        print(f"{args.command}: no theme model in {settings.theme_model_dir}: run `make train`", file=sys.stderr)
        return EXIT_FATAL
    try:
        result = refresh(
            Path(input_dir),
            layout,
            settings,
            until=until,
            workers=args.workers or default_workers(),
            lock_timeout=args.lock_timeout,
            recorded=recorded_settings(settings),
            executor=Executor(args.executor),
            scheduler=args.scheduler,
        )
    except Locked as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return EXIT_LOCKED
    except (FileNotFoundError, ValueError) as exc:
        print(f"{args.command}: {exc}", file=sys.stderr)
        return EXIT_FATAL
    except Exception:  # a bug or a full disk: nothing was switched in; the next run starts over
        log.exception("%s: failed; the published snapshot is unchanged", args.command)
        return EXIT_FATAL
    print(result.summary, flush=True)
    return result.exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Mine Chinese inspection (巡视/巡察) work reports: "
        + " → ".join(STAGE_NAMES)
        + ". Exit codes: 0 done; 1 done, some files skipped or documents failed; 2 fatal; 3 locked.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_package_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    every_setting = tuple(o for opts in STAGE_OPTIONS.values() for o in opts)
    for name in ("refresh", "run"):
        helptext = (
            "bring the output up to date with the input folder: new and changed reports processed, "
            "unchanged skipped, removed retracted, one snapshot published"
            if name == "refresh"
            else "the same as refresh (kept for older scripts)"
        )
        _add_run_options(sub.add_parser(name, help=helptext, description=helptext), every_setting, True)
    for stage in STAGES:
        # A stage's command runs the stages before it too where their output is missing or stale,
        # with the settings of the folder's last run.
        _add_run_options(
            sub.add_parser(stage.name, help=stage.help, description=stage.help), STAGE_OPTIONS[stage.name], False
        )
    ev = sub.add_parser("evaluate", help="score extraction, themes and furniture against gold annotations")
    ev.add_argument("--gold", action="append", default=[], help="gold folder: docs/ (or raw/) + *.jsonl; repeatable")
    ev.add_argument(
        "--real",
        action="append",
        default=[],
        help="real-text set (rounds.json, batches of sources.tsv + gold; texts in XUNCHA_REAL_DIR); repeatable",
    )
    ev.add_argument("--work", default="build/evaluate", help="where the pipeline's outputs for the gold documents go")
    ev.add_argument("--gate", default=None, help="baseline JSON with floors; exit 1 when a score falls below")
    ev.add_argument(
        "--update-gate",
        action="store_true",
        help="raise the floors in --gate to today's scores (never lowers them, but pins a changed gold set anew)",
    )
    ev.add_argument("--json", default=None, help="also write the scores as JSON here")
    tr = sub.add_parser("train", help="train the theme classifiers from corpora/labels and ship the better one")
    tr.add_argument("--output", default=str(Settings().theme_model_dir))
    from pipeline.fetch import build_parser as fetch_parser

    sub.add_parser(
        "fetch",
        parents=[fetch_parser(add_help=False)],
        help="download new reports from the sites listed in a sites.toml into the raw folder",
        description="Download new reports from the watched sites (list pages, feeds, sitemaps) into --raw. "
        "Exit codes: 0 all sites read; 1 some site failed (the others went on); 2 bad sites file.",
    )
    bench = sub.add_parser("bench", help="measure stage throughput and refresh times")
    bench.add_argument("--input", default="corpora/sample/raw")
    bench.add_argument("--repeat", type=int, default=20, help="how many times the corpus text is repeated")
    bench.add_argument(
        "--reports",
        default="1000,10000",
        help="sizes of the synthetic corpora (comma-separated, default 1000,10000; 0 skips the refresh at scale)",
    )
    bench.add_argument(
        "--full-up-to",
        type=int,
        default=1000,
        help="sizes up to this get every stage timed alone (first executor) and every executor end to end; "
        "larger ones the local executor end to end, so `make bench` stays under 25 min on 2 cores (default 1000)",
    )
    bench.add_argument("--executors", default="local,dask", help="executors to time (default local,dask)")
    bench.add_argument("--workers", type=int, default=None, help="worker processes (default: cores)")
    bench.add_argument("--scheduler", default=None, help="time Dask on this scheduler instead of a LocalCluster")
    bench.add_argument("--theme-model-dir", default=None, help="theme model folder (default: the shipped one)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    _setup_logging(args)
    if args.command in ("refresh", "run"):
        return run_command(args, "publish")
    if args.command in STAGE_NAMES:
        return run_command(args, args.command)
    if args.command == "evaluate":
        from pipeline.evaluate import main as evaluate_main

        if not args.gold and not args.real:
            print("evaluate: give at least one --gold or --real folder", file=sys.stderr)
            return EXIT_FATAL
        return evaluate_main(args)
    if args.command == "train":
        from pipeline.train import main as train_main

        return train_main(Path(args.output))
    if args.command == "fetch":
        from pipeline.fetch import run_args

        return run_args(args)
    if args.command == "bench":
        from pipeline.bench import main as bench_main

        sizes = [int(n) for n in str(args.reports).split(",") if int(n) > 0]
        return bench_main(
            Path(args.input),
            args.repeat,
            [(n, n <= args.full_up_to) for n in sizes],
            tuple(e.strip() for e in str(args.executors).split(",") if e.strip()),
            args.workers,
            args.scheduler,
            Path(args.theme_model_dir) if args.theme_model_dir else None,
        )
    return EXIT_FATAL
