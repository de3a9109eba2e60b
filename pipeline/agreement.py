"""Agreement between two annotators of the same documents (inter-annotator agreement).

Compares two annotation folders in the real-dev format (``indicators.jsonl`` with offsets,
``themes.jsonl``, ``furniture.jsonl``; see corpora/real-dev) over the documents both annotated:

- indicators: the second folder scored against the first as gold, with the match rule of the
  indicator spec and of ``pipeline.evaluate.score_indicators`` (same document and type, values equal
  to 0.01 or both masked, one-to-one). ``optional`` records on either side are neither rewarded nor
  penalized: a required record left unmatched by required records but matching an optional record
  on the other side is not counted. F1 is symmetric, so which folder is "gold" does not change it.
  On matched required pairs, the share with the same modality, qualifier, role and year.
- themes: over the paragraphs (doc, line) both folders list, per-label Cohen's kappa and F1, macro-F1
  (over labels either side used), micro-F1 and the share of paragraphs with identical label sets.
- furniture: lines both classified the same (drop/keep) over lines either classified.

Usage: ``python -m pipeline.agreement corpora/real-dev/a corpora/real-dev/second-a [--details]``.
``--details`` lists every disagreement, with the quoted text when the documents are found in
``--texts`` (default: $XUNCHA_REAL_DIR or ~/.cache/xuncha/real-dev).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import cohen_kappa_score, f1_score

from pipeline.classify import THEMES
from pipeline.extract.indicators import INDICATOR_TYPES

Record = dict[str, Any]
VALUE_TOLERANCE = 0.01


@dataclass
class Annotations:
    """One annotator's folder."""

    name: str
    indicators: list[Record]
    themes: list[Record]
    furniture: list[Record]

    def docs(self) -> set[str]:
        """Documents this annotator covered: every doc with a furniture record, else any record."""
        listed = {str(r["doc"]) for r in self.furniture}
        if listed:
            return listed
        return {str(r["doc"]) for r in self.indicators + self.themes}


def _jsonl(path: Path) -> list[Record]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load(folder: Path) -> Annotations:
    return Annotations(
        folder.name,
        _jsonl(folder / "indicators.jsonl"),
        _jsonl(folder / "themes.jsonl"),
        _jsonl(folder / "furniture.jsonl"),
    )


# ---------------------------------------------------------------- indicators


@dataclass
class Pair:
    a: Record
    b: Record


@dataclass
class IndicatorAgreement:
    tp: int = 0
    fp: int = 0  # required in B, no counterpart in A
    fn: int = 0  # required in A, no counterpart in B
    per_type: dict[str, dict[str, float]] = field(default_factory=dict)
    matched: list[Pair] = field(default_factory=list)
    only_a: list[Record] = field(default_factory=list)
    only_b: list[Record] = field(default_factory=list)
    # required on one side, matched by an optional record on the other: not scored, listed for review
    required_vs_optional: list[Pair] = field(default_factory=list)
    # optional records with no counterpart at all on the other side: not scored, listed for review
    optional_only_a: list[Record] = field(default_factory=list)
    optional_only_b: list[Record] = field(default_factory=list)
    attribute_agreement: dict[str, float | None] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _same_figure(a: Record, b: Record) -> bool:
    if a["doc"] != b["doc"] or a["indicator"] != b["indicator"]:
        return False
    if a.get("masked") or b.get("masked"):
        return bool(a.get("masked")) and bool(b.get("masked"))
    if a.get("value") is None or b.get("value") is None:
        return False
    return abs(float(a["value"]) - float(b["value"])) <= VALUE_TOLERANCE


def _distance(a: Record, b: Record) -> tuple[bool, int]:
    """Pairs whose spans overlap first, then the nearest start: which of equal figures go together."""
    a0, a1 = int(a.get("start", -1)), int(a.get("end", -1))
    b0, b1 = int(b.get("start", -1)), int(b.get("end", -1))
    return (not (a0 < b1 and b0 < a1), abs(a0 - b0))


