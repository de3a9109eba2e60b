"""Ingest: every encoding decodes, unreadable files are reported and skipped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.ingest import decode_text, doc_id_for, ingest

TEXT = "市委巡察组发现问题372个，移交问题线索15条。"
TRADITIONAL = "市委巡察組發現問題372個，移交問題線索15條。"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (TEXT.encode("utf-8"), TEXT),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), TEXT),
        ((TEXT * 8).encode("gb18030"), TEXT * 8),
        ((TEXT * 8).encode("gbk"), TEXT * 8),
        ((TRADITIONAL * 8).encode("big5"), TRADITIONAL * 8),
        (TEXT.encode("utf-16"), TEXT),
    ],
    ids=["utf8", "utf8-bom", "gb18030", "gbk", "big5", "utf16-bom"],
)
def test_ingest_decodes_encoding(data: bytes, expected: str) -> None:
    text, _codec = decode_text(data)
    assert text == expected


@pytest.mark.parametrize(
    ("name", "content", "error_part"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "unsupported"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "unreadable docx"),
        ("broken.pdf", b"%PDF-1.4 nothing else", "pdf"),
    ],
)
def test_ingest_reports_unreadable_file_and_goes_on(tmp_path: Path, name: str, content: bytes, error_part: str) -> None:
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / name).write_bytes(content)
    before = (tmp_path / name).read_bytes()
    table = ingest(sorted(tmp_path.iterdir()), tmp_path)
    bad = table[table.source == name].iloc[0]
    assert error_part in bad.error
    assert pd.isna(bad.raw_text)
    good = table[table.source == "good.txt"].iloc[0]
    assert pd.isna(good.error) and good.raw_text == TEXT
    assert (tmp_path / name).read_bytes() == before  # raw files are never modified


def test_ingest_doc_id_is_a_hash_of_the_bytes(tmp_path: Path) -> None:
    a = tmp_path / "a" / "one.txt"
    b = tmp_path / "b" / "other_name.txt"
    for p in (a, b):
        p.parent.mkdir()
        p.write_text(TEXT, encoding="utf-8")
    table = ingest([a, b], tmp_path)
    assert table.doc_id.nunique() == 1
    assert table.doc_id.iloc[0] == doc_id_for(TEXT.encode("utf-8"))
    assert set(table.source) == {"a/one.txt", "b/other_name.txt"}


def test_ingest_reads_docx(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("2025年巡察工作综述")
    document.add_paragraph(TEXT)
    document.save(str(tmp_path / "report.docx"))
    row = ingest([tmp_path / "report.docx"], tmp_path).iloc[0]
    assert pd.isna(row.error)
    assert row.raw_text.splitlines() == ["2025年巡察工作综述", TEXT]


def test_ingest_html_file_is_marked_html(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_text("<!DOCTYPE html><html><body><p>" + TEXT + "</p></body></html>", encoding="utf-8")
    assert ingest([tmp_path / "page.txt"], tmp_path).iloc[0].format == "html"


def test_ingest_reads_pdf_text(tmp_path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    fig.text(0.1, 0.5, "Inspection report 2025: 372 problems found")
    fig.savefig(tmp_path / "report.pdf", format="pdf")
    plt.close(fig)
    row = ingest([tmp_path / "report.pdf"], tmp_path).iloc[0]
    assert pd.isna(row.error), row.error
    assert "372 problems found" in row.raw_text
    assert row.format == "pdf"


def test_ingest_refuses_oversized_file(tmp_path: Path) -> None:
    (tmp_path / "huge.txt").write_text(TEXT * 100, encoding="utf-8")
    row = ingest([tmp_path / "huge.txt"], tmp_path, max_bytes=1000).iloc[0]
    assert "too large" in row.error
