"""Bad input is reported with its reason and skipped; the rest of the batch is published. Random
text through every per-document stage never crashes, keeps offsets valid and grains unique."""

from __future__ import annotations

import io
import os
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.cli import main
from pipeline.config import Settings
from pipeline.ingest import decode_document
from pipeline.stages import DOCUMENT_GRAIN, DOCUMENT_STAGES, Resources, run_document

from .conftest import SAMPLE_RAW

GOOD = "01_qingya_city_review.txt"


def _docx_bomb() -> bytes:
    """A small .docx whose document part unpacks to 64 MiB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:t>" + b" " * (64 * 2**20) + b"</w:t>")
    return buffer.getvalue()


# (file name, how to make it in the input folder, where its reason shows, a piece of the reason)
BAD_FILES: list[tuple[str, str, str]] = [
    ("link_outside.txt", "ingest_errors", "outside the input folder"),
    ("dangling.txt", "ingest_errors", "broken symbolic link"),
    ("loop_a.txt", "ingest_errors", "broken symbolic link"),
    ("pipe.txt", "ingest_errors", "FIFO"),
    ("bomb.docx", "ingest_errors", "unpacks to"),
    ("huge_page.html", "ingest_errors", "file too large"),
    ("only_nul.txt", "ingest_errors", "empty file"),
]


def make_bad_corpus(folder: Path) -> None:
    folder.mkdir()
    shutil.copy(SAMPLE_RAW / GOOD, folder / GOOD)
    outside = folder.parent / "secret.txt"
    outside.write_text("不应被读取的文件", encoding="utf-8")
    (folder / "link_outside.txt").symlink_to(outside)
    (folder / "dangling.txt").symlink_to(folder / "missing.txt")
    (folder / "loop_a.txt").symlink_to(folder / "loop_b.txt")
    (folder / "loop_b.txt").symlink_to(folder / "loop_a.txt")
    os.mkfifo(folder / "pipe.txt")
    (folder / "bomb.docx").write_bytes(_docx_bomb())
    with open(folder / "huge_page.html", "wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.truncate(50 * 2**20)
    (folder / "only_nul.txt").write_bytes(b"\x00" * 64)
    # Readable, each with a trap for a later stage:
    (folder / "many_numerals.txt").write_text("巡察发现问题" + "九" * 400 + "个。", encoding="utf-8")
    (folder / "huge_number.txt").write_text("巡察发现问题" + "9" * 400 + "个。", encoding="utf-8")
    (folder / "entities.html").write_text(
        "<html><body><p>县委巡察组&foo;对&#xD800;5个村开展巡察，發(fā)現(xiàn)问题&amp;12个。</p></body></html>",
        encoding="utf-8",
    )
    # A UTF-8 report with one encoded surrogate (three bytes no UTF-8 decoder accepts) in it.
    body = "县委巡察组对6个村开展巡察，发现问题若干。" * 30
    (folder / "surrogate.txt").write_bytes(body.encode() + b"\xed\xa0\x80" + "。".encode())
    (folder / "utf16_nobom.txt").write_bytes("县委巡察组对7个村开展巡察，发现问题9个。".encode("utf-16-le"))
    (folder / "gbk_cut.txt").write_bytes("县委巡察组对8个村开展巡察，发现问题10个。共".encode("gbk")[:-1])


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory: pytest.TempPathFactory, theme_model_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("bad")
    make_bad_corpus(root / "in")
    out = root / "out"
    # Exit 1: published, but some files were skipped.
    assert main(["refresh", "--input", str(root / "in"), "--output", str(out), "--workers", "1"]) == 1
    return out


@pytest.mark.parametrize(("source", "table", "reason"), BAD_FILES)
def test_ingest_bad_file_gets_a_row_with_its_reason(bad_run: Path, source: str, table: str, reason: str) -> None:
    errors = pd.read_parquet(bad_run / f"{table}.parquet").set_index("source")
    assert reason in errors.loc[source, "error"]


def test_ingest_link_outside_is_never_read(bad_run: Path) -> None:
    assert not pd.read_parquet(bad_run / "passages.parquet").text.str.contains("不应被读取").any()
    assert "link_outside.txt" not in set(pd.read_parquet(bad_run / "documents.parquet").source)


@pytest.mark.parametrize(
    ("source", "flag"),
    [
        ("many_numerals.txt", None),
        ("huge_number.txt", None),
        ("entities.html", "inline_pinyin_removed"),
        ("surrogate.txt", "garbled_chars"),
        ("utf16_nobom.txt", None),
        ("gbk_cut.txt", "garbled_chars"),
    ],
)
def test_refresh_trap_documents_are_published(bad_run: Path, source: str, flag: str | None) -> None:
    docs = pd.read_parquet(bad_run / "documents.parquet").set_index("source")
    assert source in docs.index
    flags = list(docs.loc[source, "flags"])
    assert not [f for f in flags if "_failed" in f], flags
    if flag:
        assert any(f.startswith(flag) for f in flags), flags


def test_refresh_no_figure_is_infinite_or_from_an_overflow(bad_run: Path) -> None:
    indicators = pd.read_parquet(bad_run / "indicators.parquet")
    assert indicators.value.dropna().abs().lt(float("inf")).all()
    assert not indicators.source.isin(["many_numerals.txt", "huge_number.txt"]).any()


def test_ingest_utf16_without_bom_and_cut_gbk_keep_their_text(bad_run: Path) -> None:
    passages = pd.read_parquet(bad_run / "passages.parquet").set_index("source")
    assert "对7个村开展巡察" in "".join(passages.loc[["utf16_nobom.txt"], "text"])
    assert "对8个村开展巡察" in "".join(passages.loc[["gbk_cut.txt"], "text"])


def test_refresh_a_stage_failing_on_one_document_flags_it_and_publishes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme_model_dir: Path
) -> None:
    inp = tmp_path / "in"
    inp.mkdir()
    for name in (GOOD, "02_yuanxi_county_review.txt"):
        shutil.copy(SAMPLE_RAW / name, inp / name)
    import pipeline.extract as extract_module

    real = extract_module.extract

    def fails_on_yuanxi(documents: pd.DataFrame, *args: object) -> pd.DataFrame:
        if documents.source.str.contains("yuanxi").any():
            raise RuntimeError("extract broke on purpose")
        return real(documents, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(extract_module, "extract", fails_on_yuanxi)
    out = tmp_path / "out"
    assert main(["refresh", "--input", str(inp), "--output", str(out), "--workers", "1"]) == 1
    docs = pd.read_parquet(out / "documents.parquet").set_index("source")
    assert any("extract_failed: RuntimeError" in f for f in docs.loc["02_yuanxi_county_review.txt", "flags"])
    indicators = pd.read_parquet(out / "indicators.parquet")
    assert set(indicators.source) == {GOOD}
    changes = (out / "changes.md").read_text(encoding="utf-8")
    assert "| failed | 02_yuanxi_county_review.txt | extract_failed" in changes


# --- property: random text through every per-document stage -------------------------------------

FRAGMENTS = [
    "县委巡察组",
    "对",
    "12",
    "个村",
    "发现问题",
    "個黨組織",
    "發(fā)現(xiàn)",
    "九十九",
    "万",
    "%",
    "，",
    "。",
    "\n",
    "\r\n",
    "一、",
    "（二）",
    "问：",
    "X个",
    "来源：",
    "&amp;",
    "&#xD800;",
    "\ufffd",
    "Ã¤",
    " ",
    "\t",
    "<p>",
]


@pytest.fixture(scope="module")
def resources(theme_model_dir: Path) -> Resources:
    return Resources(Settings(theme_model_dir=theme_model_dir))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    pieces=st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=60),
    fmt=st.sampled_from(["text", "html"]),
)
@example(pieces=["<p>"], fmt="html")  # a page with no visible line: lines table without rows
def test_stages_random_text_never_crash_and_keep_offsets_and_grain(
    pieces: list[str], fmt: str, resources: Resources
) -> None:
    raw_text = "".join(pieces)
    source = "random.html" if fmt == "html" else "random.txt"
    doc = decode_document(raw_text.encode("utf-8", errors="surrogatepass"), source)
    if doc.error:
        return  # reported as an ingest error: nothing further to check
    tables = {"raw_documents": pd.DataFrame([doc.__dict__])}
    produced, errors = run_document(doc.doc_id, tables, tuple(s.name for s in DOCUMENT_STAGES), resources)
    assert errors == {}
    n = len(str(doc.raw_text))
    for name, table in produced.items():
        if {"raw_start", "raw_end"} <= set(table.columns) and len(table):
            assert table.raw_start.between(0, n).all() and table.raw_end.between(0, n).all(), name
            assert (table.raw_start <= table.raw_end).all(), name
        grain = DOCUMENT_GRAIN.get(name)
        if grain and len(table):
            assert not table.duplicated(list(grain)).any(), name
