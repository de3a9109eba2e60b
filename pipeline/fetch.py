"""Fetch: collect new reports from the sites listed in a `sites.toml` into the raw folder.

For each `[[site]]` the stage reads its start URLs (list pages, RSS/Atom feeds, sitemaps), gathers the
article links they name, keeps those that pass the site's filters (keywords, URL patterns, a date window)
and downloads the ones not fetched before. Every page is saved as the bytes the server sent, never
re-encoded, at `raw/<host>/<sha256(url)[:16]><ext>`; a known URL whose bytes changed is saved beside it as
`<hash>.v<N><ext>`. A JSON sidecar per saved file (`raw/.fetch/meta/<same path>.json`) records the URL,
final URL, fetch time, HTTP status and headers and declared charset; `raw/.fetch/state.json` remembers
each URL's last bytes so a later run skips it. Ingest skips dot-folders, so `.fetch/` is never a report.

Politeness and bounds: robots.txt is honoured (read with the same client and user agent, its
Crawl-delay too), requests to one host are spaced by `delay_seconds`, every request has a timeout,
5xx answers and connection errors are retried with exponential backoff (4xx never), bodies larger than
`max_page_bytes` are abandoned, redirects are followed up to `max_redirects` (each hop checked against
robots.txt) and a site downloads at most `max_pages_per_site` articles per run.

Why urllib3 rather than trafilatura's fetchers or urllib.request: trafilatura's `feeds`/`sitemaps`
helpers download through their own fetcher (its timeouts, no robots.txt, no size limit of ours), return
bare links without the titles and dates the filters need, and pass every link through courlan, which
rejects hosts such as 127.0.0.1 (so they return nothing against a local server). Feeds and sitemaps are
therefore parsed here with `xml.etree` and list pages with `html.parser`. urllib3 (installed with
trafilatura) gives keep-alive pools, separate connect/read timeouts, streamed reads that can stop at a
byte limit, and redirects we follow ourselves so each hop is counted and checked; `urllib.request`
follows redirects on its own and has no pooling or streaming limit.

A site that fails (a start URL unreachable, 5xx after retries, malformed feed, robots.txt unreachable)
is marked failed in the summary and the other sites go on. Exit codes of `main`: 0 all sites fine,
1 some site failed, 2 fatal (bad configuration, another fetch running on the same folder).
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import gzip
import hashlib
import json
import logging
import os
import re
import tempfile
import time
import tomllib
import urllib.robotparser
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import urllib3
from urllib3.exceptions import (
    ConnectTimeoutError,
    NameResolutionError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
)

logger = logging.getLogger("pipeline.fetch")

FETCH_DIR = ".fetch"
STATE_FILE = "state.json"
META_DIR = "meta"
STATE_VERSION = 1

DEFAULT_USER_AGENT = "xuncha-pipeline/0.1 (report collector; set [fetch] user_agent with a contact address)"
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
ROBOTS_MAX_BYTES = 512 * 1024
MAX_CRAWL_DELAY = 120.0  # a robots.txt Crawl-delay above this is capped (and logged)
MAX_SITEMAPS_PER_SITE = 50  # sitemap indexes are followed up to this many files
DOWNLOAD_DEADLINE_FACTOR = 10  # a whole body must arrive within this many timeouts
MAX_RETRY_AFTER = 60.0

# Content types → the extensions ingest reads. Anything else is not saved.
CONTENT_TYPE_EXT = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/x-pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}
URL_EXT = {
    ".html": ".html",
    ".htm": ".html",
    ".shtml": ".html",
    ".xhtml": ".html",
    ".txt": ".txt",
    ".pdf": ".pdf",
    ".docx": ".docx",
}
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/download"}
# Links to these are never article candidates.
SKIPPED_LINK_EXT = {
    ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".svg", ".ico", ".css", ".js", ".zip", ".rar", ".7z",
    ".gz", ".tar", ".mp3", ".mp4", ".avi", ".wmv", ".flv", ".swf", ".exe", ".apk", ".xls", ".xlsx", ".ppt",
    ".pptx", ".doc", ".wps", ".xml", ".rss", ".atom",
}  # fmt: skip

# charset-normalizer and pages name the narrower legacy codec; decode with the superset.
CODEC_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs", "cp950": "big5hkscs"}

META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.-]+)["']""")
XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
TEXT_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?(\d{2})[-/_]?(\d{2})(?!\d)")
BLOCK_TAGS = {
    "li", "tr", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "dl", "ul", "ol", "table", "article", "section",
}  # fmt: skip
DROPPED_HEADERS = {"set-cookie"}
URL_SAFE = "!#$%&'()*+,/:;=?@[]~"


class ConfigError(ValueError):
    """The sites file cannot be used; the message says where and why."""


class FetchLockedError(RuntimeError):
    """Another fetch is writing to the same raw folder."""


# --------------------------------------------------------------------------------------------- config


@dataclass(frozen=True)
class FetchOptions:
    """The `[fetch]` table: how every request is made."""

    user_agent: str = DEFAULT_USER_AGENT
    delay_seconds: float = 2.0
    timeout_seconds: float = 20.0
    retries: int = 2
    backoff_seconds: float = 1.0
    max_page_bytes: int = 20 * 1024 * 1024
    max_redirects: int = 5
    max_pages_per_site: int = 100
    recheck_days: int | None = None


@dataclass(frozen=True)
class SiteConfig:
    """One `[[site]]` table: where to look and what to keep."""

    name: str
    list_pages: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    url_patterns: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    max_age_days: int | None = None
    keep_undated: bool = True
    follow_other_hosts: bool = False
    max_pages_per_site: int | None = None
    recheck_days: int | None = None

    @property
    def start_urls(self) -> tuple[str, ...]:
        return self.list_pages + self.feeds + self.sitemaps

    def window(self, today: date) -> tuple[date | None, date | None]:
        """The inclusive date window: `since` and `max_age_days` both apply (the later start wins)."""
        start = self.since
        if self.max_age_days is not None:
            aged = today - timedelta(days=self.max_age_days)
            start = aged if start is None else max(start, aged)
        return start, self.until


@dataclass(frozen=True)
class SitesConfig:
    fetch: FetchOptions
    sites: tuple[SiteConfig, ...]


