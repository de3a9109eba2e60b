"""Segment: headings, passages, sentences, tokens with the domain lexicon, spaCy, places."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from pipeline.config import LEXICON_DIR, Segmenter
from pipeline.places import document_places
from pipeline.segment import heading_level, split_sentences
from pipeline.words import DomainTokenizer, read_lexicon

from .conftest import SHARED_EVAL


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("一、2025年巡察工作开展情况", 1),
        ("(二)深化对村巡察", 2),
        ("3.强化整改监督", 3),
        ("坚守政治定位 “政治体检”更加精准", 1),
        ("第二部分 主要任务", 1),
        (
            "(一)坚守政治定位,巡察监督更加精准聚焦。我们始终把“两个维护”作为根本政治任务,自觉将巡察工作放在全县发展大局中谋划。",
            None,
        ),
        ("2025年,市委巡察机构发现问题56个。", None),
        ("问:请你介绍一下《规划》出台的背景?", None),
        ("3.5万个党组织完成巡察,覆盖率达到98%。", None),
    ],
)
def test_segment_recognizes_heading(line: str, level: int | None) -> None:
    assert heading_level(line) == level


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        ("发现问题56个。移交线索12条！整改到位？", ["发现问题56个。", "移交线索12条！", "整改到位？"]),
        ("他说:“发现问题。形成震慑。”会议强调要整改。", ["他说:“发现问题。形成震慑。”", "会议强调要整改。"]),
        ("印发《关于加强巡视整改的意见。》并落实;压实责任", ["印发《关于加强巡视整改的意见。》并落实;", "压实责任"]),
        ("未闭合的“引号" + "很长" * 120 + "。后一句。", None),
    ],
)
def test_segment_splits_sentences_with_balanced_quotes(text: str, sentences: list[str] | None) -> None:
    spans = list(split_sentences(text))
    assert "".join(text[s.start : s.end] for s in spans) == text  # nothing lost, nothing repeated
    if sentences is not None:
        assert [text[s.start : s.end] for s in spans] == sentences
    else:
        assert len(spans) >= 2  # an unclosed quote does not swallow the paragraph


LEXICON = read_lexicon(LEXICON_DIR / "inspection.txt")


def test_segment_lexicon_has_domain_terms() -> None:
    words = {e.word for e in LEXICON}
    assert len(words) >= 300
    assert {
        "巡审联动",
        "巡纪贯通",
        "对村巡察",
        "问题线索",
        "立行立改",
        "两个维护",
        "回头看",
        "一把手",
        "提级巡察",
    } <= words


@pytest.mark.parametrize("segmenter", list(Segmenter))
def test_segment_never_splits_a_lexicon_term_in_context(segmenter: Segmenter) -> None:
    tok = DomainTokenizer(segmenter)
    split = []
    for entry in LEXICON:
        for template in ("县委{}工作中", "推动{}落实", "在{}方面取得实效"):
            if entry.word not in tok.cut(template.format(entry.word)):
                split.append(template.format(entry.word))
    assert split == []


def test_segment_fast_segmenter_gives_jieba_tokens() -> None:
    """rjieba and jieba with the same lexicon cut the labeled passages identically; the known
    difference is non-Chinese runs (rjieba keeps 0871-65xxxx21 or a web address whole)."""
    texts = pd.concat(pd.read_json(p, lines=True) for p in sorted((LEXICON_DIR.parent / "labels").glob("*.jsonl")))
    reference, fast = DomainTokenizer(Segmenter.JIEBA), DomainTokenizer(Segmenter.FAST)
    differing = [t for t in texts.text if reference.cut(t) != fast.cut(t)]
    assert len(differing) <= len(texts) // 100
    for text in differing:
        han = [w for w in reference.cut(text) if re.search(r"[\u4e00-\u9fff]", w)]
        assert han == [w for w in fast.cut(text) if re.search(r"[\u4e00-\u9fff]", w)]


def test_segment_tokens_tile_the_text_with_offsets() -> None:
    text = "市委巡察组对12家单位开展巡审联动,发现问题线索31件。"
    tagged = DomainTokenizer(Segmenter.FAST).tag(text)
    assert "".join(t.token for t in tagged) == text
    assert all(text[t.start : t.end] == t.token for t in tagged)
    assert any(t.token == "巡审联动" for t in tagged)


def test_segment_tables_typed_from_columns_as_pandas_infers() -> None:
    from pipeline.frames import frame

    columns: dict[str, list[object]] = {
        "s": ["a", "b"],
        "i": [1, 2],
        "f": [1.5, 2.0],
        "none": [None, None],
        "s_none": ["a", None],
        "mixed": [1, "a"],
        "lists": [[1], [2, 3]],
        "big": [2**70, 1],
    }
    pd.testing.assert_frame_equal(frame(columns, list(columns)), pd.DataFrame(columns, columns=list(columns)))
    empty = frame({"a": [], "b": []}, ["a", "b"])
    pd.testing.assert_frame_equal(empty, pd.DataFrame([], columns=["a", "b"]))


def test_segment_tokens_from_tag_pairs_equal_tokens_from_tagged_tokens() -> None:
    """The segment stage counts offsets from (word, tag) pairs; a tagger with only `tag` (HanLP)
    goes through TaggedToken offsets: both give the same table, whitespace words left out, and a
    document whose offset map has decreasing raw ends (repaired characters) is handled too."""
    from types import SimpleNamespace

    from pipeline.segment import document_maps, passages, sentences, tokens

    text = "市委巡察组 对12家单位开展巡审联动。\n发现问题线索31件,  移交“纪检监察机关”。"
    starts = list(range(len(text)))
    ends = [i + 1 for i in range(len(text))]
    ends[3] = 40  # a character repaired from a longer raw span
    normalized = pd.DataFrame(
        [{"doc_id": "d", "source": "s", "text": text, "char_raw_start": starts, "char_raw_end": ends}]
    )
    line_breaks = [0, text.index("\n"), len(text)]
    lines = pd.DataFrame(
        {
            "doc_id": ["d", "d"],
            "line_no": [0, 1],
            "kind": ["body", "body"],
            "norm_start": pd.array([0, line_breaks[1] + 1], dtype="Int64"),
            "norm_end": pd.array([line_breaks[1], len(text)], dtype="Int64"),
        }
    )
    maps = document_maps(normalized)
    sentence_table = sentences(normalized, passages(normalized, lines, maps), maps)
    fast = DomainTokenizer(Segmenter.FAST)
    with_pairs = tokens(normalized, sentence_table, fast, maps)
    without = tokens(normalized, sentence_table, SimpleNamespace(tag=fast.tag), maps)
    pd.testing.assert_frame_equal(with_pairs, without)
    assert not with_pairs.token.str.isspace().any()
    assert 40 in with_pairs.raw_end.tolist()  # the span of the token over the repaired character


def test_segment_spacy_pipeline_saves_with_config_and_meta(tmp_path: Path) -> None:
    import spacy

    from pipeline.nlp import blank_pipeline

    nlp = blank_pipeline()
    doc = nlp("县委巡察组推动巡审联动和巡纪贯通,发现问题线索15条。")
    assert "巡审联动" in [t.text for t in doc]
    assert all(t.tag_ for t in doc)
    nlp.to_disk(tmp_path / "nlp")
    assert (tmp_path / "nlp" / "config.cfg").exists() and (tmp_path / "nlp" / "meta.json").exists()
    again = spacy.load(tmp_path / "nlp")
    assert [t.text for t in again("对村巡察")] == ["对村巡察"]


SAMPLE_PLACES = {
    "01_qingya_city_review": ("city", "青崖"),
    "02_yuanxi_county_review": ("county", "沅溪县"),
    "03_meijiang_transport_group_rectification": ("provincial", "湄江省"),
    "04_danfeng_city_2025_summary_2026_plan": ("city", "丹枫市"),
    "05_beicen_city_plan_2026_2030": ("city", "北岑市"),
    "06_tangxi_county_interview": ("county", "棠溪县"),
    "07_tongchuan_county_highlights": ("county", "桐川市"),
    "08_template_county_summary_masked": ("county", None),
    "09_lanshan_rectification_bulletin": ("county", "澜山县"),
    "10_meijiang_province_round_release": ("provincial", "湄江"),
    "11_zhiyang_county_village_inspection": ("county", "芷阳县"),
    "12_yunlan_inspection_audit_linkage": ("county", "云澜县"),
    "13_luzhou_smart_inspection": ("city", "鹭洲市"),
    "14_lanyu_county_mixed_garbled": ("county", "岚峪县"),
}
EVAL_PLACES = {
    "000_636984c0b3bbcc68": ("city", "黑龙江省 / 绥化市"),
    "001_36978005133658e2": ("county", None),
    "004_92a7641e803601d9": ("provincial", "黑龙江省"),
}


def _places(run: Path) -> dict[str, tuple[str, str | None]]:
    docs = pd.read_parquet(run / "documents.parquet")
    return {Path(r.source).stem: (r.level, r.region if isinstance(r.region, str) else None) for r in docs.itertuples()}


def test_segment_level_and_region_of_sample_documents(sample_run: Path) -> None:
    found = _places(sample_run)
    for doc, (level, region) in SAMPLE_PLACES.items():
        assert found[doc][0] == level, doc
        assert (found[doc][1] is None) if region is None else (region in (found[doc][1] or "")), (doc, found[doc])


def test_segment_level_and_region_of_shared_eval_documents(tmp_path: Path, theme_model_dir: Path) -> None:
    if not SHARED_EVAL.exists():
        pytest.skip("../shared/eval is not beside this checkout")
    from pipeline.cli import main

    assert (
        main(
            [
                "run",
                "--input",
                str(SHARED_EVAL / "docs"),
                "--output",
                str(tmp_path),
                "--theme-model-dir",
                str(theme_model_dir),
            ]
        )
        == 0
    )
    found = _places(tmp_path)
    assert {doc: found[doc] for doc in EVAL_PLACES} == EVAL_PLACES


def test_segment_region_ignores_words_that_look_like_places() -> None:
    docs = pd.DataFrame(
        [
            {
                "doc_id": "x",
                "title": None,
                "outlet": None,
                "text": "在省委、市委和县委的领导下,会同纪委监委开展巡察,认真落实省委部署。",
            }
        ]
    )
    assert document_places(docs).region.isna().all()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "青崖市委巡察办会同市纪委监委开展巡察",
            [("青崖市委巡察办", "inspecting", "city"), ("市纪委监委", "discipline", "city")],
        ),
        (
            "省委第二巡视组向被巡视党组织反馈",
            [("省委第二巡视组", "inspecting", "provincial"), ("被巡视党组织", "inspected", "any")],
        ),
        ("中央巡视组进驻", [("中央巡视组", "inspecting", "central")]),
        ("县委巡察组对12个村开展巡察", [("县委巡察组", "inspecting", "county")]),
        ("坚持巡察工作高质量发展", []),
    ],
)
def test_segment_recognizes_bodies(text: str, expected: list[tuple[str, str, str]]) -> None:
    from pipeline.places import body_spans

    assert [(s, k, lv) for s, k, lv, _, _ in body_spans(text)] == expected


def test_segment_mentions_point_into_raw(sample_run: Path) -> None:
    from pipeline.ingest import discover, read_document

    from .conftest import SAMPLE_RAW

    found = pd.read_parquet(sample_run / "mentions.parquet")
    raw = {d.doc_id: d.raw_text for d in (read_document(p, SAMPLE_RAW, 10**8) for p in discover(SAMPLE_RAW))}
    assert {"inspecting", "discipline", "place"} <= set(found.kind)
    for m in found.itertuples():
        assert raw[m.doc_id][m.raw_start : m.raw_end], m
