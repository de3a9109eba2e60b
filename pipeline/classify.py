"""Classify: passages → theme labels (multi-label) with a score per theme.

Two models, both trained by `python -m pipeline train` from corpora/labels/:
- `sklearn`: character 1–3-gram TF-IDF and one logistic regression per theme; saved as plain
  arrays (.npz, read with allow_pickle=False: nothing unpickled, nothing executable).
- `spacy`: `textcat_multilabel` on the jieba-tokenized blank Chinese pipeline, from
  models/themes/config.cfg; saved and loaded with spaCy's own serialization.
Both score a passage and each of its units (sentences and enumerated points 一是…/（二）…), because the
labeling guide gives a passage every theme one of its sentences or points is about. A small per-theme
logistic regression (the unit combiner) weighs the passage's own score against its best and mean unit
scores; it is fit on held-out scores, so how much one sentence counts is learned, not set by hand.
Per-theme thresholds are tuned on held-out data and stored with the model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from pipeline.segment import split_sentences

THEMES = (
    "political_supervision",
    "village_inspection",
    "grassroots_livelihood",
    "coordination",
    "rectification",
    "team_building",
    "digitalization",
    "coverage_planning",
)
# Passages the spec does not score and the model was not trained on.
UNLABELED_KINDS = ("title", "subtitle", "byline", "heading", "question")


class ThemeScorer(Protocol):
    def predict_proba(self, texts: Sequence[str]) -> np.ndarray: ...


# An enumerated point starts at 一是/二是…, （一）/(二)… or 首先/其次; it may run over several sentences.
POINT_START = re.compile(r"(?=[一二三四五六七八九十]是|[（(][一二三四五六七八九十][)）]|首先|其次|再次)")
# Shorter units ("一是强化监督。") carry a headline, not content.
MIN_UNIT_CHARS = 12


def passage_unit_spans(text: str) -> list[tuple[int, int]]:
    """Where the units of `passage_units` stand in the passage (start, end), in the same order."""
    sentences = [(s.start, s.end) for s in split_sentences(text)]
    units = list(sentences)
    pieces, at = [], 0
    for piece in POINT_START.split(text):  # zero-width splits: the pieces tile the text
        if piece.strip():
            pieces.append((at, at + len(piece)))
        at += len(piece)
    if len(pieces) > 1:
        sentence_texts = {text[a:b] for a, b in sentences}
        units += [(a, b) for a, b in pieces if text[a:b] not in sentence_texts]
    return [(a, b) for a, b in units if len(text[a:b].strip()) >= MIN_UNIT_CHARS]


def passage_units(text: str) -> list[str]:
    """The sentences of a passage and, where it enumerates, its points: the units the guide judges."""
    return [text[a:b] for a, b in passage_unit_spans(text)]


# Per theme: the passage's score, its best unit's, its units' mean, and passage × best unit.
UNIT_FEATURES = ("passage", "best_unit", "mean_unit", "passage_x_best_unit")


def unit_features(scorer: ThemeScorer, texts: Sequence[str]) -> np.ndarray:
    """(passages, themes, UNIT_FEATURES) scores; a passage without units stands in for its own unit."""
    spans = [passage_unit_spans(t) for t in texts]
    units = [[t[a:b] for a, b in group] for t, group in zip(texts, spans, strict=True)]
    flat = [u for group in units for u in group]
    if isinstance(scorer, LinearThemeScorer):
        # The shipped model counts each passage's n-grams once and reads its units' counts off them.
        whole, unit_scores = scorer.predict_proba_units(list(texts), spans)
    elif getattr(scorer, "rows_independent", False):
        # One call over the distinct texts: a one-sentence passage is its own unit, and a
        # document's passages and units share the vectorizer's per-call setup. The linear model
        # scores each row on its own, so the numbers are the same (bit for bit, checked on 1,500
        # labeled passages). Measured on 100 synthetic reports' passages: 1.41 s → 0.89 s.
        distinct = list(dict.fromkeys([*texts, *flat]))
        scores = scorer.predict_proba(distinct) if distinct else np.zeros((0, len(THEMES)))
        row = {t: i for i, t in enumerate(distinct)}
        whole = scores[[row[t] for t in texts]] if len(texts) else np.zeros((0, len(THEMES)))
        unit_scores = scores[[row[u] for u in flat]] if flat else np.zeros((0, len(THEMES)))
    else:
        whole = scorer.predict_proba(texts) if len(texts) else np.zeros((0, len(THEMES)))
        unit_scores = scorer.predict_proba(flat) if flat else np.zeros((0, len(THEMES)))
    best, mean = whole.copy(), whole.copy()
    start = 0
    for i, group in enumerate(units):
        if group:
            best[i] = unit_scores[start : start + len(group)].max(axis=0)
            mean[i] = unit_scores[start : start + len(group)].mean(axis=0)
        start += len(group)
    return np.stack([whole, best, mean, whole * best], axis=2)


@dataclass
class UnitCombiner:
    """Per theme, a logistic regression over `unit_features`; stored as plain numbers in meta.json."""

    coef: np.ndarray  # (themes, features)
    intercept: np.ndarray  # (themes,)

    @classmethod
    def fit(
        cls, features: np.ndarray, y: np.ndarray, seed: int = 13, sample_weight: np.ndarray | None = None
    ) -> UnitCombiner:
        from sklearn.linear_model import LogisticRegression

        coef, intercept = [], []
        for j in range(len(THEMES)):
            lr = LogisticRegression(C=1.0, class_weight="balanced", random_state=seed).fit(
                features[:, j, :], y[:, j], sample_weight=sample_weight
            )
            coef.append(lr.coef_[0])
            intercept.append(lr.intercept_[0])
        return cls(np.array(coef), np.array(intercept))

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        logits = (features * self.coef[None, :, :]).sum(axis=2) + self.intercept[None, :]
        return np.asarray(1.0 / (1.0 + np.exp(-logits)))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": list(UNIT_FEATURES),
            "coef": np.round(self.coef, 6).tolist(),
            "intercept": np.round(self.intercept, 6).tolist(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> UnitCombiner:
        if list(data["features"]) != list(UNIT_FEATURES):
            raise ValueError(f"combiner was fit on features {data['features']}, this code makes {UNIT_FEATURES}")
        return cls(np.array(data["coef"], dtype=float), np.array(data["intercept"], dtype=float))


@dataclass
class CombinedScorer:
    """A base scorer read at passage and unit level, combined by a fitted UnitCombiner."""

    base: ThemeScorer
    combiner: UnitCombiner

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, len(THEMES)))
        return self.combiner.predict_proba(unit_features(self.base, texts))


@dataclass
class SklearnThemeModel:
    """TF-IDF over character n-grams + one-vs-rest logistic regression."""

    ngram_max: int = 3
    c: float = 8.0
    seed: int = 13

    def fit(self, texts: Sequence[str], y: np.ndarray, sample_weight: np.ndarray | None = None) -> SklearnThemeModel:
        """One binary logistic regression per theme over shared TF-IDF features (what sklearn's
        OneVsRestClassifier does, written out so that each passage can carry a sample weight: real
        published passages and our own are weighed differently, see pipeline/train.py)."""
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.vectorizer_ = TfidfVectorizer(
            analyzer="char", ngram_range=(1, self.ngram_max), sublinear_tf=True, min_df=2
        )
        features = self.vectorizer_.fit_transform(list(texts))
        self.estimators_ = [
            LogisticRegression(C=self.c, max_iter=2000, class_weight="balanced", random_state=self.seed).fit(
                features, y[:, j], sample_weight=sample_weight
            )
            for j in range(y.shape[1])
        ]
        self.coef_ = np.vstack([e.coef_ for e in self.estimators_])
        self.intercept_ = np.concatenate([e.intercept_ for e in self.estimators_])
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        from scipy.special import expit

        return np.asarray(expit(self.vectorizer_.transform(list(texts)) @ self.coef_.T + self.intercept_))

    # Like the loaded scorer, each text's scores depend on that text alone.
    rows_independent = True

    def save(self, folder: Path) -> None:
        """The fitted model as plain arrays (n-gram vocabulary, idf, one weight row per theme) in an
        .npz read with allow_pickle=False: nothing executable is stored, and it loads in a fraction
        of a second where a skops file took ~3 s, which dominated a one-report refresh."""
        tfidf = self.vectorizer_
        vocabulary = [""] * len(tfidf.vocabulary_)
        for term, index in tfidf.vocabulary_.items():
            vocabulary[index] = term
        folder.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            folder / WEIGHTS_FILE,
            vocabulary=np.array(vocabulary, dtype=str),
            idf=tfidf.idf_,
            coef=self.coef_,
            intercept=self.intercept_,
            ngram_max=np.array(self.ngram_max),
        )

    @classmethod
    def load(cls, folder: Path) -> LinearThemeScorer:
        return LinearThemeScorer.load(folder / WEIGHTS_FILE)


WEIGHTS_FILE = "weights.npz"

# sklearn's char analyzer: lowercase, then runs of whitespace folded to one space.
_WHITE_SPACES = re.compile(r"\s\s+")
# A code point fits in 21 bits, so an n-gram of up to three is one int64.
_CODE_BITS = 21


def _ngram_keys(codes: np.ndarray, n: int) -> np.ndarray:
    keys = codes[: len(codes) - n + 1].copy()
    for k in range(1, n):
        keys = (keys << _CODE_BITS) | codes[k : len(codes) - n + 1 + k]
    return keys


class NgramCounter:
    """Counts a fitted vocabulary's character n-grams as sklearn's CountVectorizer(analyzer="char")
    does, with numpy: n-grams become int64 keys looked up by binary search, and the units of a
    passage (sentences, points: spans of it) take their counts from the passage's n-grams instead of
    being analysed again. sklearn's analyzer and per-n-gram dict look-ups were ~60% of classify."""

    def __init__(self, vocabulary: Sequence[str], ngram_max: int) -> None:
        self.ngram_max = ngram_max
        self.size = len(vocabulary)
        self.tables: list[tuple[np.ndarray, np.ndarray]] = []
        # Every term's code points at once, from a fixed-width array (NUL-padded): a loop over the
        # 97,000 terms took 0.17 s of each model load, which a one-report refresh pays.
        terms = np.asarray(vocabulary, dtype=f"<U{ngram_max}")
        all_codes = terms.view(np.uint32).reshape(len(terms), ngram_max).astype(np.int64)
        lengths = np.count_nonzero(all_codes, axis=1)
        for n in range(1, ngram_max + 1):
            ids = np.flatnonzero(lengths == n).astype(np.int64)
            codes = all_codes[ids, :n]
            keys = self._row_keys(codes)
            order = np.argsort(keys, kind="stable")
            self.tables.append((keys[order], ids[order]))

    @staticmethod
    def _row_keys(codes: np.ndarray) -> np.ndarray:
        keys = codes[:, 0].copy()
        for k in range(1, codes.shape[1]):
            keys = (keys << _CODE_BITS) | codes[:, k]
        return keys

    @staticmethod
    def preprocess(text: str) -> str:
        return _WHITE_SPACES.sub(" ", text.lower())

    def ngram_ids(self, text: str) -> list[np.ndarray]:
        """Per n, the vocabulary id of the n-gram starting at each position of the preprocessed
        text (-1 where it is not in the vocabulary)."""
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4").astype(np.int64)
        out = []
        for n, (keys, ids) in enumerate(self.tables, start=1):
            if len(codes) < n or not len(keys):
                out.append(np.zeros(max(0, len(codes) - n + 1), dtype=np.int64) - 1)
                continue
            grams = _ngram_keys(codes, n)
            at = np.minimum(np.searchsorted(keys, grams), len(keys) - 1)
            out.append(np.where(keys[at] == grams, ids[at], -1))
        return out

    def counts(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]] | None = None) -> Any:
        """A CSR matrix of n-gram counts (int64, sorted indices, as CountVectorizer gives): a row per
        text, then a row per span of each text in order. A span is read off its text's n-grams when
        its preprocessed text is the same slice of the preprocessed passage (always, unless
        lowercasing or whitespace folding moved characters), else analysed on its own."""
        import scipy.sparse as sp

        whole_rows: list[np.ndarray] = []
        unit_rows: list[np.ndarray] = []
        for i, text in enumerate(texts):
            pre = self.preprocess(text)
            grams = self.ngram_ids(pre)
            whole_rows.append(self._row(grams, 0, len(pre)))
            aligned = len(pre) == len(text)
            for a, b in spans[i] if spans is not None else ():
                unit = self.preprocess(text[a:b])
                if aligned and pre[a:b] == unit:
                    unit_rows.append(self._row(grams, a, b))
                else:
                    unit_rows.append(self._row(self.ngram_ids(unit), 0, len(unit)))
        rows = whole_rows + unit_rows
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        indices, data = [], []
        for r, ids in enumerate(rows):
            uniq, n = np.unique(ids, return_counts=True)
            indices.append(uniq)
            data.append(n)
            indptr[r + 1] = indptr[r] + len(uniq)
        return sp.csr_matrix(
            (
                np.concatenate(data).astype(np.int64) if data else np.zeros(0, dtype=np.int64),
                np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
                indptr,
            ),
            shape=(len(rows), self.size),
        )

    @staticmethod
    def _row(grams: list[np.ndarray], a: int, b: int) -> np.ndarray:
        parts = [g[a : max(a, b - n)] for n, g in enumerate(grams)]  # n-grams (n = index + 1) inside [a, b)
        ids = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        return ids[ids >= 0]


