"""Command line: parse, call a stage, report. File I/O goes through `store`."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipeline import store
from pipeline.config import MODELS_DIR, OpenccMode, Segmenter, Settings, Tagger, ThemeModel

STAGES = ("ingest", "normalize", "segment", "extract", "classify", "publish")
STAGE_HELP = {
    "ingest": "decode raw reports (UTF-8/GBK/Big5/UTF-16, HTML, .docx, .pdf); list unreadable files",
    "normalize": "traditional→simplified, furniture removed, web artefacts repaired; offsets kept",
    "segment": "passages with heading paths, sentences, tokens with POS; document level and region",
    "extract": "indicator figures with value, qualifier, modality and evidence span",
    "classify": "theme labels and scores for each body passage",
    "publish": "documents/passages/indicators as Parquet, CSV (Excel) and DuckDB, plus a chart",
}


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(
        opencc_mode=OpenccMode(args.opencc_mode),
        segmenter=Segmenter(args.segmenter),
        tagger=Tagger(args.tagger),
        hanlp_model=args.hanlp_model,
        theme_model=ThemeModel(args.theme_model) if args.theme_model else None,
        theme_model_dir=Path(args.theme_model_dir),
    )


def run_ingest(input_dir: Path, layout: store.Layout, settings: Settings) -> None:
    from pipeline.ingest import discover, ingest

    if not input_dir.is_dir():
        raise SystemExit(f"--input {input_dir} is not a folder")
    paths = discover(input_dir)
    _say(f"ingest: {len(paths)} files under {input_dir}")
    raw = ingest(paths, input_dir, settings.max_file_bytes)
    for row in raw[raw.error.notna()].itertuples():
        _say(f"  skipped {row.source}: {row.error}")
    store.write_parquet(raw, layout.stage("raw_documents"))
    _say(f"ingest: {int(raw.error.isna().sum())} read, {int(raw.error.notna().sum())} skipped")


def run_normalize(layout: store.Layout, settings: Settings) -> None:
    from pipeline.normalize import normalize

    raw = store.read_parquet(layout.stage("raw_documents"))
    docs, lines = normalize(raw, settings.opencc_mode)
    store.write_parquet(docs, layout.stage("normalized"))
    store.write_parquet(lines, layout.stage("lines"))
    dropped = int((lines.kind.isin(["furniture", "truncation"])).sum()) if len(lines) else 0
    _say(f"normalize: {len(docs)} documents, {dropped} furniture lines dropped")


def run_segment(layout: store.Layout, settings: Settings) -> None:
    from pipeline.places import document_places, mentions
    from pipeline.segment import passages, sentences, tokens
    from pipeline.words import DomainTokenizer

    docs = store.read_parquet(layout.stage("normalized"))
    lines = store.read_parquet(layout.stage("lines"))
    passage_table = passages(docs, lines)
    sentence_table = sentences(docs, passage_table)
    words = DomainTokenizer(settings.segmenter, settings.lexicon_path)
    if settings.tagger is Tagger.HANLP:
        from pipeline.hanlp_backend import HanlpTagger

        if not settings.hanlp_model:
            raise SystemExit("--tagger hanlp needs --hanlp-model (a local HanLP model folder or cached identifier)")
        # HanLP tags; the domain lexicon still decides the words unless the model tokenizes itself.
        token_table = tokens(docs, sentence_table, HanlpTagger.load(settings.hanlp_model, tokenizer=words.cut))
    else:
        token_table = tokens(docs, sentence_table, words)
    store.write_parquet(passage_table, layout.stage("passages"))
    store.write_parquet(sentence_table, layout.stage("sentences"))
    store.write_parquet(token_table, layout.stage("tokens"))
    store.write_parquet(document_places(docs), layout.stage("places"))
    store.write_parquet(mentions(docs, passage_table), layout.stage("mentions"))
    _say(f"segment: {len(passage_table)} passages, {len(sentence_table)} sentences, {len(token_table)} tokens")


def run_extract(layout: store.Layout, settings: Settings) -> None:
    from pipeline.extract import extract

    docs = store.read_parquet(layout.stage("normalized"))
    table = extract(docs, store.read_parquet(layout.stage("passages")), store.read_parquet(layout.stage("sentences")))
    store.write_parquet(table, layout.stage("indicators"))
    _say(f"extract: {len(table)} indicator figures")


def run_classify(layout: store.Layout, settings: Settings) -> None:
    from pipeline.classify import ThemeClassifier, classify

    model = ThemeClassifier(settings.theme_model_dir, settings.theme_model.value if settings.theme_model else None)
    table = classify(store.read_parquet(layout.stage("passages")), model)
    store.write_parquet(table, layout.stage("passages_themes"))
    _say(f"classify: {int(table.themes.map(len).gt(0).sum())} of {len(table)} passages labeled ({model.kind} model)")


def run_publish(layout: store.Layout, settings: Settings) -> None:
    from pipeline.publish import PASSAGE_COLUMNS, check_contract, document_table, draw_indicator_chart, ingest_errors

    raw = store.read_parquet(layout.stage("raw_documents"))
    tables: dict[str, pd.DataFrame] = {
        "documents": document_table(
            raw, store.read_parquet(layout.stage("normalized")), store.read_parquet(layout.stage("places"))
        ),
        "passages": store.read_parquet(layout.stage("passages_themes")).reindex(columns=PASSAGE_COLUMNS),
        "indicators": store.read_parquet(layout.stage("indicators")),
        "tokens": store.read_parquet(layout.stage("tokens")),
        "mentions": store.read_parquet(layout.stage("mentions")),
        "ingest_errors": ingest_errors(raw),
    }
    for name, table in tables.items():
        check_contract(name, table)  # nothing is swapped in unless every table holds its contract
    for name, table in tables.items():
        store.write_parquet(table, layout.published(name))
        if name not in ("tokens", "mentions"):
            store.write_csv(table, layout.csv_dir / f"{name}.csv")
    store.write_duckdb(tables, layout.database)
    store.write_figure(lambda p: draw_indicator_chart(tables["indicators"], p), layout.charts_dir / "indicators.png")
    _say(f"publish: {', '.join(f'{k}={len(v)}' for k, v in tables.items())} → {layout.root}")


def run_stage(name: str, args: argparse.Namespace) -> None:
    layout = store.Layout(Path(args.output))
    settings = _settings(args)
    started = time.perf_counter()
    steps: dict[str, Callable[[], None]] = {
        "ingest": lambda: run_ingest(Path(args.input), layout, settings),
        "normalize": lambda: run_normalize(layout, settings),
        "segment": lambda: run_segment(layout, settings),
        "extract": lambda: run_extract(layout, settings),
        "classify": lambda: run_classify(layout, settings),
        "publish": lambda: run_publish(layout, settings),
    }
    steps[name]()
    _say(f"{name}: done in {time.perf_counter() - started:.1f}s")


def _add_common(p: argparse.ArgumentParser, needs_input: bool) -> None:
    if needs_input:
        p.add_argument("--input", required=True, help="folder of raw reports (read only)")
    p.add_argument(
        "--output", required=True, help="output folder (stage tables under interim/, published tables at the top)"
    )
    p.add_argument(
        "--opencc-mode",
        default="t2s",
        choices=[m.value for m in OpenccMode],
        help="traditional→simplified conversion: t2s (default), tw2s (Taiwan), hk2s (Hong Kong)",
    )
    p.add_argument(
        "--segmenter",
        default="fast",
        choices=[s.value for s in Segmenter],
        help="fast (rjieba, default) or jieba (reference); same tokens",
    )
    p.add_argument(
        "--tagger",
        default="jieba",
        choices=[t.value for t in Tagger],
        help="POS tagger: jieba (default) or hanlp (needs the [hanlp] extra and --hanlp-model)",
    )
    p.add_argument(
        "--hanlp-model", default=None, help="local HanLP model folder or identifier in the local HanLP cache"
    )
    p.add_argument(
        "--theme-model",
        default=None,
        choices=[m.value for m in ThemeModel],
        help="theme classifier; default: the one the shipped model's meta.json names",
    )
    p.add_argument("--theme-model-dir", default=str(MODELS_DIR / "themes" / "v1"), help="trained theme model folder")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Mine Chinese inspection (巡视/巡察) work reports: "
        "ingest → normalize → segment → extract → classify → publish.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run every stage on a folder of reports")
    _add_common(run, needs_input=True)
    for name in STAGES:
        _add_common(
            sub.add_parser(name, help=STAGE_HELP[name], description=STAGE_HELP[name]), needs_input=name == "ingest"
        )
    ev = sub.add_parser("evaluate", help="score extraction, themes and furniture against gold annotations")
    ev.add_argument("--gold", action="append", required=True, help="gold folder: docs/ (or raw/) + *.jsonl; repeatable")
    ev.add_argument("--work", default="build/evaluate", help="where the pipeline's outputs for the gold documents go")
    ev.add_argument("--gate", default=None, help="baseline JSON with floors; exit 1 when a score falls below")
    ev.add_argument(
        "--update-gate",
        action="store_true",
        help="raise the floors in --gate to today's scores (never lowers them, but pins a changed gold set anew)",
    )
    ev.add_argument("--json", default=None, help="also write the scores as JSON here")
    tr = sub.add_parser("train", help="train the theme classifiers from corpora/labels and ship the better one")
    tr.add_argument("--output", default=str(MODELS_DIR / "themes" / "v1"))
    bench = sub.add_parser("bench", help="measure stage throughput (segment vs bare jieba, OpenCC, extraction)")
    bench.add_argument("--input", default="corpora/sample/raw")
    bench.add_argument("--repeat", type=int, default=20, help="how many times the corpus text is repeated")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        for name in STAGES:
            run_stage(name, args)
        return 0
    if args.command in STAGES:
        run_stage(args.command, args)
        return 0
    if args.command == "evaluate":
        from pipeline.evaluate import main as evaluate_main

        return evaluate_main(args)
    if args.command == "train":
        from pipeline.train import main as train_main

        return train_main(Path(args.output))
    if args.command == "bench":
        from pipeline.bench import main as bench_main

        return bench_main(Path(args.input), args.repeat)
    return 2
