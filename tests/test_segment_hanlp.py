"""HanLP backend: train a small RNN POS tagger on generated report sentences, reload it, tag with it.

Needs hanlp (+ torch); skipped otherwise. Trains once per module (~10 s on 2 CPU cores).
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("hanlp")

from pipeline.hanlp_backend import (
    HanlpModelNotFound,
    HanlpTagger,
    TaggedToken,
    train_rnn_tagger,
)

Sentence = list[tuple[str, str]]

# Slot fillers; a template word that is not a slot name is a literal, `#` is a random number.
SLOTS: dict[str, tuple[str, ...]] = {
    "ORG": ("市委", "县委", "区委", "省委", "市纪委监委", "县纪委监委", "市委巡察办", "区委巡察办"),
    "TEAM": ("巡察组", "巡视组", "巡察小组", "督查组"),
    "FIND": ("发现", "指出", "查找", "反馈"),
    "PROBLEM": ("问题", "短板", "漏洞", "风险点"),
    "CLUE": ("问题线索", "信访件", "意见建议"),
    "MQ": ("个", "条", "项", "类"),
    "BODY": ("党组织", "单位", "乡镇", "村社区"),
    "FUND": ("资金", "补贴", "经费"),
    "MONEY": ("万元", "元", "亿元"),
    "DO": ("落实", "推进", "压实", "抓好"),
    "DUTY": ("责任", "任务", "要求"),
    "SYSTEM": ("制度", "机制", "规定"),
    "INSPECT": ("巡察", "巡视"),
    "JIA": ("个", "家"),
    "GET": ("追缴", "挽回"),
    "TAKE": ("受理", "接收"),
    "LETTER": ("来信来访", "举报"),
    "SOON": ("全面", "及时"),
    "REALLY": ("认真", "切实"),
}
TEMPLATES = [
    "ORG/nt TEAM/n FIND/v PROBLEM/n #/m MQ/q 。/w",
    "共/d 移交/v CLUE/n #/m 条/q ，/w 立案/v #/m 件/q 。/w",
    "ORG/nt 对/p #/m JIA/q BODY/n 开展/v INSPECT/vn 。/w",
    "督促/v 整改/vn PROBLEM/n #/m MQ/q ，/w GET/v FUND/n #/m MONEY/q 。/w",
    "ORG/nt REALLY/ad DO/v 整改/vn DUTY/n 。/w",
    "TEAM/n 进驻/v 后/f ，/w 共/d TAKE/v LETTER/n #/m 件/q 。/w",
    "给予/v #/m 人/q 党纪政务处分/n 。/w",
    "建立/v 健全/v SYSTEM/n #/m 项/q ，/w ORG/nt 召开/v 专题/n 会议/n 。/w",
    # Same words, other tags (巡察/巡视 and 整改 as verbs): only the context tells them apart.
    "ORG/nt INSPECT/v #/m JIA/q BODY/n 。/w",
    "BODY/n SOON/ad 整改/v 到位/v 。/w",
]


def make_sentences(n: int, seed: int) -> list[Sentence]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sent = []
        for slot in rng.choice(TEMPLATES).split():
            word, tag = slot.split("/")
            if word == "#":
                word = str(rng.randint(1, 2000))
            elif word in SLOTS:
                word = rng.choice(SLOTS[word])
            sent.append((word, tag))
        out.append(sent)
    return out


def max_match_tokenizer(vocab: set[str]) -> Callable[[str], list[str]]:
    """Forward maximum matching over `vocab`, digit runs as one token, spaces dropped."""
    longest = max(map(len, vocab))

    def tokenize(text: str) -> list[str]:
        tokens, i = [], 0
        while i < len(text):
            if text[i].isspace():
                i += 1
                continue
            digits = re.match(r"\d+", text[i:])
            if digits:
                tokens.append(digits.group())
                i += len(digits.group())
                continue
            for size in range(min(longest, len(text) - i), 0, -1):
                if size == 1 or text[i : i + size] in vocab:
                    tokens.append(text[i : i + size])
                    i += size
                    break
        return tokens

    return tokenize


TRAIN = make_sentences(400, seed=7)
# Held out: same templates, other draws (new numbers, new word combinations), none seen in training.
_seen = {tuple(s) for s in TRAIN}
HELD_OUT = [s for s in make_sentences(80, seed=2024) if tuple(s) not in _seen][:30]
TAGSET = {tag for sent in TRAIN for _, tag in sent}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_rnn_tagger(TRAIN, tmp_path_factory.mktemp("hanlp") / "rnn_pos", epochs=5, seed=1)


@pytest.fixture(scope="module")
def tagger(model_dir: Path) -> HanlpTagger:
    return HanlpTagger.load(model_dir)


def test_segment_hanlp_loads_saved_tagger_from_path(model_dir: Path, tagger: HanlpTagger) -> None:
    assert (model_dir / "config.json").is_file()
    assert (model_dir / "model.pt").is_file()
    # HanLP's TSV: token<TAB>tag per line, a blank line after each sentence; train + dev = all sentences.
    tsv = [(model_dir / "data" / f).read_text(encoding="utf-8") for f in ("train.tsv", "dev.tsv")]
    assert sum(part.count("\n\n") for part in tsv) == len(TRAIN)
    assert f"{TRAIN[0][0][0]}\t{TRAIN[0][0][1]}\n" in "".join(tsv)
    assert not tagger.is_mtl and not tagger.has_ner
    tokens = ["市委", "巡察组", "发现", "问题", "372", "个", "。"]
    tags = tagger.tag_tokens(tokens)
    assert len(tags) == len(tokens)  # one tag per token (a mis-wired CRF returns one per sentence)
    assert set(tags) <= TAGSET
    assert tagger.tag_tokens([]) == []
    assert tagger.entities("市委巡察组发现问题372个。") == []
    # A second load from a str path gives the same predictions.
    assert HanlpTagger.load(str(model_dir)).tag_tokens(tokens) == tags


def test_segment_hanlp_tags_known_pattern(tagger: HanlpTagger) -> None:
    assert len(HELD_OUT) >= 20
    gold = [tag for sent in HELD_OUT for _, tag in sent]
    predicted = [tag for sent in HELD_OUT for tag in tagger.tag_tokens([w for w, _ in sent])]
    accuracy = sum(p == g for p, g in zip(predicted, gold, strict=True)) / len(gold)
    majority = max(gold.count(t) for t in set(gold)) / len(gold)
    assert majority < 0.5  # a constant tagger cannot pass
    assert accuracy >= 0.8, f"accuracy {accuracy:.2f} on {len(gold)} held-out tokens"
    # The canonical example from the report template.
    sent = ["市委", "巡察组", "发现", "问题", "372", "个"]
    assert tagger.tag_tokens(sent)[:4] == ["nt", "n", "v", "n"]


def test_segment_hanlp_offsets_point_into_text(model_dir: Path, tagger: HanlpTagger) -> None:
    tokenize = max_match_tokenizer({w for sent in TRAIN for w, _ in sent})
    sent = HELD_OUT[0]
    # Spaces and a line break between some tokens: offsets must not be a running sum of lengths.
    text = "  " + " ".join(w for w, _ in sent[:3]) + "\n" + "".join(w for w, _ in sent[3:])
    tagged = tagger.tag(text, tokenize=tokenize)
    assert all(isinstance(t, TaggedToken) for t in tagged)
    assert [t.token for t in tagged] == [w for w, _ in sent]
    assert [text[t.start : t.end] for t in tagged] == [t.token for t in tagged]
    assert tagged[0].start == 2
    assert all(a.end <= b.start for a, b in itertools.pairwise(tagged))
    assert tagged[-1].end == len(text)
    with pytest.raises(ValueError, match="tokenize"):
        tagger.tag(text)  # a plain POS tagger has no tokenizer of its own
    # The same tokenizer given to load() is used when tag() gets none.
    tagged_via_load = HanlpTagger.load(model_dir, tokenizer=tokenize).tag(text)
    assert tagged_via_load == tagged


def test_segment_hanlp_missing_model_path_raises_clear_error(tmp_path: Path, model_dir: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(HanlpModelNotFound, match="no-such-model"):
        HanlpTagger.load(missing)
    with pytest.raises(FileNotFoundError, match="not a HanLP identifier"):
        HanlpTagger.load("NO_SUCH_HANLP_MODEL")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(HanlpModelNotFound, match="not a HanLP save_dir"):
        HanlpTagger.load(empty)
    with pytest.raises(HanlpModelNotFound, match="tokenizer-model"):
        HanlpTagger.load(model_dir, tokenizer=tmp_path / "tokenizer-model")
    # A real HanLP identifier that is not in the local cache: refused, never downloaded.
    from hanlp.utils.io_util import hanlp_home

    if not any(Path(hanlp_home()).glob("pos/pos_ctb_electra_small*")):
        with pytest.raises(HanlpModelNotFound, match="downloads are disabled"):
            HanlpTagger.load("CTB9_POS_ELECTRA_SMALL")


def test_segment_hanlp_backend_runs_in_the_segment_stage(tmp_path: Path, model_dir: Path) -> None:
    """`--tagger hanlp --hanlp-model DIR`: the domain lexicon cuts, the HanLP model tags."""
    from pipeline.cli import main
    from pipeline.runner import collect
    from pipeline.store import Layout

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "report.txt").write_text("市委巡察组发现问题372个。\n县委巡察办移交问题线索15条。\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["ingest", "--input", str(corpus), "--output", str(out)]) == 0
    assert main(["normalize", "--output", str(out)]) == 0
    assert main(["segment", "--output", str(out), "--tagger", "hanlp", "--hanlp-model", str(model_dir)]) == 0
    tokens = collect(Layout(out), "tokens")
    raw = (corpus / "report.txt").read_text(encoding="utf-8")
    assert len(tokens) > 6
    assert all(raw[t.raw_start : t.raw_end] == t.token for t in tokens.itertuples())
    trained_tags = {tag for sentence in make_sentences(50, seed=1) for _, tag in sentence}
    assert set(tokens.pos) <= trained_tags  # the tags come from the HanLP model, not jieba
