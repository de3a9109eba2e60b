"""Labeled real passages: the body passages of the real-text development set with their gold themes.

The gold of corpora/real-dev/ labels raw lines of texts kept outside the repository (XUNCHA_REAL_DIR).
The classifier sees the pipeline's passages, not raw lines, so the texts are run through the pipeline
up to `segment` and each gold line is matched to its passage exactly as `make evaluate` matches it
(`pipeline.evaluate.load_real_round` and `gold_passages`): training learns the text it will be
scored on. Only batches named by the caller are read (the rounds of rounds.json); a text missing or
differing from its digest is left out by `load_real_round` and reported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline import store
from pipeline.classify import THEMES, UNLABELED_KINDS
from pipeline.config import PROJECT_ROOT, Settings
from pipeline.evaluate import gold_passages, load_real_round, real_dir

REAL_GOLD_DIR = PROJECT_ROOT / "corpora" / "real-dev"


@dataclass
class RealPassages:
    """One row per pipeline passage that holds gold: id, batch, doc, text, labels."""

    table: pd.DataFrame
    # batch -> digest of its gold and of the texts used (as `make evaluate` computes it for a round)
    digests: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    # Gold lines whose passage the pipeline does not keep as body (batch, doc, labels): not trained on,
    # but scoring counts them as passages given no label, as `make evaluate` does.
    unmatched: list[tuple[str, str, list[str]]] = field(default_factory=list)


def training_rounds(folder: Path = REAL_GOLD_DIR) -> dict[str, list[str]]:
    """The rounds the theme model is trained on: the rounds of rounds.json that training_rounds.json
    names (all of them without that file). A round is scored from the day its annotation is done;
    it is trained on once a model trained with it keeps every own gold set above its floor, so that
    `make train` gives back the shipped model in the meantime."""
    rounds_file, chosen_file = folder / "rounds.json", folder / "training_rounds.json"
    if not rounds_file.exists():
        return {}
    rounds: dict[str, list[str]] = json.loads(rounds_file.read_text(encoding="utf-8"))
    if chosen_file.exists():
        chosen = set(json.loads(chosen_file.read_text(encoding="utf-8"))["rounds"])
        rounds = {name: batches for name, batches in rounds.items() if name in chosen}
    return rounds


def load_real_passages(
    batches: list[str], work: Path, folder: Path = REAL_GOLD_DIR, texts: Path | None = None
) -> RealPassages:
    """The gold-labeled body passages of `batches`, each batch run through the pipeline under `work`
    (kept between calls: the runner redoes only what changed)."""
    from pipeline.ingest import discover, read_document
    from pipeline.runner import collect, refresh

    texts = texts or real_dir()
    rows: list[dict[str, object]] = []
    out = RealPassages(pd.DataFrame())
    for batch in batches:
        gold, problems = load_real_round(folder, [batch], texts, work / f"real-{batch}")
        out.problems += [f"{batch}: {p}" for p in problems]
        out.digests[batch] = gold.digest
        layout = store.Layout(work / f"real-{batch}" / "pipeline")
        refresh(gold.docs_dir, layout, Settings(), until="segment")
        passages = collect(layout, "passages")
        raw_texts = {
            p.stem: read_document(p, gold.docs_dir, 50_000_000).raw_text or "" for p in discover(gold.docs_dir)
        }
        by_passage: dict[tuple[str, int], dict[str, object]] = {}
        for g, hit in gold_passages(gold.themes, passages, raw_texts):
            if hit is None or hit.kind in UNLABELED_KINDS:
                out.unmatched.append((batch, str(g["doc"]), list(g["labels"])))
                continue
            key = (str(hit.doc_id), int(hit.passage_id))
            row = by_passage.setdefault(
                key,
                {
                    "id": f"real:{batch}:{g['doc']}:{int(hit.passage_id)}",
                    "batch": batch,
                    "doc": str(g["doc"]),
                    "text": str(hit.text),
                    "labels": [],
                },
            )
            # Gold lines that fall in one passage give it the union of their labels, as scoring does
            # (each line is scored against that passage's prediction).
            labels = row["labels"]
            assert isinstance(labels, list)
            labels += [t for t in g["labels"] if t not in labels]
        for row in by_passage.values():
            assert isinstance(row["labels"], list)
            row["labels"] = [t for t in THEMES if t in row["labels"]]
            rows.append(row)
    out.table = pd.DataFrame(rows, columns=["id", "batch", "doc", "text", "labels"])
    return out


def describe(folder: Path = REAL_GOLD_DIR) -> pd.DataFrame:
    """Per round and for the whole set: pages, sites, traditional share, levels and kinds, and the gold
    (required figures, theme paragraphs, furniture lines dropped), read from the committed files only
    (the README's description of the set; `python -m pipeline.real_labels`)."""
    rounds: dict[str, list[str]] = json.loads((folder / "rounds.json").read_text(encoding="utf-8"))
    rows = []
    for name, batches in [*rounds.items(), ("all", [b for bs in rounds.values() for b in bs])]:
        sources = pd.concat([pd.read_csv(folder / b / "sources.tsv", sep="\t", dtype=str) for b in batches])

        def jsonl(kind: str, batches: list[str] = batches) -> list[dict[str, Any]]:
            lines = [line for b in batches for line in (folder / b / f"{kind}.jsonl").read_text("utf-8").splitlines()]
            return [json.loads(line) for line in lines if line.strip()]

        rows.append(
            {
                "round": name,
                "batches": ", ".join(batches),
                "pages": len(sources),
                "sites": sources.host.nunique(),
                "traditional": round(float((sources.script == "traditional").mean()), 2),
                "levels": sources.level.value_counts().to_dict(),
                "kinds": sources.kind.value_counts().to_dict(),
                "required_figures": sum(1 for r in jsonl("indicators") if not r.get("optional")),
                "paragraphs": len(jsonl("themes")),
                "furniture_lines": sum(len(r["drop_lines"]) for r in jsonl("furniture")),
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    with pd.option_context("display.max_colwidth", 200, "display.width", 250):
        print(describe().to_string(index=False))
