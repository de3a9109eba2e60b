"""Classify: theme model loading, scoring by passage and unit, thresholds, and what the shipped model says."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.classify import (
    THEMES,
    UNIT_FEATURES,
    LinearThemeScorer,
    SklearnThemeModel,
    ThemeClassifier,
    UnitCombiner,
    classify,
    passage_unit_spans,
    passage_units,
    tune_thresholds,
    unit_features,
)
from pipeline.train import group_folds, load_labeled, split_of


@pytest.mark.parametrize(
    ("text", "units"),
    [
        # Sentences are units; a single sentence is its own only unit.
        ("全年开展巡察3轮，覆盖单位24个。", ["全年开展巡察3轮，覆盖单位24个。"]),
        (
            "县委巡察组对12个村开展巡察。推动整改问题45个，整改率达到九成。",
            ["县委巡察组对12个村开展巡察。", "推动整改问题45个，整改率达到九成。"],
        ),
        # An enumerated point that runs over two sentences is a unit too; its short headline alone is not.
        (
            "一是强化监督。对资金密集部门优先安排巡察。二是深化贯通。与审计局共享线索和成果。",
            [
                "对资金密集部门优先安排巡察。",
                "与审计局共享线索和成果。",
                "一是强化监督。对资金密集部门优先安排巡察。",
                "二是深化贯通。与审计局共享线索和成果。",
            ],
        ),
        # Too short to carry content: no units (the passage's own score stands).
        ("一是强化监督。", []),
    ],
)
def test_classify_units_are_sentences_and_enumerated_points(text: str, units: list[str]) -> None:
    assert passage_units(text) == units


class LengthScorer:
    """Long texts dilute a theme: a text over 30 characters scores 0.2 on every theme, a shorter one 0.9."""

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([[0.2 if len(t) > 30 else 0.9] * len(THEMES) for t in texts])


@pytest.mark.parametrize(
    ("text", "features"),
    [
        # Three short sentences: the passage is diluted, its units are not.
        (
            "对12个村开展巡察发现问题。推动整改问题45个，整改率达到九成以上。另有线索移交纪委监委处理。",
            [0.2, 0.9, 0.9, 0.18],
        ),
        # Too short to have units: the passage stands in for its own unit.
        ("一是强化监督。", [0.9, 0.9, 0.9, 0.81]),
        # A long single sentence is its own only unit.
        ("（一）坚守政治定位，巡察监督更加精准聚焦，各项工作都取得了新的进展和成效", [0.2, 0.2, 0.2, 0.04]),
    ],
)
def test_classify_unit_features_are_passage_best_mean_and_product(text: str, features: list[float]) -> None:
    got = unit_features(LengthScorer(), [text])
    assert got.shape == (1, len(THEMES), len(UNIT_FEATURES))
    assert got[0, 0].tolist() == pytest.approx(features)


def test_classify_unit_combiner_learns_that_one_sentence_can_carry_a_theme() -> None:
    # Labels follow the best unit, whatever the passage as a whole scores.
    rng = np.random.default_rng(0)
    passage, best = rng.uniform(0, 1, 400), rng.uniform(0, 1, 400)
    features = np.repeat(np.stack([passage, best, best, passage * best], axis=1)[:, None, :], len(THEMES), axis=1)
    y = np.repeat((best > 0.6).astype(int)[:, None], len(THEMES), axis=1)
    combiner = UnitCombiner.fit(features, y)
    assert combiner.coef[0, 1] > abs(combiner.coef[0, 0])
    probe = np.repeat(np.array([[[0.1, 0.95, 0.95, 0.095]], [[0.9, 0.2, 0.2, 0.18]]]), len(THEMES), axis=1)
    strong_unit, strong_passage_only = combiner.predict_proba(probe)[:, 0]
    assert strong_unit > 0.5 > strong_passage_only
    again = UnitCombiner.from_json(json.loads(json.dumps(combiner.to_json())))
    assert again.predict_proba(probe) == pytest.approx(combiner.predict_proba(probe), abs=1e-5)


def test_classify_thresholds_are_the_best_f1_cut_per_theme() -> None:
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    proba = np.array([[0.9, 0.1], [0.35, 0.2], [0.3, 0.8], [0.2, 0.75]])
    cut = tune_thresholds(y, proba)
    assert 0.3 < cut[0] <= 0.35  # keeps the weak positive, drops the 0.3 negative
    assert 0.75 < cut[1] <= 0.8


def test_classify_thresholds_above_the_grid_only_when_asked() -> None:
    # A negative scoring 0.92 (as team building's do once real passages weigh 3): the usual grid stops at
    # 0.90 and must keep it; with the recipe's high cuts, 0.93 separates it from the 0.96 positive.
    y = np.array([[1], [0], [0]])
    proba = np.array([[0.96], [0.92], [0.2]])
    assert tune_thresholds(y, proba)[0] <= 0.9  # no cut of the grid drops the 0.92 negative
    assert tune_thresholds(y, proba, high_cuts=(0.93, 0.95, 0.97)) == [pytest.approx(0.93)]


def test_classify_threshold_takes_the_lowest_cut_of_a_flat_f1_range() -> None:
    # Theme 0: F1 is the same (1.0) for every cut from 0.15 to 0.6, so the lowest of them is kept, which
    # keeps real paragraphs that score lower than our own; theme 1: a lower cut costs F1, so it stays high.
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 0], [0, 0]])
    proba = np.array([[0.9, 0.1], [0.65, 0.2], [0.1, 0.8], [0.1, 0.75], [0.1, 0.7]])
    cut = tune_thresholds(y, proba)
    assert cut[0] == pytest.approx(0.15)
    assert 0.75 < cut[1] <= 0.8


def test_train_split_is_fixed_per_passage_id_and_never_reads_the_evaluation_set() -> None:
    # Pinned: adding passages or files must not move an old passage between train, dev and test.
    assert [split_of(i) for i in ("a0001", "b0107", "c0042", "d0010")] == ["train", "train", "test", "test"]
    labeled = load_labeled()
    assert len(labeled) >= 600
    assert labeled.id.is_unique
    splits = labeled.id.map(split_of)
    assert 0.6 < (splits == "train").mean() < 0.8
    assert all(name.startswith("passages_") for name in labeled.file)


def test_classify_model_folder_records_versions_data_digest_and_tuned_choices(theme_model_dir: Path) -> None:
    meta = json.loads((theme_model_dir / "meta.json").read_text(encoding="utf-8"))
    metrics = json.loads((theme_model_dir / "metrics.json").read_text(encoding="utf-8"))
    assert meta["default"] in ("sklearn", "spacy")
    assert {"scikit-learn", "spacy"} <= set(meta["libraries"])
    assert len(meta["training_data"]["digest"]) == 16
    for kind in ("sklearn", "spacy"):
        assert len(meta["thresholds"][kind]) == len(THEMES)
        assert meta["combiner"][kind]["features"] == list(UNIT_FEATURES)
        assert set(metrics[kind]) == {"dev", "test"}
    size = sum(p.stat().st_size for p in theme_model_dir.rglob("*") if p.is_file())
    assert size < 20 * 2**20


def test_classify_refuses_a_model_file_holding_pickled_objects(tmp_path: Path) -> None:
    (tmp_path / "sklearn").mkdir()
    # An object array can only be stored pickled; loading it would run whatever it names.
    np.savez(tmp_path / "sklearn" / "weights.npz", vocabulary=np.array([print], dtype=object))
    with pytest.raises(ValueError, match="allow_pickle"):
        SklearnThemeModel.load(tmp_path / "sklearn")


def test_classify_shipped_arrays_score_as_the_fitted_sklearn_pipeline(tmp_path: Path) -> None:
    texts = ["巡察组进驻村级党组织开展监督", "推动整改问题落实到位", "加强巡察干部队伍建设", "运用大数据开展巡察"] * 3
    y = np.array([[1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1, 0, 0], [0] * 7 + [1]] * 3)
    fitted = SklearnThemeModel(ngram_max=2).fit(texts, y[:, [0, 4, 5, 7]])
    fitted.save(tmp_path)
    new = ["对村巡察整改", "数据比对平台"]
    assert np.allclose(SklearnThemeModel.load(tmp_path).predict_proba(new), fitted.predict_proba(new), atol=1e-12)


ODD_TEXTS = [
    "",
    "巡",
    "A  B\t\tC 巡察  整改",  # whitespace runs are folded: units are counted on their own
    "İstanbul 巡察",  # lowercasing lengthens the text
    "ΣΑΣ ΟΔΟΣ。整改到位。",  # final sigma: lowercase depends on the context
    "a\ud800b巡察整改工作。",  # a lone surrogate
    "一是强化监督。对资金密集部门优先安排巡察。二是深化贯通。与审计局共享线索和成果。",
    "县委巡察组对12个村开展巡察。推动整改问题45个，整改率达到九成。对村巡察整改。",
]


def test_classify_shipped_scorer_counts_ngrams_as_sklearn_bit_for_bit(tmp_path: Path) -> None:
    # The shipped scorer counts n-grams itself and reads units off their passage; the scores must be
    # those of sklearn's TfidfVectorizer on every text and unit, exactly.
    from scipy.special import expit

    texts = [
        "巡察组进驻村级党组织开展监督",
        "推动整改问题落实到位",
        "加强巡察干部队伍建设",
        "运用大数据开展巡察 ABC",
    ] * 3
    y = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] * 3)
    fitted = SklearnThemeModel(ngram_max=3).fit(texts, y)
    fitted.save(tmp_path)
    shipped = SklearnThemeModel.load(tmp_path)
    assert isinstance(shipped, LinearThemeScorer)

    class Reference:
        rows_independent = True

        def predict_proba(self, batch: Sequence[str]) -> np.ndarray:
            return np.asarray(expit(fitted.vectorizer_.transform(list(batch)) @ fitted.coef_.T + fitted.intercept_))

    assert np.array_equal(shipped.predict_proba(ODD_TEXTS), Reference().predict_proba(ODD_TEXTS))
    assert np.array_equal(unit_features(shipped, ODD_TEXTS), unit_features(Reference(), ODD_TEXTS))


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_classify_unit_spans_are_where_the_units_stand(text: str) -> None:
    assert [text[a:b] for a, b in passage_unit_spans(text)] == passage_units(text)


def test_train_folds_keep_a_page_together() -> None:
    groups = [f"real:a:a{i % 7:03d}" for i in range(60)] + [f"own{i}" for i in range(60)]
    folds = group_folds(groups)
    assert sorted(i for _, held in folds for i in held) == list(range(120))
    for fit_idx, held_idx in folds:
        assert not {groups[i] for i in fit_idx} & {groups[i] for i in held_idx}


def test_classify_without_a_trained_model_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make train"):
        ThemeClassifier(tmp_path)
    # A model folder from before the unit combiner: retrain, do not guess.
    (tmp_path / "meta.json").write_text(json.dumps({"default": "sklearn", "thresholds": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="make train"):
        ThemeClassifier(tmp_path)


THEME_CASES = [
    (
        "political_supervision",
        "巡察组紧盯党中央关于粮食安全的决策部署落实情况，对3名“一把手”进行政治提醒，纠正政治偏差问题5个。",
    ),
    ("village_inspection", "县委巡察组对14个村（社区）党组织开展巡察，重点检查“两委”班子履职和村级“三资”管理情况。"),
    (
        "grassroots_livelihood",
        "聚焦群众急难愁盼，巡察组核查低保和惠民补贴发放，查实优亲厚友问题9个，为群众追回资金6万元。",
    ),
    ("coordination", "巡察机构与审计局建立巡审联动机制，巡前会商、巡中协作，审计人员随组进驻，共享问题线索。"),
    ("rectification", "巡察反馈后，被巡察党组织制定整改方案，整改完成率达到96%，对整改不力的2个单位开展“回头看”。"),
    ("team_building", "举办巡察干部培训班2期，巡察人才库新增成员40名，严格执行巡察工作纪律，防止“灯下黑”。"),
    ("digitalization", "建成智慧巡察数据分析平台，调取社保、不动产数据碰撞比对，发现疑点线索23条。"),
    ("coverage_planning", "全年统筹安排3轮常规巡察和1轮机动巡察，对26个单位党组织开展巡察，本届巡察覆盖率达到85%。"),
]


@pytest.mark.parametrize(("theme", "text"), THEME_CASES)
@pytest.mark.parametrize("kind", ["sklearn", "spacy"])
def test_classify_shipped_models_label_a_clear_passage_with_its_theme(
    theme_model_dir: Path, kind: str, theme: str, text: str
) -> None:
    _, pred = ThemeClassifier(theme_model_dir, kind).predict([text])
    assert theme in [t for t, on in zip(THEMES, pred[0], strict=True) if on]


@pytest.mark.parametrize(
    "text",
    [
        "2025年是全面落实党的二十大精神的关键之年，做好全年各项工作意义重大。",
        "现将有关情况总结如下。",
        "我们将以更加饱满的热情、更加务实的作风，奋力开创各项工作新局面。",
    ],
)
def test_classify_scene_setting_and_slogans_get_no_theme(theme_model_dir: Path, text: str) -> None:
    _, pred = ThemeClassifier(theme_model_dir).predict([text])
    assert not pred.any()


def test_classify_scores_every_body_passage_and_skips_headings(theme_model_dir: Path) -> None:
    passages = pd.DataFrame(
        {
            "kind": ["heading", "body", "question"],
            "text": ["二、巡察整改", THEME_CASES[4][1], "问：规划有哪些新要求？"],
        }
    )
    out = classify(passages, ThemeClassifier(theme_model_dir))
    assert out.themes.tolist()[0] == [] and out.theme_scores.tolist()[0] is None
    assert "rectification" in out.themes.tolist()[1]
    assert set(out.theme_scores.tolist()[1]) == set(THEMES)
    assert out.theme_scores.tolist()[2] is None


def test_classify_folds_converter_debris_before_scoring() -> None:
    from pipeline.classify import tidy_punctuation

    assert tidy_punctuation("入驻后,,走访农户,、召开院坝会。,随后反馈") == "入驻后,走访农户、召开院坝会。随后反馈"
    assert tidy_punctuation("发现问题12个,整改10个") == "发现问题12个,整改10个"


def test_train_reads_real_passages_as_evaluate_matches_them(tmp_path: Path) -> None:
    import hashlib

    from pipeline.real_labels import load_real_passages, training_rounds
    from pipeline.train import real_training_rows

    gold, texts = tmp_path / "real-dev", tmp_path / "texts"
    (gold / "z").mkdir(parents=True)
    (gold / "y").mkdir()  # a batch being annotated: not in rounds.json, never read
    texts.mkdir()
    (gold / "rounds.json").write_text(json.dumps({"round1": ["z"]}), encoding="utf-8")
    body = [
        "县委巡察组进驻后召开动员会",
        "巡察组对12个村（社区）党组织开展巡察，重点检查“两委”班子履职和村级“三资”管理情况。",
        "巡察反馈后，被巡察党组织制定整改方案，整改完成率达到96%。",
    ]
    pages = {"z001": "\n".join(body) + "\n", "z002": "巡察工作扎实推进，取得明显成效。\n"}
    rows = ["doc\turl\tsha256"]
    for doc, text in pages.items():
        (texts / f"{doc}.txt").write_text(text, encoding="utf-8")
        digest = hashlib.sha256(text.encode()).hexdigest() if doc == "z001" else "0" * 64
        rows.append(f"{doc}\thttps://example.org/{doc}\t{digest}")
    (gold / "z" / "sources.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    labels = [(1, ["village_inspection"]), (2, ["rectification"]), (0, [])]
    (gold / "z" / "themes.jsonl").write_text(
        "".join(json.dumps({"doc": d, "line": i, "labels": lab}) + "\n" for d in ("z001", "z002") for i, lab in labels),
        encoding="utf-8",
    )

    assert training_rounds(gold) == {"round1": ["z"]}  # batch y, being annotated, is not listed
    real = load_real_passages(["z"], tmp_path / "work", gold, texts)
    # The page whose bytes differ from its digest is left out and named.
    assert set(real.table.doc) == {"z001"} and any("z002" in p for p in real.problems)
    # Each gold line gets the pipeline's passage text (normalized), as the classifier will see it.
    got = {text[:6]: list(lab) for text, lab in zip(real.table.text, real.table.labels, strict=True)}
    assert got == {"巡察组对12": ["village_inspection"], "巡察反馈后，": ["rectification"]}
    # The first line is the page's title, which is not scored: not trained on, counted as unmatched.
    assert real.unmatched == [("z", "z001", [])]
    assert set(real.digests) == {"z"}
    training = real_training_rows(real)
    assert set(training.origin) == {"real"} and "test" not in set(training.split)
    assert training.group.nunique() == 1  # one page, one fold group
    # a page that is one of ../shared/eval's reports is never trained on
    assert real_training_rows(real, excluded={"z001"}).empty


def test_train_leaves_out_the_real_pages_that_are_eval_reports() -> None:
    from pipeline.train import NOT_FOR_TRAINING, not_for_training

    listed = not_for_training()
    assert {"i017", "c029"} <= listed
    sources = {
        line.split("\t")[0]
        for path in NOT_FOR_TRAINING.parent.glob("*/sources.tsv")
        for line in path.read_text(encoding="utf-8").splitlines()[1:]
    }
    assert listed <= sources  # every listed page is a real-dev page


def test_train_writes_the_model_beside_its_folder_and_renames_it_into_place(tmp_path: Path) -> None:
    from pipeline.train import staged_folder

    target = tmp_path / "v1"
    target.mkdir()
    (target / "meta.json").write_text("old", encoding="utf-8")
    with staged_folder(target) as staged:
        # Written beside the target, never into it: a reader still sees the old model whole.
        assert staged.parent == tmp_path and staged != target
        (staged / "meta.json").write_text("new", encoding="utf-8")
        assert (target / "meta.json").read_text(encoding="utf-8") == "old"
    assert (target / "meta.json").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1"]  # nothing staged or old left behind

    # Two runs at once each write their own folder; the one finishing last is the model, complete.
    with staged_folder(target) as first, staged_folder(target) as second:
        assert first != second
        (first / "meta.json").write_text("first", encoding="utf-8")
        (second / "meta.json").write_text("second", encoding="utf-8")
    assert (target / "meta.json").read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1"]

    # A run that fails leaves the model as it was and nothing staged.
    with pytest.raises(RuntimeError), staged_folder(target) as staged:
        (staged / "meta.json").write_text("half", encoding="utf-8")
        raise RuntimeError("killed")
    assert (target / "meta.json").read_text(encoding="utf-8") == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v1"]


def test_train_cuts_move_part_of_the_way_towards_the_real_passages_own() -> None:
    from pipeline.train import RECIPE, mix_cuts

    assert mix_cuts([0.9, 0.6, 0.5], [0.5, 0.6, 0.2], 0.0) == [0.9, 0.6, 0.5]
    assert mix_cuts([0.9, 0.6, 0.5], [0.5, 0.6, 0.2], 1.0) == [0.5, 0.6, 0.2]
    # Halfway, on the 0.05 grid (0.35 stays, 0.7 is 0.7).
    assert mix_cuts([0.9, 0.6, 0.5], [0.5, 0.6, 0.2], 0.5) == [0.7, 0.6, 0.35]
    assert 0.0 <= RECIPE.real_cut_share <= 1.0


def test_classify_spacy_config_keeps_no_temporary_training_paths(tmp_path: Path, theme_model_dir: Path) -> None:
    from pipeline.classify import forget_training_paths

    config = tmp_path / "config.cfg"
    config.write_text(
        '[paths]\ntrain = "/tmp/tmpab12/train.spacy"\ndev = "/tmp/tmpab12/dev.spacy"\nvectors = null\n\n'
        "[training]\ntrain_corpus = corpora.train\n",
        encoding="utf-8",
    )
    forget_training_paths(config)
    assert config.read_text(encoding="utf-8") == (
        "[paths]\ntrain = null\ndev = null\nvectors = null\n\n[training]\ntrain_corpus = corpora.train\n"
    )
    # The shipped model's: the same bytes whoever trains it, wherever their temporary folder was.
    assert "/tmp" not in (theme_model_dir / "spacy" / "config.cfg").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("chosen", "expected"),
    [
        (None, {"round1": ["a"], "round2": ["b", "c"]}),  # no list: every scored round is trained on
        (["round1"], {"round1": ["a"]}),  # a round scored blind but not yet trained on
        ([], {}),
    ],
)
def test_train_reads_the_training_rounds_only(tmp_path: Path, chosen: list[str] | None, expected: object) -> None:
    from pipeline.real_labels import training_rounds

    (tmp_path / "rounds.json").write_text(json.dumps({"round1": ["a"], "round2": ["b", "c"]}), encoding="utf-8")
    if chosen is not None:
        (tmp_path / "training_rounds.json").write_text(json.dumps({"rounds": chosen}), encoding="utf-8")
    assert training_rounds(tmp_path) == expected


def test_real_labels_describe_counts_pages_sites_and_gold(tmp_path: Path) -> None:
    from pipeline.real_labels import describe

    (tmp_path / "rounds.json").write_text(json.dumps({"round1": ["a"]}), encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "sources.tsv").write_text(
        "doc\turl\thost\tlevel\tkind\tscript\ttitle\tsha256\n"
        "a001\thttps://x.org/1\tx.org\tcounty\tnews\ttraditional\tone\t0\n"
        "a002\thttps://x.org/2\tx.org\tcity\tnews\tsimplified\ttwo\t0\n",
        encoding="utf-8",
    )
    records = {
        "indicators": [{"doc": "a001"}, {"doc": "a001", "optional": True}],
        "themes": [{"doc": "a001", "line": 1, "labels": []}],
        "furniture": [{"doc": "a001", "drop_lines": [0, 3], "keep_lines": [1]}, {"doc": "a002", "drop_lines": []}],
    }
    for kind, rows in records.items():
        (tmp_path / "a" / f"{kind}.jsonl").write_text("\n".join(map(json.dumps, rows)) + "\n", encoding="utf-8")
    table = describe(tmp_path).set_index("round")
    assert list(table.index) == ["round1", "all"]
    row = table.loc["all"]
    assert (row.pages, row.sites, row.traditional) == (2, 1, 0.5)
    assert (row.required_figures, row.paragraphs, row.furniture_lines) == (1, 1, 2)
    assert row.levels == {"county": 1, "city": 1}