def _normalize_rows_l2(matrix: Any) -> None:
    """sklearn's `normalize(csr, norm="l2")` in place, to the last bit: bincount adds each row's squares
    in order, as sklearn's loop does. Importing sklearn for it cost every process that classifies 1.1 s
    (scipy.stats comes with it), a seventh of a one-report refresh."""
    rows = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    norms = np.sqrt(np.bincount(rows, weights=matrix.data * matrix.data, minlength=matrix.shape[0]))
    norms[norms == 0.0] = 1.0
    matrix.data /= norms[rows]


@dataclass
class LinearThemeScorer:
    """The shipped sklearn model read back from its arrays: its vocabulary and idf, then one
    logistic function per theme (what OneVsRestClassifier's predict_proba computes for binary
    logistic regressions). Counting is NgramCounter's; weighting and normalising are sklearn's
    own TfidfTransformer steps, so the scores are sklearn's bit for bit (tests/test_classify.py)."""

    counter: NgramCounter
    idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    # Each text's scores depend on that text alone (sparse rows times dense weights), whatever the batch.
    rows_independent = True

    def __post_init__(self) -> None:
        # Stored once in the layout the sparse product reads (it copied coef.T on every call).
        self.weights = np.ascontiguousarray(self.coef.T)

    @classmethod
    def load(cls, path: Path) -> LinearThemeScorer:
        with np.load(path, allow_pickle=False) as weights:
            vocabulary = [str(term) for term in weights["vocabulary"]]
            counter = NgramCounter(vocabulary, int(weights["ngram_max"]))
            return cls(counter, weights["idf"], weights["coef"], weights["intercept"])

    def _scores(self, counts: Any) -> np.ndarray:
        from scipy.special import expit

        # TfidfTransformer.transform with sublinear_tf, idf and l2 norm, step by step.
        tfidf = counts.astype(np.float64)
        np.log(tfidf.data, tfidf.data)
        tfidf.data += 1.0
        tfidf.data *= self.idf[tfidf.indices]
        _normalize_rows_l2(tfidf)
        return np.asarray(expit(tfidf @ self.weights + self.intercept))

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        if not len(texts):
            return np.zeros((0, len(self.intercept)))
        return self._scores(self.counter.counts(list(texts)))

    def predict_proba_units(
        self, texts: list[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> tuple[np.ndarray, np.ndarray]:
        """Scores of each text and of each of its spans (flat, in order), from one count matrix."""
        if not texts:
            return np.zeros((0, len(self.intercept))), np.zeros((0, len(self.intercept)))
        scores = self._scores(self.counter.counts(texts, spans))
        return scores[: len(texts)], scores[len(texts) :]


@dataclass
class SpacyThemeModel:
    """textcat_multilabel over jieba tokens; trained with spaCy's own training loop."""

    folder: Path

    def __post_init__(self) -> None:
        import spacy

        import pipeline.nlp  # noqa: F401  (registers the tokenizer the saved config names)

        self.nlp_ = spacy.load(self.folder)

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        docs = self.nlp_.pipe(list(texts), batch_size=64)
        return np.array([[doc.cats.get(t, 0.0) for t in THEMES] for doc in docs])


def train_spacy(train: pd.DataFrame, dev: pd.DataFrame, config: Path, output: Path) -> Path:
    """Run spaCy's training loop on DocBin files made from the labeled passages."""
    import tempfile

    from spacy.cli.train import train as spacy_train
    from spacy.tokens import DocBin

    import pipeline.nlp as nlp_module

    nlp = nlp_module.blank_pipeline(with_pos=False)
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for name, frame in (("train", train), ("dev", dev)):
            db = DocBin()
            for row in frame.itertuples(index=False):
                doc = nlp.make_doc(str(row.text))
                doc.cats = {t: float(t in row.labels) for t in THEMES}
                db.add(doc)
            paths[name] = Path(tmp) / f"{name}.spacy"
            db.to_disk(paths[name])
        spacy_train(
            config, output, overrides={"paths.train": str(paths["train"]), "paths.dev": str(paths["dev"])}, use_gpu=-1
        )
    best = output / "model-best"
    forget_training_paths(best / "config.cfg")
    return best


# The saved config names the temporary DocBin files it was trained from; they are gone once training
# ends and differ on every run, so they are set back to null (a model trained twice is the same bytes).
_TRAINING_PATH = re.compile(r'^(train|dev) = "[^"\n]*"$', re.MULTILINE)


def forget_training_paths(config: Path) -> None:
    text = config.read_text(encoding="utf-8")
    config.write_text(_TRAINING_PATH.sub(r"\1 = null", text), encoding="utf-8")


def label_matrix(labels: Sequence[Sequence[str]]) -> np.ndarray:
    return np.array([[int(t in row) for t in THEMES] for row in labels])


# Real published paragraphs (longer, news wording, converter debris) score lower for a theme than our own
# held-out passages do, so where the held-out F1 is flat over a range of cuts the lowest cut in that range
# is taken: it gives up almost nothing on our passages and keeps labels that a high cut loses on real text.
# Used when only our own passages are there to tune on; with real passages among them the cut is simply
# the best (pipeline/train.py, measured leave-one-round-out).
THRESHOLD_TOLERANCE = 0.005


# The cuts tried: 0.10 to 0.90 in steps of 0.05, then any higher cuts the caller adds (train.Recipe.high_cuts).
THRESHOLD_GRID = tuple(float(v) for v in np.round(np.arange(0.10, 0.91, 0.05), 2))


def tune_thresholds(
    y_true: np.ndarray,
    proba: np.ndarray,
    tolerance: float = THRESHOLD_TOLERANCE,
    high_cuts: Sequence[float] = (),
) -> list[float]:
    """Per theme, the lowest threshold whose F1 on the development split is within `tolerance` of the best
    (cuts from THRESHOLD_GRID and `high_cuts`)."""
    grid = np.array(sorted({*THRESHOLD_GRID, *(round(float(c), 2) for c in high_cuts)}))
    out = []
    for j in range(y_true.shape[1]):
        f1s = []
        for th in grid:
            pred = proba[:, j] >= th
            tp = int((pred & (y_true[:, j] == 1)).sum())
            f1s.append(2 * tp / max(1, int(pred.sum()) + int(y_true[:, j].sum())))
        best_f1 = max(f1s)
        out.append(float(next(th for th, f1 in zip(grid, f1s, strict=True) if f1 >= best_f1 - tolerance)))
    return out


def scores_table(y_true: np.ndarray, y_pred: np.ndarray) -> dict[str, Any]:
    """Per-theme precision/recall/F1 and micro/macro F1."""
    per = {}
    for j, theme in enumerate(THEMES):
        tp = int(((y_pred[:, j] == 1) & (y_true[:, j] == 1)).sum())
        fp = int(((y_pred[:, j] == 1) & (y_true[:, j] == 0)).sum())
        fn = int(((y_pred[:, j] == 0) & (y_true[:, j] == 1)).sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        per[theme] = {
            "precision": round(p, 3),
            "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0,
            "support": tp + fn,
        }
    tp = int(((y_pred == 1) & (y_true == 1)).sum())
    micro = 2 * tp / max(1, int(y_pred.sum()) + int(y_true.sum()))
    supported = [v["f1"] for v in per.values() if v["support"]]
    macro = float(np.mean(supported)) if supported else 0.0
    return {"per_theme": per, "micro_f1": round(micro, 3), "macro_f1": round(macro, 3)}


def model_meta(folder: Path) -> dict[str, Any]:
    """meta.json of a trained theme model folder (default kind, thresholds, combiners, data digest)."""
    meta_path = folder / "meta.json"
    if not meta_path.exists():
        raise FileNotFoundError(f"no trained theme model in {folder}: run `make train`")
    meta: dict[str, Any] = json.loads(meta_path.read_text(encoding="utf-8"))
    if "combiner" not in meta:
        raise ValueError(f"the theme model in {folder} was trained by an older version: run `make train`")
    return meta


# Script converters leave a comma beside the punctuation they replaced (",、", "。,", ",,"): the labeled
# passages never have it, so it is folded before scoring.
CONVERTER_DEBRIS = re.compile(r"[,，](?=[、。；;,，])|(?<=[、。；;])[,，]")


def tidy_punctuation(text: str) -> str:
    return CONVERTER_DEBRIS.sub("", text)


class ThemeClassifier:
    """The shipped model: the default kind named in meta.json (or the one asked for)."""

    def __init__(self, folder: Path, kind: str | None = None) -> None:
        self.meta = model_meta(folder)
        self.kind = kind or self.meta["default"]
        self.thresholds = np.array(self.meta["thresholds"][self.kind])
        base: ThemeScorer = (
            SklearnThemeModel.load(folder / "sklearn") if self.kind == "sklearn" else SpacyThemeModel(folder / "spacy")
        )
        self.scorer = CombinedScorer(base, UnitCombiner.from_json(self.meta["combiner"][self.kind]))

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        if not texts:
            return np.zeros((0, len(THEMES))), np.zeros((0, len(THEMES)), dtype=int)
        proba = self.scorer.predict_proba([tidy_punctuation(t) for t in texts])
        return proba, (proba >= self.thresholds).astype(int)


def classify(passages: pd.DataFrame, classifier: ThemeClassifier) -> pd.DataFrame:
    """Adds `themes` (labels over threshold) and `theme_scores` (every theme's score)."""
    out = passages.copy()
    body = ~out.kind.isin(UNLABELED_KINDS)
    proba, pred = classifier.predict(out.loc[body, "text"].astype(str).tolist())
    themes: list[list[str]] = [[] for _ in range(len(out))]
    scores: list[dict[str, float] | None] = [None] * len(out)
    for k, i in enumerate(np.flatnonzero(body.to_numpy())):
        themes[i] = [t for t, on in zip(THEMES, pred[k], strict=True) if on]
        scores[i] = {t: round(float(s), 4) for t, s in zip(THEMES, proba[k], strict=True)}
    out["themes"] = themes
    out["theme_scores"] = scores
    return out


def data_digest(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]