def _option_types(cls: type) -> dict[str, str]:
    return {f.name: str(f.type) for f in fields(cls)}


def _check_number(where: str, key: str, value: Any, kind: str) -> Any:
    if kind.startswith("int"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {key} must be an integer, not {value!r}")
        if value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}: {key} must be a number, not {value!r}")
    if value < 0:
        raise ConfigError(f"{where}: {key} must not be negative")
    return float(value)


def _check_date(where: str, key: str, value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ConfigError(f"{where}: {key} must be a date such as 2026-01-31, not {value!r}")


def _check_url(where: str, key: str, value: Any) -> str:
    if not isinstance(value, str) or urlsplit(value.strip()).scheme not in ("http", "https"):
        raise ConfigError(f"{where}: {key} entries must be http(s) URLs, not {value!r}")
    if not urlsplit(value.strip()).hostname:
        raise ConfigError(f"{where}: {key} entry {value!r} has no host")
    return canonical_url(value.strip())


def _check_str_list(where: str, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of non-empty strings")
    return [v.strip() for v in value]


def _parse_fetch_options(table: Any) -> FetchOptions:
    where = "[fetch]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    types = _option_types(FetchOptions)
    unknown = sorted(set(table) - set(types))
    if unknown:
        raise ConfigError(f"{where}: unknown option(s) {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key == "user_agent":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where}: user_agent must be a non-empty string")
            values[key] = value.strip()
        else:
            values[key] = _check_number(where, key, value, types[key])
    options = FetchOptions(**values)
    if options.timeout_seconds <= 0:
        raise ConfigError(f"{where}: timeout_seconds must be positive")
    if options.max_page_bytes <= 0:
        raise ConfigError(f"{where}: max_page_bytes must be positive")
    return options


def _parse_site(index: int, table: Any) -> SiteConfig:
    where = f"[[site]] #{index + 1}"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: name is required")
    where = f"[[site]] {name!r}"
    types = _option_types(SiteConfig)
    unknown = sorted(set(table) - set(types))
    if unknown:
        raise ConfigError(f"{where}: unknown option(s) {', '.join(unknown)}")
    values: dict[str, Any] = {"name": name.strip()}
    for key, value in table.items():
        if key == "name":
            continue
        if key in ("list_pages", "feeds", "sitemaps"):
            if not isinstance(value, list):
                raise ConfigError(f"{where}: {key} must be a list of URLs")
            values[key] = tuple(_check_url(where, key, v) for v in value)
        elif key == "keywords":
            values[key] = tuple(_check_str_list(where, key, value))
        elif key == "url_patterns":
            patterns = _check_str_list(where, key, value)
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ConfigError(f"{where}: url_patterns {pattern!r} is not a valid regex: {exc}") from exc
            values[key] = tuple(patterns)
        elif key in ("since", "until"):
            values[key] = _check_date(where, key, value)
        elif key in ("keep_undated", "follow_other_hosts"):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {key} must be true or false")
            values[key] = value
        else:
            values[key] = _check_number(where, key, value, types[key])
    site = SiteConfig(**values)
    if not site.start_urls:
        raise ConfigError(f"{where}: give at least one of list_pages, feeds, sitemaps")
    if site.since and site.until and site.since > site.until:
        raise ConfigError(f"{where}: since ({site.since}) is after until ({site.until})")
    return site


def load_config(path: Path) -> SitesConfig:
    """Read and validate a sites file; every problem is a ConfigError naming the table and option."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: no such sites file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"fetch", "site"})
    if unknown:
        raise ConfigError(f"{path}: unknown table(s) {', '.join(unknown)} (expected [fetch] and [[site]])")
    options = _parse_fetch_options(data.get("fetch", {}))
    raw_sites = data.get("site", [])
    if not isinstance(raw_sites, list) or not raw_sites:
        raise ConfigError(f"{path}: no [[site]] tables")
    sites = tuple(_parse_site(i, t) for i, t in enumerate(raw_sites))
    names = [s.name for s in sites]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{path}: duplicate site name(s) {', '.join(duplicates)}")
    return SitesConfig(fetch=options, sites=sites)


# ------------------------------------------------------------------------------------------- summary


@dataclass
class SiteResult:
    """What one site's run did. `failed` means a start URL (or robots.txt) could not be read or parsed;
    `errors` also lists pages that could not be downloaded, which do not fail the site."""

    name: str
    discovered: int = 0
    kept: int = 0
    fetched: int = 0
    new_pages: int = 0
    new_versions: int = 0
    unchanged: int = 0
    skipped_known: int = 0
    duplicates: int = 0
    blocked: int = 0
    deferred: int = 0
    failed: bool = False
    errors: list[str] = field(default_factory=list)
    saved: list[str] = field(default_factory=list)


COUNTERS = (
    "discovered",
    "kept",
    "fetched",
    "new_pages",
    "new_versions",
    "unchanged",
    "skipped_known",
    "duplicates",
    "blocked",
    "deferred",
)


@dataclass
class FetchSummary:
    """Per-site results and their totals. `saved` lists the files written this run (relative to raw)."""

    sites: list[SiteResult] = field(default_factory=list)
    started_at: str = ""
    finished_at: str = ""

    @property
    def totals(self) -> dict[str, int]:
        totals = {key: sum(int(getattr(s, key)) for s in self.sites) for key in COUNTERS}
        totals["errors"] = sum(len(s.errors) for s in self.sites)
        totals["failed_sites"] = len(self.failed_sites)
        return totals

    @property
    def failed_sites(self) -> list[str]:
        return [s.name for s in self.sites if s.failed]

    @property
    def saved(self) -> list[str]:
        return [path for s in self.sites for path in s.saved]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_sites else 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "totals": self.totals,
            "failed_sites": self.failed_sites,
            "sites": [asdict(s) for s in self.sites],
        }

    def line(self) -> str:
        t = self.totals
        return (
            f"fetch: {len(self.sites)} site(s), {t['failed_sites']} failed; {t['discovered']} links discovered, "
            f"{t['kept']} kept, {t['fetched']} downloaded: {t['new_pages']} new, {t['new_versions']} new versions, "
            f"{t['unchanged']} unchanged, {t['duplicates']} duplicates; {t['skipped_known']} known skipped, "
            f"{t['blocked']} blocked by robots.txt, {t['deferred']} deferred by the page limit, {t['errors']} errors"
        )


# ----------------------------------------------------------------------------------------------- URLs


def canonical_url(url: str) -> str:
    """Fragment dropped, scheme and host lower-cased, default port dropped, empty path as `/`."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or (scheme, port) in (("http", 80), ("https", 443)) else f"{host}:{port}"
    if parts.username or parts.password:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    path = quote(parts.path or "/", safe=URL_SAFE)  # non-ASCII and spaces percent-encoded, %XX kept
    return urlunsplit((scheme, netloc, path, quote(parts.query, safe=URL_SAFE), ""))


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


def host_folder(url: str) -> str:
    host = urlsplit(url).hostname or "unknown-host"
    return re.sub(r"[^\w.-]", "_", host.lower())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# ------------------------------------------------------------------------------------------- decoding


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    name = CODEC_SUPERSETS.get(name, name)
    try:
        "".encode(name)
    except LookupError:
        return None
    return name


def header_charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def declared_charset(body: bytes, content_type: str | None) -> str | None:
    """The charset the server or the document itself declares (HTTP header, XML declaration, meta)."""
    from_header = header_charset(content_type)
    if from_header:
        return from_header
    head = body[:4096]
    xml = XML_DECL_ENCODING.match(head)
    if xml:
        return xml.group(1).decode("ascii")
    meta = META_CHARSET.search(head)
    if meta:
        return meta.group(1).decode("ascii")
    return None


def decode_body(body: bytes, content_type: str | None) -> tuple[str, str]:
    """Text of a discovery page and the codec used: BOM, then declared charset, then detection."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), codec
    declared = _codec(declared_charset(body, content_type))
    if declared:
        try:
            return body.decode(declared), declared
        except UnicodeDecodeError:
            logger.debug("declared charset %s does not decode; detecting", declared)
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    codec = _codec(best.encoding if best is not None else None) or "utf-8"
    return body.decode(codec, errors="replace"), codec


# ------------------------------------------------------------------------------------------ discovery


@dataclass
class Candidate:
    url: str
    title: str = ""
    published: date | None = None
    updated: datetime | None = None
    source: str = ""
    source_charset: str | None = None  # codec the linking list page or feed was decoded with

    def merge(self, other: Candidate) -> None:
        self.title = self.title or other.title
        self.source_charset = self.source_charset or other.source_charset
        self.published = self.published or other.published
        if other.updated and (self.updated is None or other.updated > self.updated):
            self.updated = other.updated


def _valid_date(y: str, m: str, d: str) -> date | None:
    try:
        found = date(int(y), int(m), int(d))
    except ValueError:
        return None
    return found if 1990 <= found.year <= 2100 else None


def date_in_text(text: str) -> date | None:
    for match in TEXT_DATE.finditer(text):
        found = _valid_date(*match.groups())
        if found:
            return found
    return None


def date_in_url(url: str) -> date | None:
    path = unquote(urlsplit(url).path)
    for match in URL_DATE.finditer(path):
        found = _valid_date(*match.groups())
        if found:
            return found
    return None


def parse_datetime(value: str | None) -> datetime | None:
    """RFC 822 (RSS), ISO 8601 / W3C datetime (Atom, sitemaps), or a bare date; naive values are UTC."""
    if not value or not value.strip():
        return None
    text = value.strip()
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            parsed = email.utils.parsedate_to_datetime(text)
    if parsed is None:
        match = re.match(r"^(\d{4})-(\d{2})$", text) or re.match(r"^(\d{4})$", text)
        if match:
            groups = [*match.groups(), "01", "01"][:3]
            day = _valid_date(*groups)
            parsed = datetime(day.year, day.month, day.day) if day else None
        else:
            found = date_in_text(text)
            parsed = datetime(found.year, found.month, found.day) if found else None
    if parsed is None:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


@dataclass
class _Anchor:
    href: str
    title_attr: str
    text: list[str] = field(default_factory=list)
    head: str = ""
    tail: list[str] = field(default_factory=list)


class _LinkParser(HTMLParser):
    """Anchors of a list page with their text and the text around them (for dates)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.anchors: list[_Anchor] = []
        self._open: _Anchor | None = None
        self._tail_of: _Anchor | None = None
        self._pending: list[str] = []
        self._skip = 0

    def _block(self) -> None:
        self._tail_of = None
        self._pending = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: (v or "") for k, v in attrs}
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"].strip()
        elif tag == "a":
            self._open = _Anchor(
                href=values.get("href", "").strip(),
                title_attr=values.get("title", "").strip(),
                head="".join(self._pending)[-60:],
            )
            self.anchors.append(self._open)
            self._tail_of = None
            self._pending = []
        elif tag in BLOCK_TAGS or tag == "br":
            self._block()

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag == "a" and self._open is not None:
            self._tail_of = self._open
            self._open = None
        elif tag in BLOCK_TAGS:
            self._block()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._open is not None:
            self._open.text.append(data)
            return
        if self._tail_of is not None and sum(map(len, self._tail_of.tail)) < 80:
            self._tail_of.tail.append(data)
        self._pending.append(data)
        if len(self._pending) > 20:
            self._pending = ["".join(self._pending)[-60:]]


def _clean_text(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def links_from_html(text: str, page_url: str) -> list[Candidate]:
    """Article candidates of a list page: every http(s) link, resolved against the page (or its <base>)."""
    parser = _LinkParser()
    parser.feed(text)
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    found: list[Candidate] = []
    for anchor in parser.anchors:
        href = anchor.href
        if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:", "data:")):
            continue
        url = urljoin(base, href)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        title = _clean_text("".join(anchor.text)) or anchor.title_attr
        if anchor.title_attr and len(anchor.title_attr) > len(title):  # truncated link text 《…》
            title = anchor.title_attr
        context = " ".join([title, _clean_text("".join(anchor.tail)), _clean_text(anchor.head)])
        published = date_in_text(context) or date_in_url(url)
        found.append(Candidate(url=canonical_url(url), title=title, published=published, source=page_url))
    return found


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element: ET.Element, *names: str) -> str:
    for child in element:
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return ""


def parse_xml(body: bytes, content_type: str | None) -> tuple[ET.Element, str]:
    """Decode a feed or sitemap ourselves (expat rejects GBK and Big5) and parse it; ValueError if malformed.
    Returns the root and the codec used."""
    text, codec = decode_body(body, content_type)
    text = XML_DECL.sub("", text.lstrip("\ufeff"), count=1)
    if re.search(r"<!ENTITY", text[:10000], re.IGNORECASE):
        raise ValueError("declares XML entities (refused)")
    try:
        return ET.fromstring(text), codec
    except ET.ParseError as exc:
        raise ValueError(f"not well-formed XML ({exc})") from exc


def links_from_feed(root: ET.Element, feed_url: str) -> list[Candidate]:
    """Items of an RSS 2.0, RSS 1.0 (RDF) or Atom feed with their title and dates."""
    kind = _local(root.tag).lower()
    if kind not in ("rss", "rdf", "feed"):
        raise ValueError(f"root element <{_local(root.tag)}> is not rss, RDF or feed")
    found: list[Candidate] = []
    for element in root.iter():
        name = _local(element.tag)
        if name == "item":
            link = _child_text(element, "link")
            if not link:
                guid = next((c for c in element if _local(c.tag) == "guid"), None)
                if guid is not None and guid.text and guid.get("isPermaLink", "true").lower() != "false":
                    link = guid.text.strip()
            if not link:
                about = element.get("{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about", "")
                link = about.strip()
            published = parse_datetime(_child_text(element, "pubDate", "date", "published", "issued"))
            updated = parse_datetime(_child_text(element, "updated", "modified")) or published
        elif name == "entry":
            link = ""
            for child in element:
                if _local(child.tag) == "link" and child.get("href"):
                    rel = child.get("rel", "alternate")
                    if rel == "alternate":
                        link = child.get("href", "").strip()
                        break
                    if not link and rel not in ("self", "edit", "enclosure", "replies", "related"):
                        link = child.get("href", "").strip()
            published = parse_datetime(_child_text(element, "published", "issued", "created"))
            updated = parse_datetime(_child_text(element, "updated", "modified")) or published
            published = published or updated
        else:
            continue
        if not link:
            continue
        url = urljoin(feed_url, link)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        title_element = next((c for c in element if _local(c.tag) == "title"), None)
        title = _clean_text("".join(title_element.itertext())) if title_element is not None else ""
        found.append(
            Candidate(
                url=canonical_url(url),
                title=title,
                published=published.date() if published else date_in_url(url),
                updated=updated,
                source=feed_url,
            )
        )
    return found


def links_from_sitemap(root: ET.Element, sitemap_url: str) -> tuple[list[Candidate], list[str]]:
    """Pages of a `<urlset>` (with lastmod and a news title if present) or child sitemaps of an index."""
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = []
        for element in root:
            loc = _child_text(element, "loc")
            if _local(element.tag) == "sitemap" and loc:
                children.append(canonical_url(urljoin(sitemap_url, loc)))
        return [], children
    if kind != "urlset":
        raise ValueError(f"root element <{kind}> is not urlset or sitemapindex")
    found = []
    for element in root:
        if _local(element.tag) != "url":
            continue
        loc = _child_text(element, "loc")
        if not loc:
            continue
        url = urljoin(sitemap_url, loc)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        updated = parse_datetime(_child_text(element, "lastmod"))
        title = ""
        published: datetime | None = None
        for news in element.iter():
            if _local(news.tag) == "news":
                title = _child_text(news, "title")
                published = parse_datetime(_child_text(news, "publication_date"))
        when = published or updated
        found.append(
            Candidate(
                url=canonical_url(url),
                title=title,
                published=when.date() if when else date_in_url(url),
                updated=updated,
                source=sitemap_url,
            )
        )
    return found, []


def links_from_text_sitemap(text: str, sitemap_url: str) -> list[Candidate]:
    urls = [line.strip() for line in text.splitlines() if line.strip().startswith(("http://", "https://"))]
    return [Candidate(url=canonical_url(u), published=date_in_url(u), source=sitemap_url) for u in urls]


# ----------------------------------------------------------------------------------------- filtering


_T2S: Any = None


def _to_simplified(text: str) -> str:
    """Keywords match traditional pages too (巡视 finds 巡視); OpenCC is a pipeline dependency."""
    global _T2S
    if _T2S is None:
        try:
            import opencc

            _T2S = opencc.OpenCC("t2s")
        except Exception:  # no OpenCC: match as written
            logger.debug("OpenCC unavailable; keywords match as written")
            _T2S = False
    return str(_T2S.convert(text)) if _T2S else text


def _norm(text: str) -> str:
    return _to_simplified(text).casefold()


def keep_reason(candidate: Candidate, site: SiteConfig, window: tuple[date | None, date | None]) -> str | None:
    """None when the candidate passes the site's filters, else why not (for debug logs)."""
    if site.keywords:
        haystack = _norm(candidate.title) + "\n" + _norm(unquote(candidate.url))
        if not any(_norm(k) in haystack for k in site.keywords):
            return "no keyword"
    if site.url_patterns and not any(re.search(p, candidate.url) for p in site.url_patterns):
        return "no URL pattern"
    start, end = window
    if start or end:
        when = candidate.published or (candidate.updated.date() if candidate.updated else None)
        if when is None:
            return None if site.keep_undated else "undated"
        if start and when < start:
            return f"dated {when}, before {start}"
        if end and when > end:
            return f"dated {when}, after {end}"
    return None


# ----------------------------------------------------------------------------------------------- HTTP


@dataclass
class Response:
    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    reason: str | None = None  # why there is no usable body (None for 200, 304 and redirects)
    blocked: bool = False
    attempts: int = 0

    @property
    def error(self) -> str | None:
        if self.reason is None:
            return None
        via = f" (redirected to {self.final_url})" if self.final_url != self.url else ""
        return f"{self.url}{via}: {self.reason}"

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", self.headers.get("content-type", ""))


class _BodyTooLarge(Exception):
    pass


@dataclass
class _Robots:
    """A host's robots.txt: its rules, or a blanket verdict (everything allowed / disallowed), or an error."""

    parser: urllib.robotparser.RobotFileParser | None = None
    allow_all: bool | None = None
    error: str | None = None


def _describe(exc: BaseException, timeout: float) -> str:
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2: test it first.
    if isinstance(exc, NameResolutionError):
        return "host name not found"
    if isinstance(exc, NewConnectionError):
        return "cannot connect"
    if isinstance(exc, ReadTimeoutError | ConnectTimeoutError | TimeoutError):
        return f"timed out ({timeout:g} s)"
    if isinstance(exc, ProtocolError):
        return "connection broken"
    return f"{type(exc).__name__}: {exc}"


class HttpClient:
    """One client per run: pooled connections, per-host spacing, robots.txt cache, retries, limits."""

    def __init__(self, options: FetchOptions) -> None:
        self.options = options
        self.timeout = urllib3.Timeout(connect=options.timeout_seconds, read=options.timeout_seconds)
        self.pool = urllib3.PoolManager(
            num_pools=32,
            headers={"User-Agent": options.user_agent, "Accept-Encoding": "gzip, deflate", "Accept": "*/*"},
        )
        self._last_request: dict[str, float] = {}
        self._host_delay: dict[str, float] = {}
        self._robots: dict[str, _Robots] = {}
        self._retry_after: float | None = None  # a 5xx answer's Retry-After, for the next pause

    def close(self) -> None:
        self.pool.clear()

    # spacing ---------------------------------------------------------------------------------------
    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc
        delay = self._host_delay.get(host, self.options.delay_seconds)
        last = self._last_request.get(host)
        if last is not None and delay > 0:
            pause = last + delay - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _done(self, url: str) -> None:
        self._last_request[urlsplit(url).netloc] = time.monotonic()

    # robots.txt ------------------------------------------------------------------------------------
    def robots_verdict(self, url: str) -> tuple[bool, str | None]:
        """(allowed, error): error when robots.txt could not be read (then nothing on that host is fetched)."""
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is None:
            robots = self._load_robots(origin)
            self._robots[origin] = robots
        if robots.error:
            return False, robots.error
        if robots.parser is None:
            return bool(robots.allow_all), None
        return robots.parser.can_fetch(self.options.user_agent, url), None

    def _load_robots(self, origin: str) -> _Robots:
        robots_url = origin + "/robots.txt"
        response = self.get(robots_url, check_robots=False, max_bytes=ROBOTS_MAX_BYTES)
        status = response.status
        if status in (401, 403):
            return _Robots(allow_all=False)
        if status is not None and 400 <= status < 500:  # no robots.txt: everything allowed
            return _Robots(allow_all=True)
        if response.body is None or status is None or not 200 <= status < 300:
            # 5xx or unreachable: RFC 9309 says assume everything is disallowed
            why = response.reason or f"HTTP {status}"
            return _Robots(error=f"robots.txt unreachable ({why}); host skipped")
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        delay = parser.crawl_delay(self.options.user_agent)
        if delay is not None:
            wanted = float(delay)
            if wanted > MAX_CRAWL_DELAY:
                logger.warning("%s asks for Crawl-delay %s s; using %s s", robots_url, wanted, MAX_CRAWL_DELAY)
            host = urlsplit(origin).netloc
            self._host_delay[host] = max(self.options.delay_seconds, min(wanted, MAX_CRAWL_DELAY))
        return _Robots(parser=parser)

    # requests --------------------------------------------------------------------------------------
    def get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        check_robots: bool = True,
        max_bytes: int | None = None,
    ) -> Response:
        """GET with redirects followed (each hop checked against robots.txt), retries and the size limit."""
        limit = max_bytes or self.options.max_page_bytes
        current = url
        extra = dict(headers or {})
        attempts = 0
        for hop in range(self.options.max_redirects + 1):
            if check_robots:
                allowed, error = self.robots_verdict(current)
                if error:
                    return Response(url, current, reason=error, attempts=attempts)
                if not allowed:
                    return Response(url, current, blocked=True, reason="disallowed by robots.txt")
            response = self._get_once(current, extra, limit)
            attempts += response.attempts
            response.url, response.attempts = url, attempts
            if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
                target = urljoin(current, response.headers["Location"].strip())
                if urlsplit(target).scheme not in ("http", "https"):
                    return Response(url, target, status=response.status, reason="redirect to a non-HTTP URL")
                logger.debug("%s → %s (%s)", current, target, response.status)
                current = canonical_url(target)
                extra = {}  # conditional headers belong to the first URL only
                if hop == self.options.max_redirects:
                    break
                continue
            return response
        return Response(url, current, reason=f"more than {self.options.max_redirects} redirects")

    def _get_once(self, url: str, headers: dict[str, str], limit: int) -> Response:
        """One URL, retried on connection errors and 5xx with exponential backoff; never on 4xx."""
        options = self.options
        last_error = ""
        for attempt in range(options.retries + 1):
            if attempt:
                pause = options.backoff_seconds * 2 ** (attempt - 1)
                retry_after = self._retry_after
                if retry_after is not None:
                    pause = max(pause, min(retry_after, MAX_RETRY_AFTER))
                logger.debug("retrying %s in %.2f s (%s)", url, pause, last_error)
                time.sleep(pause)
            self._retry_after = None
            self._wait_turn(url)
            try:
                return self._request(url, headers, limit, attempt + 1)
            except _BodyTooLarge as exc:
                return Response(url, url, reason=str(exc), attempts=attempt + 1)
            except _ServerError as exc:
                last_error = str(exc)
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                last_error = _describe(exc, options.timeout_seconds)
            finally:
                self._done(url)
        tries = options.retries + 1
        return Response(url, url, reason=f"{last_error} after {tries} attempt{'s' * (tries > 1)}", attempts=tries)

    def _request(self, url: str, headers: dict[str, str], limit: int, attempt: int) -> Response:
        response = self.pool.request(
            "GET",
            url,
            headers={**self.pool.headers, **headers},
            redirect=False,
            retries=False,
            preload_content=False,
            decode_content=True,
            timeout=self.timeout,
        )
        complete = False
        try:
            status = response.status
            kept_headers = {k: v for k, v in response.headers.items() if k.lower() not in DROPPED_HEADERS}
            length = response.headers.get("Content-Length", "").strip()
            if status >= 500:
                retry_after = response.headers.get("Retry-After", "").strip()
                self._retry_after = float(retry_after) if retry_after.isdigit() else None
                raise _ServerError(f"HTTP {status}")
            if not 200 <= status < 300:
                if status in (204, 304) or (length.isdigit() and int(length) <= 64 * 1024):
                    response.read()  # a small body: read it so the connection can be reused
                    complete = True
                reason = None if status in REDIRECT_STATUSES or status == 304 else f"HTTP {status}"
                return Response(url, url, status=status, headers=kept_headers, reason=reason, attempts=attempt)
            if length.isdigit() and int(length) > limit:
                raise _BodyTooLarge(f"larger than {limit} bytes (Content-Length {int(length)})")
            body = bytearray()
            deadline = time.monotonic() + self.options.timeout_seconds * DOWNLOAD_DEADLINE_FACTOR
            for chunk in response.stream(64 * 1024, decode_content=True):
                body += chunk
                if len(body) > limit:
                    raise _BodyTooLarge(f"larger than {limit} bytes (stopped reading)")
                if time.monotonic() > deadline:
                    raise TimeoutError("body too slow")
            complete = True
            return Response(url, url, status=status, headers=kept_headers, body=bytes(body), attempts=attempt)
        finally:
            if not complete:
                response.close()  # unread data: the connection must not be reused
            response.release_conn()


