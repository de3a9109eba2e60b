"""Ingest: raw report files → one row per file with its decoded text.

Raw files are read, never modified. A file that cannot be read gets a row with its
`error` filled and no text; later stages skip it and the run summary lists it.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
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


LONE_SURROGATE = re.compile("[\ud800-\udfff]")


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
    """Report files under `input_dir`, in a stable order; hidden files and folders are skipped.
    Symbolic links and special files are listed too: `read_bytes` says why they are not read."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(input_dir, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = Path(folder)
        # A link to a folder is not walked (loops, folders outside the input): it gets a row.
        found.extend(base / d for d in os.listdir(folder) if d in dirs and (base / d).is_symlink())
        dirs[:] = [d for d in dirs if not (base / d).is_symlink()]
        found.extend(base / f for f in files if not f.startswith("."))
    return sorted(found)


def read_bytes(path: Path, root: Path, max_bytes: int) -> bytes:
    """The bytes of one report file. Raises IngestError for what must not or cannot be read: a
    link that leaves the input folder or leads nowhere, a folder link, a FIFO, socket or device
    (opening a FIFO would block the run), a file over the size limit."""
    try:
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError) as exc:  # dangling link or a loop of links
                raise IngestError(f"broken symbolic link: {exc}") from exc
            if not target.is_relative_to(root.resolve()):
                raise IngestError("symbolic link to a file outside the input folder: not followed")
            if target.is_dir():
                raise IngestError("symbolic link to a folder: not followed")
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "FIFO" if stat.S_ISFIFO(info.st_mode) else "socket" if stat.S_ISSOCK(info.st_mode) else "device"
            raise IngestError(f"not a regular file ({kind})")
        if info.st_size > max_bytes:
            raise IngestError(f"file too large ({info.st_size} bytes > {max_bytes})")
        return path.read_bytes()
    except OSError as exc:
        raise IngestError(f"unreadable: {exc.strerror or exc}") from exc


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes of a text file; returns (text, codec). Raises IngestError."""
    if not data.strip(b" \t\r\n\f\v\x00"):
        raise IngestError("empty file (no bytes but whitespace or NUL)")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    try:
        text, codec = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if b"\x00" in data:
            raise IngestError("binary content (NUL bytes) in a text file") from None
        text, codec = data.decode("utf-8", errors="replace"), "utf-8"
        if _broken_share(text) > MAX_BROKEN_SHARE:  # not UTF-8 with a few bad bytes: a legacy codec
            text, codec = _decode_legacy(data)
    if _control_share(text) > 0.05:
        raise IngestError(f"binary content: decodes as {codec} only to control characters")
    return text, codec


# A text with fewer broken sequences than this share of its characters (a file cut mid-character,
# a stray byte) keeps its text with U+FFFD where the bytes broke; normalize counts them as garbled.
MAX_BROKEN_SHARE = 0.01


# Reports are Chinese: detection looks at the Chinese codecs first, so a file cut mid-character is
# not taken for Thai (cp874) or another single-byte codec that accepts any byte.
CHINESE_CODECS = ["gb18030", "big5", "big5hkscs", "utf_8"]
# A file cut inside a multi-byte character has at most this many stray bytes at its end.
MAX_CUT_BYTES = 3


def _detect(data: bytes) -> str | None:
    for cut in range(MAX_CUT_BYTES + 1):
        best = from_bytes(data[: len(data) - cut], cp_isolation=CHINESE_CODECS).best()
        if best is not None and best.encoding:
            return str(best.encoding)
    best = from_bytes(data).best()
    return str(best.encoding) if best is not None and best.encoding else None


def _decode_legacy(data: bytes) -> tuple[str, str]:
    detected = _detect(data)
    if detected is None:
        raise IngestError("undecodable: no text encoding fits these bytes")
    codec = CODEC_SUPERSETS.get(detected, detected)
    try:
        return data.decode(codec), codec
    except LookupError as exc:
        raise IngestError(f"undecodable: unknown codec {codec}") from exc
    except UnicodeDecodeError as exc:
        text = data.decode(codec, errors="replace")
        if _broken_share(text) > MAX_BROKEN_SHARE and text.count("\ufffd") > 1:
            raise IngestError(f"undecodable as {codec}: {exc}") from exc
        return text, codec


def _broken_share(text: str) -> float:
    return text.count("\ufffd") / max(len(text), 1)


# Characters a report is made of: CJK ideographs and punctuation, full-width forms, ASCII, whitespace.
PLAUSIBLE_TEXT = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\x20-\x7e\s]")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte-order mark. Its ASCII characters (digits, punctuation, line
    breaks) put NUL bytes in the text, which legacy codecs and UTF-8 never do; of the two byte
    orders, the one that decodes to the characters reports are made of wins."""
    if len(data) < 4 or len(data) % 2 or b"\x00" not in data:
        return None
    best: tuple[float, str, str] | None = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        plausible = len(PLAUSIBLE_TEXT.findall(text)) / max(len(text), 1)
        if plausible > 0.95 and (best is None or plausible > best[0]):
            best = (plausible, text, codec)
    return (best[1], best[2]) if best else None


