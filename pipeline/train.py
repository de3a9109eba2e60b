"""Train the theme classifiers from corpora/labels/ deterministically and ship the better one.

Split (by a hash of each passage id, so adding passages does not reshuffle old ones):
70% train, 15% development (threshold tuning, spaCy's early stopping), 15% held-out test
(the scores reported in metrics.json). ../shared/eval is never read here.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.classify import (
    THEMES,
    PooledScorer,
    SklearnThemeModel,
    SpacyThemeModel,
    ThemeScorer,
    data_digest,
    label_matrix,
    scores_table,
    train_spacy,
    tune_thresholds,
)
from pipeline.config import MODELS_DIR, PROJECT_ROOT

LABELS_DIR = PROJECT_ROOT / "corpora" / "labels"
CONFIG = MODELS_DIR / "themes" / "config.cfg"
SEED = 13
# How much a single sentence or point may speak for the passage (see PooledScorer); 0 = passage only.
UNIT_WEIGHTS = (0.0, 0.5, 0.7, 0.85, 1.0)


def load_labeled(folder: Path = LABELS_DIR) -> pd.DataFrame:
    frames = [pd.read_json(p, lines=True).assign(file=p.name) for p in sorted(folder.glob("*.jsonl"))]
    if not frames:
        raise FileNotFoundError(f"no labeled passages (*.jsonl) in {folder}")
    table = pd.concat(frames, ignore_index=True)
    unknown = {label for labels in table.labels for label in labels} - set(THEMES)
    if unknown:
        raise ValueError(f"unknown theme labels in {folder}: {sorted(unknown)}")
    return table


def split_of(passage_id: str) -> str:
    bucket = int(hashlib.sha256(f"{SEED}:{passage_id}".encode()).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def main(output: Path) -> int:
    import random

    random.seed(SEED)
    np.random.seed(SEED)
    data = load_labeled()
    data["split"] = data["id"].map(split_of)
    train, dev, test = (data[data.split == s] for s in ("train", "dev", "test"))
    print(f"train: {len(train)} train / {len(dev)} dev / {len(test)} test passages", file=sys.stderr)
    y_train, y_dev, y_test = (label_matrix(f.labels.tolist()) for f in (train, dev, test))

    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)
    metrics: dict[str, dict[str, dict[str, Any]]] = {}
    thresholds: dict[str, list[float]] = {}

    sk = SklearnThemeModel(seed=SEED).fit(train.text.tolist(), y_train)
    sk.save(output / "sklearn")
    spacy_best = train_spacy(train, dev, CONFIG, output / "spacy_training")
    shutil.copytree(spacy_best, output / "spacy")
    shutil.rmtree(output / "spacy_training")
    models: dict[str, ThemeScorer] = {"sklearn": sk, "spacy": SpacyThemeModel(output / "spacy")}

    unit_weight: dict[str, float] = {}
    for name, model in models.items():
        # The unit weight and the thresholds are both chosen on the development split.
        best: tuple[float, float, list[float], np.ndarray] | None = None
        for weight in UNIT_WEIGHTS:
            dev_proba = PooledScorer(model, weight).predict_proba(dev.text.tolist())
            cut = tune_thresholds(y_dev, dev_proba)
            macro = float(scores_table(y_dev, (dev_proba >= np.array(cut)).astype(int))["macro_f1"])
            print(f"train: {name}: unit weight {weight}: dev macro-F1 {macro:.3f}", file=sys.stderr)
            if best is None or macro > best[0] + 1e-9:
                best = (macro, weight, cut, dev_proba)
        assert best is not None
        _, unit_weight[name], thresholds[name], dev_proba = best
        scorer = PooledScorer(model, unit_weight[name])
        test_pred = (scorer.predict_proba(test.text.tolist()) >= np.array(thresholds[name])).astype(int)
        metrics[name] = {
            "dev": scores_table(y_dev, (dev_proba >= np.array(thresholds[name])).astype(int)),
            "test": scores_table(y_test, test_pred),
        }
        print(
            f"train: {name} (unit weight {unit_weight[name]}): held-out macro-F1 {metrics[name]['test']['macro_f1']}, "
            f"micro-F1 {metrics[name]['test']['micro_f1']}",
            file=sys.stderr,
        )

    # Ship the model with the better development macro-F1 (the test split stays untouched by choices).
    default = max(models, key=lambda n: (metrics[n]["dev"]["macro_f1"], n == "sklearn"))
    import sklearn
    import skops
    import spacy

    meta = {
        "version": output.name,
        "default": default,
        "themes": list(THEMES),
        "thresholds": thresholds,
        "unit_weight": unit_weight,
        "seed": SEED,
        "training_data": {
            "files": sorted(data.file.unique().tolist()),
            "digest": data_digest(list(LABELS_DIR.glob("*.jsonl"))),
            "passages": {s: int((data.split == s).sum()) for s in ("train", "dev", "test")},
        },
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "skops": skops.__version__,
            "spacy": spacy.__version__,
            "numpy": np.__version__,
        },
    }
    (output / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"train: shipped {default} as default → {output}", file=sys.stderr)
    return 0