class _ServerError(Exception):
    pass


# ---------------------------------------------------------------------------------------- storage


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def extension_for(body: bytes, content_type: str, url: str) -> str | None:
    """The file extension ingest needs: from the bytes' signature, the content type, then the URL."""
    if body.startswith(b"%PDF-"):
        return ".pdf"
    mime = content_type.split(";", 1)[0].strip().lower()
    url_ext = URL_EXT.get(Path(unquote(urlsplit(url).path)).suffix.lower())
    if body.startswith(b"PK\x03\x04"):
        return ".docx" if ".docx" in (CONTENT_TYPE_EXT.get(mime), url_ext) else None
    if mime in CONTENT_TYPE_EXT:
        return CONTENT_TYPE_EXT[mime]
    if mime in GENERIC_TYPES or mime.startswith("text/"):
        if url_ext:
            return url_ext
        if mime.startswith("text/") or not mime:
            return ".html" if re.search(rb"<html|<!doctype html", body[:2048], re.IGNORECASE) else ".txt"
    return None


def sidecar_path(raw_dir: Path, source: str) -> Path:
    return Path(raw_dir) / FETCH_DIR / META_DIR / f"{source}.json"


def write_sidecar(raw_dir: Path, source: str, record: dict[str, Any]) -> None:
    """The sidecar of a saved file: what ingest and publish learn about it (its address first)."""
    _atomic_write(sidecar_path(raw_dir, source), _json_bytes(record))


