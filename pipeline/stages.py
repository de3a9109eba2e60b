"""The one declared list of stages: name, function, the tables it reads and writes, and what its
version is made of. The CLI, the Makefile (through the CLI), `evaluate`, `bench` and every
executor take the order from here.

A per-document stage is a plain function of one document's tables (plus shared, read-only
resources built once per process from the settings); it never sees the rest of the corpus, so
its cost per document does not depend on the corpus size. Ingest (files → documents) and publish
(documents → one snapshot) are the runner's own steps at either end.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipeline.config import PROJECT_ROOT, Settings, Tagger

if TYPE_CHECKING:
    from pipeline.classify import ThemeClassifier
    from pipeline.segment import Tagger as TokenTagger

DocTables = Mapping[str, pd.DataFrame]


@dataclass
class Resources:
    """Built once per process from the settings and shared by every document: the tokenizer and
    tagger, the theme model. Lazy, so a process that only normalizes never loads a model."""

    settings: Settings

    @cached_property
    def tagger(self) -> TokenTagger:
        from pipeline.config import LEXICON_DIR
        from pipeline.words import DomainTokenizer, domain_tokenizer

        # With the shipped lexicon, the one tokenizer places.py and extract also use (loading a
        # second one cost each process ~0.6 s).
        words = (
            domain_tokenizer(self.settings.segmenter)
            if self.settings.lexicon_path == LEXICON_DIR / "inspection.txt"
            else DomainTokenizer(self.settings.segmenter, self.settings.lexicon_path)
        )
        if self.settings.tagger is Tagger.HANLP:
            from pipeline.hanlp_backend import HanlpTagger

            if not self.settings.hanlp_model:
                raise ValueError("--tagger hanlp needs --hanlp-model (a local HanLP model folder)")
            # HanLP tags; the domain lexicon still decides the words unless the model tokenizes itself.
            return HanlpTagger.load(self.settings.hanlp_model, tokenizer=words.cut)
        return words

    @cached_property
    def classifier(self) -> ThemeClassifier:
        from pipeline.classify import ThemeClassifier

        kind = self.settings.theme_model.value if self.settings.theme_model else None
        return ThemeClassifier(self.settings.theme_model_dir, kind)


def normalize_document_tables(doc: DocTables, res: Resources) -> dict[str, pd.DataFrame]:
    from pipeline.normalize import normalize

    normalized, lines = normalize(doc["raw_documents"], res.settings.opencc_mode)
    return {"normalized": normalized, "lines": lines}


def segment_document_tables(doc: DocTables, res: Resources) -> dict[str, pd.DataFrame]:
    from pipeline.places import document_places, mentions
    from pipeline.segment import document_maps, passages, sentences, tokens

    normalized = doc["normalized"]
    maps = document_maps(normalized)  # the offset map, built once for the four tables that use it
    passage_table = passages(normalized, doc["lines"], maps)
    sentence_table = sentences(normalized, passage_table, maps)
    return {
        "passages": passage_table,
        "sentences": sentence_table,
        "tokens": tokens(normalized, sentence_table, res.tagger, maps),
        "places": document_places(normalized),
        "mentions": mentions(normalized, passage_table, maps),
    }


def extract_document_tables(doc: DocTables, res: Resources) -> dict[str, pd.DataFrame]:
    from pipeline.extract import extract

    return {"indicators": extract(doc["normalized"], doc["passages"], doc["sentences"])}


def resolve_document_tables(doc: DocTables, res: Resources) -> dict[str, pd.DataFrame]:
    from pipeline.figures import resolve

    return {"indicators": resolve(doc["indicators"], doc["passages"], doc["sentences"], doc["normalized"])}


def classify_document_tables(doc: DocTables, res: Resources) -> dict[str, pd.DataFrame]:
    from pipeline.classify import classify

    return {"passages_themes": classify(doc["passages"], res.classifier)}


def _digest_files(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(p.resolve() for p in paths):
        # Named relative to the project, so a checkout elsewhere has the same versions; a model or
        # lexicon outside it (or given as a relative path) by its file name.
        h.update((p.relative_to(PROJECT_ROOT).as_posix() if p.is_relative_to(PROJECT_ROOT) else p.name).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _pipeline_files(*names: str) -> list[Path]:
    root = PROJECT_ROOT / "pipeline"
    return [p for n in names for p in (sorted((root / n).glob("*.py")) if (root / n).is_dir() else [root / n])]


@dataclass(frozen=True)
class Stage:
    name: str
    help: str
    run: Callable[[DocTables, Resources], dict[str, pd.DataFrame]] | None
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    # Code and data whose bytes are part of the version, and the settings that change the output.
    code: Callable[[Settings], list[Path]]
    settings: Callable[[Settings], str]

    def version(self, settings: Settings) -> str:
        return (
            f"{_digest_files(self.code(settings))}-{hashlib.sha256(self.settings(settings).encode()).hexdigest()[:8]}"
        )


def _model_files(s: Settings) -> list[Path]:
    folder = s.theme_model_dir
    return [p for p in sorted(folder.rglob("*")) if p.is_file()] if folder.is_dir() else []


STAGES: tuple[Stage, ...] = (
    Stage(
        "ingest",
        "decode raw reports (UTF-8/GBK/Big5/UTF-16, HTML, .docx, .pdf); list unreadable files",
        None,
        (),
        ("raw_documents",),
        lambda s: _pipeline_files("ingest.py"),
        lambda s: f"max_file_bytes={s.max_file_bytes}",
    ),
    Stage(
        "normalize",
        "traditional→simplified, furniture removed, web artefacts repaired; offsets kept",
        normalize_document_tables,
        ("raw_documents",),
        ("normalized", "lines"),
        lambda s: _pipeline_files("normalize.py", "furniture.py", "textmap.py", "frames.py"),
        lambda s: f"opencc={s.opencc_mode.value}",
    ),
    Stage(
        "segment",
        "passages with heading paths, sentences, tokens with POS; document level and region",
        segment_document_tables,
        ("normalized", "lines"),
        ("passages", "sentences", "tokens", "places", "mentions"),
        lambda s: [
            *_pipeline_files("segment.py", "words.py", "places.py", "hanlp_backend.py"),
            *sorted((PROJECT_ROOT / "corpora" / "lexicons").glob("*.txt")),
            s.lexicon_path,
        ],
        lambda s: f"segmenter={s.segmenter.value};tagger={s.tagger.value};hanlp={s.hanlp_model}",
    ),
    Stage(
        "extract",
        "indicator figures with value, qualifier, modality and evidence span",
        extract_document_tables,
        ("normalized", "passages", "sentences"),
        ("indicators",),
        lambda s: _pipeline_files("extract"),
        lambda s: "",
    ),
    Stage(
        "resolve",
        "role of each figure (total/part/repeat) and the year(s) it covers, with the rule that decided each",
        resolve_document_tables,
        ("indicators", "passages", "sentences", "normalized"),
        ("indicators",),
        lambda s: _pipeline_files("figures.py"),
        lambda s: "",
    ),
    Stage(
        "classify",
        "theme labels and scores for each body passage",
        classify_document_tables,
        ("passages",),
        ("passages_themes",),
        lambda s: [*_pipeline_files("classify.py"), *_model_files(s)],
        lambda s: f"theme_model={s.theme_model.value if s.theme_model else 'default'}",
    ),
    Stage(
        "publish",
        "one snapshot: Parquet, CSV (Excel), DuckDB, chart and the change report",
        None,
        (),
        (),
        lambda s: _pipeline_files("publish.py", "reports.py", "contracts.py", "names.py", "report_html.py", "store.py"),
        lambda s: "",
    ),
)
STAGE_NAMES = tuple(s.name for s in STAGES)
DOCUMENT_STAGES = tuple(s for s in STAGES if s.run is not None)
BY_NAME = {s.name: s for s in STAGES}


def stage_versions(settings: Settings) -> dict[str, str]:
    """Each stage's version, chained: a stage's version includes every stage before it, so a new
    normalizer re-runs segment, extract and classify too."""
    versions, chain = {}, ""
    for stage in STAGES:
        chain = hashlib.sha256(f"{chain}|{stage.name}:{stage.version(settings)}".encode()).hexdigest()[:16]
        versions[stage.name] = chain
    return versions


def run_document(
    doc_id: str, tables: dict[str, pd.DataFrame], todo: tuple[str, ...], res: Resources
) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Run the stages named in `todo` (in stage order) on one document. Returns the new tables and,
    per stage that failed, its error; a failed stage's later stages are not run."""
    produced: dict[str, pd.DataFrame] = {}
    errors: dict[str, str] = {}
    for stage in DOCUMENT_STAGES:
        if stage.name not in todo:
            continue
        if errors:
            errors[stage.name] = f"skipped: {next(iter(errors))} failed"
            continue
        assert stage.run is not None
        try:
            out = stage.run({**tables, **produced}, res)
            check_document_tables(stage.name, out)
        except Exception as exc:  # one document's failure must not stop the batch
            errors[stage.name] = f"{type(exc).__name__}: {exc}"[:500]
            continue
        produced.update(out)
    return produced, errors