# C0 control characters but tab, line feed, form feed and carriage return.
CONTROL_RUNS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]+")


def _control_share(text: str) -> float:
    # Runs found by a regex, not a generator over every character: decoding 300 reports 27 ms → 12 ms.
    controls = sum(map(len, CONTROL_RUNS.findall(text)))
    return controls / max(len(text), 1)


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    return "\n".join(p.text for p in document.paragraphs)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def file_format(source: str) -> str:
    suffix = Path(source).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    return "docx" if suffix in DOCX_SUFFIXES else "pdf" if suffix in PDF_SUFFIXES else "text"


def _check_docx_size(data: bytes, max_unpacked: int) -> None:
    """A .docx is a zip: its unpacked size is checked before parsing (a 460 kB file can unpack to
    128 MiB of XML and take gigabytes to parse)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(i.file_size for i in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise IngestError(f"unreadable docx: {exc}") from exc
    if unpacked > max_unpacked:
        raise IngestError(f"docx unpacks to {unpacked} bytes > {max_unpacked}: not parsed")


def decode_document(data: bytes, source: str, max_unpacked: int = 50_000_000) -> RawDocument:
    """Decode one file's bytes. Never raises for bad content: the error goes in the row."""
    fmt = file_format(source)
    doc_id = doc_id_for(data)
    suffix = Path(source).suffix.lower()
    try:
        if suffix not in SUPPORTED_SUFFIXES:
            raise IngestError(f"unsupported file type {suffix!r}")
        if fmt == "docx":
            _check_docx_size(data, max_unpacked)
            text, codec = _docx_text(data), "docx"
        elif fmt == "pdf":
            text, codec = _pdf_text(data), "pdf"
        else:
            text, codec = decode_text(data)
            if fmt == "text" and text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
                fmt = "html"
        if not text.strip():
            raise IngestError("no text in file")
        # A lone surrogate cannot be written as UTF-8 (Parquet, CSV): it becomes U+FFFD, counted as garbled.
        text = LONE_SURROGATE.sub("\ufffd", text)
        if len(text) > max_unpacked:
            raise IngestError(f"text of {len(text)} characters > {max_unpacked}: not processed")
    except IngestError as exc:
        return RawDocument(doc_id, source, fmt, None, len(data), None, str(exc))
    except Exception as exc:  # a corrupt .docx/.pdf raises library-specific errors
        return RawDocument(doc_id, source, fmt, None, len(data), None, f"unreadable {fmt}: {exc}")
    return RawDocument(doc_id, source, fmt, codec, len(data), text, None)


def read_document(path: Path, root: Path, max_bytes: int) -> RawDocument:
    """Read and decode one file. Never raises for bad content: the error goes in the row."""
    source = path.relative_to(root).as_posix()
    try:
        data = read_bytes(path, root, max_bytes)
    except IngestError as exc:
        return RawDocument("", source, file_format(source), None, 0, None, str(exc))
    return decode_document(data, source)


def ingest(paths: Iterable[Path], root: Path, max_bytes: int = 20_000_000) -> pd.DataFrame:
    """One row per file (see RAW_COLUMNS); unreadable files have `error` set."""
    rows = [asdict(read_document(p, root, max_bytes)) for p in paths]
    return pd.DataFrame(rows, columns=RAW_COLUMNS)