def _match(left: Sequence[Record], right: Sequence[Record]) -> tuple[list[Pair], list[Record], list[Record]]:
    """One-to-one matching of equal figures, closest spans first; returns pairs and the unmatched of each side."""
    candidates = sorted(
        ((_distance(a, b), i, j) for i, a in enumerate(left) for j, b in enumerate(right) if _same_figure(a, b)),
        key=lambda c: c[0],
    )
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i in used_i or j in used_j:
            continue
        used_i.add(i)
        used_j.add(j)
        pairs.append(Pair(left[i], right[j]))
    return (
        pairs,
        [r for i, r in enumerate(left) if i not in used_i],
        [r for j, r in enumerate(right) if j not in used_j],
    )


def _share_equal(pairs: Sequence[Pair], key: str, default: str) -> float | None:
    if not pairs:
        return None
    return sum(str(p.a.get(key, default)) == str(p.b.get(key, default)) for p in pairs) / len(pairs)


def indicator_agreement(a: Sequence[Record], b: Sequence[Record]) -> IndicatorAgreement:
    """B scored against A as gold; `optional` on either side is neither rewarded nor penalized."""
    required_a = [r for r in a if not r.get("optional")]
    required_b = [r for r in b if not r.get("optional")]
    optional_a = [r for r in a if r.get("optional")]
    optional_b = [r for r in b if r.get("optional")]
    pairs, left_a, left_b = _match(required_a, required_b)
    absorbed_a, only_a, spare_b = _match(left_a, optional_b)
    absorbed_b, spare_a, only_b = _match(optional_a, left_b)
    out = IndicatorAgreement(tp=len(pairs), fp=len(only_b), fn=len(only_a), matched=pairs, only_a=only_a, only_b=only_b)
    out.required_vs_optional = absorbed_a + absorbed_b
    _, out.optional_only_a, out.optional_only_b = _match(spare_a, spare_b)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for p in pairs:
        counts[str(p.a["indicator"])][0] += 1
    for r in only_b:
        counts[str(r["indicator"])][1] += 1
    for r in only_a:
        counts[str(r["indicator"])][2] += 1
    order = {k: i for i, k in enumerate(INDICATOR_TYPES)}
    for kind in sorted(counts, key=lambda k: (order.get(k, len(order)), k)):
        tp, fp, fn = counts[kind]
        out.per_type[kind] = {"tp": tp, "fp": fp, "fn": fn, "f1": 2 * tp / (2 * tp + fp + fn) if tp else 0.0}
    out.attribute_agreement = {
        "modality": _share_equal(pairs, "modality", "achieved"),
        "qualifier": _share_equal(pairs, "qualifier", "exact"),
        "role": _share_equal(pairs, "role", "total"),
        "year": _share_equal(pairs, "year", ""),
    }
    return out


# ---------------------------------------------------------------- themes


@dataclass
class ThemeAgreement:
    paragraphs: int = 0  # listed by both
    only_a: int = 0
    only_b: int = 0
    kappa: dict[str, float | None] = field(default_factory=dict)
    f1: dict[str, float | None] = field(default_factory=dict)
    support: dict[str, tuple[int, int]] = field(default_factory=dict)  # paragraphs with the label in A, in B
    macro_f1: float | None = None
    micro_f1: float | None = None
    exact_sets: float | None = None
    differing: list[tuple[str, int, list[str], list[str]]] = field(default_factory=list)


def _labels_by_line(records: Iterable[Record], docs: set[str]) -> dict[tuple[str, int], list[str]]:
    return {(str(r["doc"]), int(r["line"])): list(r.get("labels", [])) for r in records if str(r["doc"]) in docs}


def theme_agreement(a: Iterable[Record], b: Iterable[Record], docs: set[str]) -> ThemeAgreement:
    la, lb = _labels_by_line(a, docs), _labels_by_line(b, docs)
    both = sorted(set(la) & set(lb))
    out = ThemeAgreement(paragraphs=len(both), only_a=len(set(la) - set(lb)), only_b=len(set(lb) - set(la)))
    if not both:
        return out
    used = {x for key in both for x in la[key] + lb[key]}
    labels = [t for t in THEMES if t in used] + sorted(used - set(THEMES))
    out.exact_sets = sum(set(la[k]) == set(lb[k]) for k in both) / len(both)
    out.differing = [(k[0], k[1], la[k], lb[k]) for k in both if set(la[k]) != set(lb[k])]
    if not labels:
        return out
    ya = np.array([[t in la[k] for t in labels] for k in both], dtype=int)
    yb = np.array([[t in lb[k] for t in labels] for k in both], dtype=int)
    per_label = f1_score(ya, yb, average=None, zero_division=0.0)
    for n, t in enumerate(labels):
        col_a, col_b = ya[:, n], yb[:, n]
        out.support[t] = (int(col_a.sum()), int(col_b.sum()))
        out.f1[t] = float(per_label[n])
        out.kappa[t] = _kappa(col_a, col_b)
    out.macro_f1 = float(np.mean(per_label))
    out.micro_f1 = float(f1_score(ya, yb, average="micro", zero_division=0.0))
    return out