def sidecar_for(raw_dir: Path, source: str) -> dict[str, Any] | None:
    """The sidecar of a fetched file (`source` relative to raw_dir, posix), or None if it was not fetched."""
    meta_root = (Path(raw_dir) / FETCH_DIR / META_DIR).resolve()
    path = sidecar_path(raw_dir, source).resolve()
    if meta_root not in path.parents or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        logger.warning("unreadable sidecar %s", path)
        return None
    return data if isinstance(data, dict) else None


class State:
    """`raw/.fetch/state.json`: per URL the last bytes' sha256, file, version, times and validators."""

    def __init__(self, raw_dir: Path) -> None:
        self.path = raw_dir / FETCH_DIR / STATE_FILE
        self.urls: dict[str, dict[str, Any]] = {}
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                self.urls = dict(data.get("urls", {}))
            except (OSError, ValueError, AttributeError) as exc:
                raise ConfigError(f"{self.path}: unreadable state file ({exc}); move it away to start afresh") from exc
        self.by_sha = {entry["sha256"]: entry for entry in self.urls.values() if entry.get("sha256")}

    def save(self) -> None:
        _atomic_write(self.path, _json_bytes({"version": STATE_VERSION, "urls": self.urls}))


@contextlib.contextmanager
def _lock(raw_dir: Path) -> Iterator[None]:
    lock_path = raw_dir / FETCH_DIR / "lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # not POSIX: no lock
            yield
            return
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise FetchLockedError(f"{raw_dir}: another fetch is running on this folder") from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# ------------------------------------------------------------------------------------------ the run


