"""Settings with defaults, validated once. Closed choices are `str` enums so they read well in
config files and command lines."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LEXICON_DIR = PROJECT_ROOT / "corpora" / "lexicons"
MODELS_DIR = PROJECT_ROOT / "models"


class OpenccMode(enum.StrEnum):
    """Character-for-character OpenCC configurations. The phrase modes (`tw2sp`) change
    lengths and are deliberately not offered: offsets must map one to one."""

    T2S = "t2s"
    TW2S = "tw2s"
    HK2S = "hk2s"


class Segmenter(enum.StrEnum):
    JIEBA = "jieba"  # jieba.Tokenizer with the domain lexicon (reference)
    FAST = "fast"  # rjieba: same algorithm in Rust, same tokens with the same lexicon


class Tagger(enum.StrEnum):
    JIEBA = "jieba"  # jieba.posseg with the domain lexicon
    HANLP = "hanlp"  # a HanLP model from a local path (optional extra)


class ThemeModel(enum.StrEnum):
    SKLEARN = "sklearn"
    SPACY = "spacy"


@dataclass(frozen=True)
class Settings:
    opencc_mode: OpenccMode = OpenccMode.T2S
    segmenter: Segmenter = Segmenter.FAST
    tagger: Tagger = Tagger.JIEBA
    hanlp_model: str | None = None
    theme_model: ThemeModel | None = None  # None: the model the shipped version names as default
    theme_model_dir: Path = field(default_factory=lambda: MODELS_DIR / "themes" / "v1")
    lexicon_path: Path = field(default_factory=lambda: LEXICON_DIR / "inspection.txt")
    # Raw files larger than this are refused: reports are tens of kB; a 50 MB "report" is a dump.
    max_file_bytes: int = 20_000_000
    # A .docx is unpacked, and any decoded text kept, only below this size: a real report unpacks to
    # a few MB; a zip bomb (a 460 kB docx of 128 MiB) took gigabytes to parse.
    max_unpacked_bytes: int = 50_000_000