def _kappa(col_a: np.ndarray, col_b: np.ndarray) -> float | None:
    """Cohen's kappa of one label; None where it is undefined (both sides give one constant answer)."""
    if len(set(col_a.tolist()) | set(col_b.tolist())) < 2:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        k = float(cohen_kappa_score(col_a, col_b))
    return None if math.isnan(k) else k


# ---------------------------------------------------------------- furniture


@dataclass
class FurnitureAgreement:
    same: int = 0
    either: int = 0
    differing: list[tuple[str, int, str, str]] = field(default_factory=list)  # doc, line, class in A, in B

    @property
    def share(self) -> float | None:
        return self.same / self.either if self.either else None


def _line_classes(records: Iterable[Record], docs: set[str]) -> dict[tuple[str, int], str]:
    out: dict[tuple[str, int], str] = {}
    for r in records:
        if str(r["doc"]) not in docs:
            continue
        for kind in ("drop", "keep"):
            for line in r.get(f"{kind}_lines", []):
                out[(str(r["doc"]), int(line))] = kind
    return out


def furniture_agreement(a: Iterable[Record], b: Iterable[Record], docs: set[str]) -> FurnitureAgreement:
    ca, cb = _line_classes(a, docs), _line_classes(b, docs)
    keys = sorted(set(ca) | set(cb))
    out = FurnitureAgreement(either=len(keys))
    for k in keys:
        x, y = ca.get(k, "-"), cb.get(k, "-")
        if x == y:
            out.same += 1
        else:
            out.differing.append((k[0], k[1], x, y))
    return out


# ---------------------------------------------------------------- both folders


@dataclass
class Agreement:
    name_a: str
    name_b: str
    docs: list[str]
    indicators: IndicatorAgreement
    themes: ThemeAgreement
    furniture: FurnitureAgreement


def compare(folder_a: Path, folder_b: Path) -> Agreement:
    a, b = load(folder_a), load(folder_b)
    docs = a.docs() & b.docs()
    return Agreement(
        a.name,
        b.name,
        sorted(docs),
        indicator_agreement(
            [r for r in a.indicators if str(r["doc"]) in docs], [r for r in b.indicators if str(r["doc"]) in docs]
        ),
        theme_agreement(a.themes, b.themes, docs),
        furniture_agreement(a.furniture, b.furniture, docs),
    )


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


class _Texts:
    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self.cache: dict[str, str | None] = {}

    def get(self, doc: str) -> str | None:
        if doc not in self.cache:
            path = self.folder / f"{doc}.txt" if self.folder else None
            self.cache[doc] = (
                path.read_text(encoding="utf-8", errors="replace") if path is not None and path.exists() else None
            )
        return self.cache[doc]

    def quote(self, r: Record) -> str:
        text = self.get(str(r["doc"]))
        if text is None or "start" not in r:
            return ""
        return text[int(r["start"]) : int(r["end"])]

    def line(self, doc: str, n: int) -> str:
        text = self.get(doc)
        lines = text.split("\n") if text is not None else []
        return lines[n][:50] if 0 <= n < len(lines) else ""


def _describe(r: Record, texts: _Texts) -> str:
    value = "masked" if r.get("masked") else r.get("value")
    flags = f" {r.get('modality')}/{r.get('qualifier')}" + (" optional" if r.get("optional") else "")
    return f"{r['doc']} {r['indicator']} {value}{flags} | {texts.quote(r)}"