class _SiteRun:
    def __init__(
        self, site: SiteConfig, options: FetchOptions, client: HttpClient, state: State, raw_dir: Path, now: datetime
    ) -> None:
        self.site = site
        self.options = options
        self.client = client
        self.state = state
        self.raw_dir = raw_dir
        self.now = now
        self.started = time.monotonic()
        self.result = SiteResult(name=site.name)
        self.hosts = {urlsplit(u).netloc for u in site.start_urls}

    def clock(self) -> datetime:
        return self.now + timedelta(seconds=time.monotonic() - self.started)

    def fail(self, message: str) -> None:
        logger.warning("%s: %s", self.site.name, message)
        self.result.failed = True
        self.result.errors.append(message)

    def page_error(self, message: str) -> None:
        logger.warning("%s: %s", self.site.name, message)
        self.result.errors.append(message)

    # discovery -------------------------------------------------------------------------------------
    def _start(self, url: str, what: str) -> Response | None:
        response = self.client.get(url)
        if response.blocked:
            self.fail(f"{what} {url} is disallowed by robots.txt")
            return None
        if response.error or response.body is None:
            self.fail(f"{what} {response.error or url + ': HTTP ' + str(response.status) + ', no content'}")
            return None
        self.hosts.add(urlsplit(response.final_url).netloc)  # a start page moved to another host
        return response

    def discover(self) -> list[Candidate]:
        found: list[Candidate] = []
        for url in self.site.list_pages:
            response = self._start(url, "list page")
            if response is not None and response.body is not None:
                text, codec = decode_body(response.body, response.content_type)
                links = links_from_html(text, response.final_url)
                for link in links:
                    link.source_charset = codec
                found += links
        for url in self.site.feeds:
            response = self._start(url, "feed")
            if response is not None and response.body is not None:
                try:
                    root, codec = parse_xml(response.body, response.content_type)
                    items = links_from_feed(root, response.final_url)
                except ValueError as exc:
                    self.fail(f"feed {url}: {exc}")
                    continue
                for item in items:
                    item.source_charset = codec
                found += items
        found += self._discover_sitemaps()
        return found

    def _discover_sitemaps(self) -> list[Candidate]:
        found: list[Candidate] = []
        queue = list(self.site.sitemaps)
        seen: set[str] = set()
        while queue:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            if len(seen) > MAX_SITEMAPS_PER_SITE:
                self.page_error(f"sitemap {url}: more than {MAX_SITEMAPS_PER_SITE} sitemaps, rest skipped")
                break
            response = self._start(url, "sitemap")
            if response is None or response.body is None:
                continue
            body = response.body
            try:
                if body[:2] == b"\x1f\x8b":
                    body = _gunzip(body, self.options.max_page_bytes)
                if body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] != b"<":
                    found += links_from_text_sitemap(decode_body(body, response.content_type)[0], response.final_url)
                    continue
                pages, children = links_from_sitemap(parse_xml(body, response.content_type)[0], response.final_url)
            except ValueError as exc:
                self.fail(f"sitemap {url}: {exc}")
                continue
            found += pages
            queue += [c for c in children if self.site.follow_other_hosts or urlsplit(c).netloc in self.hosts]
        return found

    # selection -------------------------------------------------------------------------------------
    def select(self, found: list[Candidate]) -> list[Candidate]:
        unique: dict[str, Candidate] = {}
        for candidate in found:
            if candidate.url in self.site.start_urls:
                continue
            if not self.site.follow_other_hosts and urlsplit(candidate.url).netloc not in self.hosts:
                continue
            if Path(unquote(urlsplit(candidate.url).path)).suffix.lower() in SKIPPED_LINK_EXT:
                continue
            if candidate.url in unique:
                unique[candidate.url].merge(candidate)
            else:
                unique[candidate.url] = candidate
        self.result.discovered = len(unique)
        window = self.site.window(self.now.date())
        kept = []
        for candidate in unique.values():
            reason = keep_reason(candidate, self.site, window)
            if reason is None:
                kept.append(candidate)
            else:
                logger.debug("%s: skip %s (%s)", self.site.name, candidate.url, reason)
        self.result.kept = len(kept)
        return kept

    def due_for_recheck(self, candidate: Candidate, entry: dict[str, Any]) -> bool:
        checked = parse_datetime(entry.get("checked_at")) or parse_datetime(entry.get("fetched_at"))
        if checked is None:
            return True
        if candidate.updated is not None and candidate.updated > checked:
            return True
        days = self.site.recheck_days if self.site.recheck_days is not None else self.options.recheck_days
        return days is not None and self.now - checked >= timedelta(days=days)

    # download --------------------------------------------------------------------------------------
    def run(self) -> SiteResult:
        kept = self.select(self.discover())
        new, recheck = [], []
        for candidate in kept:
            entry = self.state.urls.get(candidate.url)
            if entry is None:
                new.append(candidate)
            elif self.due_for_recheck(candidate, entry):
                recheck.append(candidate)
            else:
                self.result.skipped_known += 1
        limit = self.site.max_pages_per_site
        limit = self.options.max_pages_per_site if limit is None else limit
        todo = new + recheck
        if len(todo) > limit:
            self.result.deferred = len(todo) - limit
            logger.info("%s: page limit %d reached, %d left for the next run", self.site.name, limit, len(todo) - limit)
            todo = todo[:limit]
        for candidate in todo:
            self.download(candidate)
        return self.result

    def download(self, candidate: Candidate) -> None:
        entry = self.state.urls.get(candidate.url)
        headers = {}
        if entry and entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry and entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        response = self.client.get(candidate.url, headers=headers)
        fetched_at = self.clock()
        if response.blocked:
            self.result.blocked += 1
            logger.info("%s: %s", self.site.name, response.error)
            return
        if response.status == 304 and entry is not None:
            self.result.unchanged += 1
            entry["checked_at"] = fetched_at.isoformat()
            return
        if response.error or response.body is None:
            self.page_error(response.error or f"{candidate.url}: HTTP {response.status}, no content")
            return
        self.result.fetched += 1
        self.store(candidate, response, fetched_at)

    def store(self, candidate: Candidate, response: Response, fetched_at: datetime) -> None:
        assert response.body is not None
        body = response.body
        sha = hashlib.sha256(body).hexdigest()
        entry = self.state.urls.get(candidate.url)
        validators = {
            "etag": response.headers.get("ETag"),
            "last_modified": response.headers.get("Last-Modified"),
            "checked_at": fetched_at.isoformat(),
        }
        if entry is not None and entry.get("sha256") == sha:
            self.result.unchanged += 1
            entry.update(validators)
            return
        folder = host_folder(candidate.url)
        key = url_key(candidate.url)
        if entry is None:
            adopted = self._adopt_copy_on_disk(candidate.url, folder, key, sha, validators)
            if adopted:
                return
        same = self.state.by_sha.get(sha)
        if entry is None and same is not None:  # same bytes already saved under another URL (redirect, alias)
            self.result.duplicates += 1
            alias = {**same, **validators, "url": candidate.url, "same_as": same.get("url"), "version": 0}
            self.state.urls[candidate.url] = alias
            logger.info("%s: %s has the bytes of %s; not saved again", self.site.name, candidate.url, same.get("path"))
            return
        ext = extension_for(body, response.content_type, response.final_url)
        if ext is None:
            self.page_error(f"{candidate.url}: unsupported content type {response.content_type or '(none)'}; not saved")
            return
        version = self._next_version(folder, key, entry)
        name = f"{key}{ext}" if version == 1 else f"{key}.v{version}{ext}"
        source = f"{folder}/{name}"
        _atomic_write(self.raw_dir / source, body)
        sidecar = {
            "url": candidate.url,
            "final_url": response.final_url,
            "fetched_at": fetched_at.isoformat(),
            "status": response.status,
            "headers": response.headers,
            "content_type": response.content_type or None,
            "declared_charset": declared_charset(body, response.content_type)
            if ext in (".html", ".txt")
            else header_charset(response.content_type),
            "sha256": sha,
            "n_bytes": len(body),
            "version": version,
            "previous": entry.get("path") if entry else None,
            "source": source,
            "site": self.site.name,
            "title": candidate.title or None,
            "published": candidate.published.isoformat() if candidate.published else None,
            "discovered_from": candidate.source,
            "discovered_charset": candidate.source_charset,
        }
        write_sidecar(self.raw_dir, source, sidecar)
        record = {
            "url": candidate.url,
            "sha256": sha,
            "path": source,
            "version": version,
            "fetched_at": fetched_at.isoformat(),
            "site": self.site.name,
            **validators,
        }
        self.state.urls[candidate.url] = record
        self.state.by_sha[sha] = record
        self.result.saved.append(source)
        if version == 1:
            self.result.new_pages += 1
        else:
            self.result.new_versions += 1
        logger.info("%s: saved %s (%s, version %d)", self.site.name, source, candidate.url, version)

    def _versions_on_disk(self, folder: str, key: str) -> dict[int, Path]:
        found: dict[int, Path] = {}
        directory = self.raw_dir / folder
        if directory.is_dir():
            for path in directory.glob(f"{key}.*"):
                match = re.fullmatch(rf"{key}(?:\.v(\d+))?\.\w+", path.name)
                if match:
                    found[int(match.group(1) or 1)] = path
        return found

    def _next_version(self, folder: str, key: str, entry: dict[str, Any] | None) -> int:
        """One more than the state's version and than any version already on disk (state lost or stale)."""
        highest = int(entry.get("version", 0)) if entry else 0
        return max([highest, *self._versions_on_disk(folder, key)]) + 1

    def _adopt_copy_on_disk(self, url: str, folder: str, key: str, sha: str, validators: dict[str, Any]) -> bool:
        """A URL the state does not know whose bytes are already saved (the state file was lost): record it."""
        for version, path in sorted(self._versions_on_disk(folder, key).items(), reverse=True):
            if hashlib.sha256(path.read_bytes()).hexdigest() == sha:
                source = f"{folder}/{path.name}"
                record = {"url": url, "sha256": sha, "path": source, "version": version, "site": self.site.name}
                self.state.urls[url] = {**record, "fetched_at": validators["checked_at"], **validators}
                self.state.by_sha[sha] = self.state.urls[url]
                self.result.unchanged += 1
                logger.info("%s: %s already saved as %s (not in the state file)", self.site.name, url, source)
                return True
        return False


