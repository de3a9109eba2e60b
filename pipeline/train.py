"""Train the theme classifiers from corpora/labels/ deterministically and ship the better one.

Split (by a hash of each passage id, so adding passages does not reshuffle old ones):
70% train, 15% development, 15% held-out test (the scores reported in metrics.json).
- sklearn: 5-fold out-of-fold scores over train + development (every passage scored by a model that
  did not see it; ~1,300 passages rather than ~200 for every later decision), then fit on train + dev.
- spaCy: trained on train and early-stopped on development (its loop needs a fixed dev set); its
  development scores stand in for the out-of-fold ones.
On those held-out scores the unit combiner is fit, and per-theme thresholds are tuned on the
combiner's own out-of-fold output. The test split is never used for a choice.
../shared/eval is never read here.
"""

from __future__ import annotations

import hashlib
import json
import platform
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.classify import (
    THEMES,
    UNIT_FEATURES,
    CombinedScorer,
    SklearnThemeModel,
    SpacyThemeModel,
    ThemeScorer,
    UnitCombiner,
    data_digest,
    label_matrix,
    scores_table,
    train_spacy,
    tune_thresholds,
    unit_features,
)
from pipeline.config import MODELS_DIR, PROJECT_ROOT

LABELS_DIR = PROJECT_ROOT / "corpora" / "labels"
CONFIG = MODELS_DIR / "themes" / "config.cfg"
SEED = 13
FOLDS = 5


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


@dataclass
class Calibration:
    combiner: UnitCombiner
    thresholds: list[float]
    dev_scores: dict[str, Any]


def folds(n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import KFold

    return list(KFold(FOLDS, shuffle=True, random_state=SEED).split(np.arange(n)))


def out_of_fold_features(texts: list[str], y: np.ndarray) -> np.ndarray:
    """Unit features of every passage from a sklearn model that did not see it."""
    out = np.zeros((len(texts), len(THEMES), len(UNIT_FEATURES)))
    for fit_idx, held_idx in folds(len(texts)):
        model = SklearnThemeModel(seed=SEED).fit([texts[i] for i in fit_idx], y[fit_idx])
        out[held_idx] = unit_features(model, [texts[i] for i in held_idx])
    return out


def calibrate(features: np.ndarray, y: np.ndarray) -> Calibration:
    """Fit the unit combiner on held-out features; thresholds from the combiner's own out-of-fold output."""
    held_out = np.zeros(y.shape)
    for fit_idx, held_idx in folds(len(y)):
        held_out[held_idx] = UnitCombiner.fit(features[fit_idx], y[fit_idx], SEED).predict_proba(features[held_idx])
    cut = tune_thresholds(y, held_out)
    return Calibration(
        UnitCombiner.fit(features, y, SEED), cut, scores_table(y, (held_out >= np.array(cut)).astype(int))
    )


def main(output: Path) -> int:
    import random

    random.seed(SEED)
    np.random.seed(SEED)
    data = load_labeled()
    data["split"] = data["id"].map(split_of)
    train, dev, test = (data[data.split == s] for s in ("train", "dev", "test"))
    fit = pd.concat([train, dev])
    print(f"train: {len(train)} train / {len(dev)} dev / {len(test)} test passages", file=sys.stderr)
    y_dev, y_test, y_fit = (label_matrix(f.labels.tolist()) for f in (dev, test, fit))

    if output.exists():
        shutil.rmtree(output)
    output.mkdir(parents=True)

    oof = out_of_fold_features(fit.text.tolist(), y_fit)
    sk = SklearnThemeModel(seed=SEED).fit(fit.text.tolist(), y_fit)
    sk.save(output / "sklearn")
    spacy_best = train_spacy(train, dev, CONFIG, output / "spacy_training")
    shutil.copytree(spacy_best, output / "spacy")
    shutil.rmtree(output / "spacy_training")
    models: dict[str, ThemeScorer] = {"sklearn": sk, "spacy": SpacyThemeModel(output / "spacy")}
    calibrations = {
        "sklearn": calibrate(oof, y_fit),
        "spacy": calibrate(unit_features(models["spacy"], dev.text.tolist()), y_dev),
    }

    metrics: dict[str, dict[str, dict[str, Any]]] = {}
    for name, model in models.items():
        cal = calibrations[name]
        proba = CombinedScorer(model, cal.combiner).predict_proba(test.text.tolist())
        metrics[name] = {
            "dev": cal.dev_scores,
            "test": scores_table(y_test, (proba >= np.array(cal.thresholds)).astype(int)),
        }
        print(
            f"train: {name}: held-out (dev) macro-F1 {cal.dev_scores['macro_f1']}, "
            f"test macro-F1 {metrics[name]['test']['macro_f1']}, micro-F1 {metrics[name]['test']['micro_f1']}",
            file=sys.stderr,
        )

    # Ship the model with the better development macro-F1 (the test split stays untouched by choices).
    default = max(models, key=lambda n: (metrics[n]["dev"]["macro_f1"], n == "sklearn"))
    import sklearn
    import spacy

    meta = {
        "version": output.name,
        "default": default,
        "themes": list(THEMES),
        "thresholds": {name: c.thresholds for name, c in calibrations.items()},
        "combiner": {name: c.combiner.to_json() for name, c in calibrations.items()},
        "calibrated_on": {"sklearn": f"{FOLDS}-fold out-of-fold scores over train + dev", "spacy": "dev"},
        "seed": SEED,
        "config": {
            "sklearn": {
                key: sk.pipeline_.named_steps["tfidf"].get_params()[key]
                for key in ("analyzer", "ngram_range", "min_df", "sublinear_tf")
            }
            | {"C": sk.c, "class_weight": "balanced", "folds": FOLDS},
            "spacy": "spacy/config.cfg (from models/themes/config.cfg)",
        },
        "training_data": {
            "files": sorted(data.file.unique().tolist()),
            "digest": data_digest(list(LABELS_DIR.glob("*.jsonl"))),
            "passages": {s: int((data.split == s).sum()) for s in ("train", "dev", "test")},
            "fit_on": {"sklearn": "train + dev", "spacy": "train"},
        },
        "libraries": {
            "python": platform.python_version(),
            "scikit-learn": sklearn.__version__,
            "spacy": spacy.__version__,
            "numpy": np.__version__,
        },
    }
    (output / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (output / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"train: shipped {default} as default → {output}", file=sys.stderr)
    return 0