def report(ag: Agreement, details: bool = False, texts_dir: Path | None = None) -> str:
    ind, th, fu = ag.indicators, ag.themes, ag.furniture
    out = [f"Agreement of {ag.name_b} with {ag.name_a} over {len(ag.docs)} documents both annotated"]
    out.append(
        f"indicators: F1 {ind.f1:.3f} (P {ind.precision:.3f}, R {ind.recall:.3f}; matched {ind.tp}, "
        f"only {ag.name_a} {ind.fn}, only {ag.name_b} {ind.fp}; required vs optional {len(ind.required_vs_optional)})"
    )
    attrs = ", ".join(f"{k} {_fmt(v)}" for k, v in ind.attribute_agreement.items())
    out.append(f"  on matched pairs: {attrs}")
    for kind, s in ind.per_type.items():
        out.append(f"  {kind:<24} F1 {s['f1']:.3f}  matched {s['tp']:>3}  only-a {s['fn']:>3}  only-b {s['fp']:>3}")
    out.append(
        f"themes: {th.paragraphs} paragraphs listed by both "
        f"(only {ag.name_a} {th.only_a}, only {ag.name_b} {th.only_b}); "
        f"macro-F1 {_fmt(th.macro_f1)}, micro-F1 {_fmt(th.micro_f1)}, identical label sets {_fmt(th.exact_sets)}"
    )
    for t in th.f1:
        n_a, n_b = th.support[t]
        out.append(f"  {t:<24} kappa {_fmt(th.kappa[t])}  F1 {_fmt(th.f1[t])}  paragraphs {n_a}/{n_b}")
    out.append(f"furniture: {fu.same}/{fu.either} lines classified the same = {_fmt(fu.share)}")
    if details:
        texts = _Texts(texts_dir)
        out.append(f"\nindicators only in {ag.name_a}:")
        out += [f"  {_describe(r, texts)}" for r in ind.only_a]
        out.append(f"indicators only in {ag.name_b}:")
        out += [f"  {_describe(r, texts)}" for r in ind.only_b]
        out.append("required on one side, optional on the other:")
        out += [f"  {_describe(p.a, texts)}  <>  {_describe(p.b, texts)}" for p in ind.required_vs_optional]
        out.append(f"optional records only in {ag.name_a}:")
        out += [f"  {_describe(r, texts)}" for r in ind.optional_only_a]
        out.append(f"optional records only in {ag.name_b}:")
        out += [f"  {_describe(r, texts)}" for r in ind.optional_only_b]
        out.append("matched, attributes differ:")
        for p in ind.matched:
            diff = [
                f"{k} {p.a.get(k, d)!s}/{p.b.get(k, d)!s}"
                for k, d in (("modality", "achieved"), ("qualifier", "exact"), ("role", "total"), ("year", ""))
                if str(p.a.get(k, d)) != str(p.b.get(k, d))
            ]
            if diff:
                out.append(f"  {_describe(p.a, texts)}  [{'; '.join(diff)}]")
        out.append("theme label sets that differ (doc line: a | b):")
        out += [f"  {d} {n}: {la} | {lb}  {texts.line(d, n)}" for d, n, la, lb in th.differing]
        out.append("furniture lines classified differently (doc line: a | b):")
        out += [f"  {d} {n}: {x} | {y}  {texts.line(d, n)}" for d, n, x, y in fu.differing]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.agreement", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder_a", type=Path, help="first annotator's folder (taken as gold)")
    parser.add_argument("folder_b", type=Path, help="second annotator's folder")
    parser.add_argument("--details", action="store_true", help="list every disagreement")
    default_texts = Path(os.environ.get("XUNCHA_REAL_DIR", Path.home() / ".cache" / "xuncha" / "real-dev"))
    parser.add_argument("--texts", type=Path, default=default_texts, help="folder of the <doc>.txt files")
    args = parser.parse_args(argv)
    for folder in (args.folder_a, args.folder_b):
        if not folder.is_dir():
            parser.error(f"not a folder: {folder}")
    ag = compare(args.folder_a, args.folder_b)
    if not ag.docs:
        print("no documents annotated in both folders", file=sys.stderr)
        return 1
    print(report(ag, details=args.details, texts_dir=args.texts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