def _gunzip(data: bytes, limit: int) -> bytes:
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, limit + 1)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise ValueError(f"not valid gzip ({exc})") from exc
    if len(out) > limit:
        raise ValueError(f"unpacks to more than {limit} bytes")
    return out


def fetch_sites(
    config_path: Path,
    raw_dir: Path,
    *,
    now: datetime | None = None,
    only: Sequence[str] | None = None,
) -> FetchSummary:
    """Fetch every configured site (or those named in `only`) into raw_dir; ConfigError if the file is bad.

    `now` is the run's clock (date windows, recheck ages, fetch times); the current UTC time by default.
    """
    config = load_config(Path(config_path))
    sites = config.sites
    if only:
        unknown = sorted(set(only) - {s.name for s in sites})
        if unknown:
            raise ConfigError(f"{config_path}: no site named {', '.join(unknown)}")
        sites = tuple(s for s in sites if s.name in only)
    run_now = datetime.now(UTC) if now is None else now.replace(tzinfo=now.tzinfo or UTC).astimezone(UTC)
    raw_dir = Path(raw_dir)
    try:
        raw_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{raw_dir}: cannot create the raw folder ({exc})") from exc
    summary = FetchSummary(started_at=run_now.isoformat())
    started = time.monotonic()
    with _lock(raw_dir):
        state = State(raw_dir)
        client = HttpClient(config.fetch)
        try:
            for site in sites:
                run = _SiteRun(
                    site, config.fetch, client, state, raw_dir, run_now + timedelta(seconds=time.monotonic() - started)
                )
                try:
                    result = run.run()
                except Exception as exc:  # one site's bug must not stop the others
                    logger.exception("%s: unexpected error", site.name)
                    run.fail(f"unexpected error: {type(exc).__name__}: {exc}")
                    result = run.result
                finally:
                    state.save()
                summary.sites.append(result)
                logger.info(
                    "%s: %d discovered, %d kept, %d new, %d new versions, %d known skipped, %d errors%s",
                    site.name,
                    result.discovered,
                    result.kept,
                    result.new_pages,
                    result.new_versions,
                    result.skipped_known,
                    len(result.errors),
                    " (FAILED)" if result.failed else "",
                )
        finally:
            client.close()
            state.save()
    summary.finished_at = (run_now + timedelta(seconds=time.monotonic() - started)).isoformat()
    logger.info(summary.line())
    return summary


# ------------------------------------------------------------------------------------------------ CLI


def build_parser(add_help: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.fetch",
        description="Download new reports from the sites in a sites.toml into the raw folder.",
        add_help=add_help,
    )
    parser.add_argument("--sites", type=Path, default=Path("sites.toml"), help="sites file (default: sites.toml)")
    parser.add_argument("--raw", type=Path, required=True, help="raw folder the pages are saved into")
    parser.add_argument("--only", action="append", metavar="NAME", help="fetch only this site (repeatable)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the run summary as JSON here")
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="default: INFO"
    )
    return parser


def run_args(args: argparse.Namespace) -> int:
    """Run from parsed arguments (for a CLI that embeds this parser); returns the exit code."""
    try:
        summary = fetch_sites(args.sites, args.raw, only=args.only)
    except (ConfigError, FetchLockedError) as exc:
        logger.error("%s", exc)
        return 2
    if args.json:
        _atomic_write(Path(args.json), _json_bytes(summary.to_dict()))
    return summary.exit_code


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=args.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logger.setLevel(args.log_level)
    return run_args(args)


if __name__ == "__main__":
    raise SystemExit(main())