class DocumentTableError(ValueError):
    """A stage's output for one document breaks its grain: the document fails, the batch goes on."""


# The grain of each per-document table: what makes a row unique within one document.
DOCUMENT_GRAIN: dict[str, tuple[str, ...]] = {
    "passages": ("passage_id",),
    "sentences": ("passage_id", "sentence_id"),
    "tokens": ("passage_id", "sentence_id", "token_id"),
    "mentions": ("raw_start", "raw_end", "kind"),
    "indicators": ("raw_start", "raw_end", "indicator"),
    "passages_themes": ("passage_id",),
}


def check_document_tables(stage: str, tables: dict[str, pd.DataFrame]) -> None:
    for name, table in tables.items():
        grain = DOCUMENT_GRAIN.get(name)
        if grain and len(table) and _repeats_grain(table, grain):
            raise DocumentTableError(f"{name}: rows repeat the grain {grain}")
        if name == "indicators" and len(table):
            values = pd.to_numeric(table["value"], errors="coerce")
            if (values.notna() & ~values.abs().lt(float("inf"))).any():
                raise DocumentTableError("indicators: a value is not a finite number")


def _repeats_grain(table: pd.DataFrame, grain: tuple[str, ...]) -> bool:
    """`table.duplicated(grain).any()`, as a set of key tuples: measured 1.8x faster on one
    document's small tables (0.28 s → 0.16 s over 600 of them). Keys with a null go to pandas,
    which counts two nulls as equal."""
    columns = [table[c] for c in grain]
    if any(c.isna().any() for c in columns):
        return bool(table.duplicated(list(grain)).any())
    keys = list(zip(*(c.tolist() for c in columns), strict=True))
    return len(set(keys)) != len(keys)
