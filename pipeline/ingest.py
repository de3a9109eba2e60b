"""Ingest: raw report files → one row per file with its decoded text.

Raw files are read, never modified. A file that cannot be read gets a row with its
`error` filled and no text; later stages skip it and the run summary lists it.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
from charset_normalizer import from_bytes

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
DOCX_SUFFIXES = {".docx"}
PDF_SUFFIXES = {".pdf"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES

# charset-normalizer names the narrower legacy codec it saw evidence for; decode with the
# superset so rare characters outside GB2312/GBK or Big5 do not fail.
CODEC_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}

RAW_COLUMNS = ["doc_id", "source", "format", "encoding", "n_bytes", "raw_text", "error"]


class IngestError(ValueError):
    """A file that cannot be turned into text; the message says why."""


@dataclass(frozen=True)
class RawDocument:
    doc_id: str
    source: str
    format: str
    encoding: str | None
    n_bytes: int
    raw_text: str | None
    error: str | None


def doc_id_for(data: bytes) -> str:
    """Stable id: the same bytes give the same id wherever the file lives."""
    return hashlib.sha256(data).hexdigest()[:16]


def discover(input_dir: Path) -> list[Path]:
    """Report files under `input_dir`, in a stable order; hidden files are skipped."""
    return sorted(
        p
        for p in input_dir.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(input_dir).parts)
    )


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file; returns (text, codec). Raises IngestError."""
    if not data.strip():
        raise IngestError("empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        raise IngestError("binary content (NUL bytes) in a text file")
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError("undecodable: no text encoding fits these bytes")
    codec = CODEC_SUPERSETS.get(best.encoding, best.encoding)
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError) as exc:
        raise IngestError(f"undecodable as {codec}: {exc}") from exc
    if _control_share(text) > 0.05:
        raise IngestError(f"binary content: decodes as {codec} only to control characters")
    return text, codec


def _control_share(text: str) -> float:
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    return controls / max(len(text), 1)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def read_document(path: Path, root: Path, max_bytes: int) -> RawDocument:
    """Read one file. Never raises for bad content: the error goes in the row."""
    source = path.relative_to(root).as_posix()
    suffix = path.suffix.lower()
    fmt = (
        "html"
        if suffix in HTML_SUFFIXES
        else "docx"
        if suffix in DOCX_SUFFIXES
        else "pdf"
        if suffix in PDF_SUFFIXES
        else "text"
    )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"file too large ({size} bytes > {max_bytes})")
        data = path.read_bytes()
    except (OSError, IngestError) as exc:
        return RawDocument("", source, fmt, None, 0, None, str(exc))
    doc_id = doc_id_for(data)
    try:
        if suffix not in SUPPORTED_SUFFIXES:
            raise IngestError(f"unsupported file type {suffix!r}")
        if fmt == "docx":
            text, codec = _docx_text(data), "docx"
        elif fmt == "pdf":
            text, codec = _pdf_text(data), "pdf"
        else:
            text, codec = decode_text(data)
            if fmt == "text" and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
                fmt = "html"
        if not text.strip():
            raise IngestError("no text in file")
    except IngestError as exc:
        return RawDocument(doc_id, source, fmt, None, len(data), None, str(exc))
    except Exception as exc:  # a corrupt .docx/.pdf raises library-specific errors
        return RawDocument(doc_id, source, fmt, None, len(data), None, f"unreadable {fmt}: {exc}")
    return RawDocument(doc_id, source, fmt, codec, len(data), text, None)


def ingest(paths: Iterable[Path], root: Path, max_bytes: int = 20_000_000) -> pd.DataFrame:
    """One row per file (see RAW_COLUMNS); unreadable files have `error` set."""
    rows = [asdict(read_document(p, root, max_bytes)) for p in paths]
    return pd.DataFrame(rows, columns=RAW_COLUMNS)
