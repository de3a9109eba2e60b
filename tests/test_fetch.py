"""Fetch stage against a real HTTP server on 127.0.0.1 (ephemeral port, no other traffic).

The server serves invented pages (invented places, invented sentences) in UTF-8, GBK and Big5: list
pages, RSS and Atom feeds, a sitemap index with a gzipped child, redirects, a 404, a 500 that then
succeeds, a slow page, oversized pages, a robots.txt with a disallowed path, and a page that changes
between runs. It records every request so tests can assert what was (and was not) asked for.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from pipeline import fetch
from pipeline.config import PROJECT_ROOT
from pipeline.fetch import (
    Candidate,
    ConfigError,
    SiteConfig,
    canonical_url,
    extension_for,
    fetch_sites,
    keep_reason,
    load_config,
    main,
    sidecar_for,
    url_key,
)

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
UA = "xuncha-pipeline-test/1.0 (+mailto:tests@example.org)"
MAX_BYTES = 20_000


# ------------------------------------------------------------------------------------------- server


@dataclass
class Page:
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    length: bool = True  # send Content-Length (else the body ends when the connection closes)


Route = Page | Callable[[dict[str, str]], Page]


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that give up (timeouts, size limits) are expected here


class SiteServer:
    """Routes (path → Page or callable), the bytes each page served, and a log of requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.times: list[tuple[str, float]] = []
        self.lock = threading.Lock()
        handler = self._handler_class()
        self.httpd = QuietServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server.lock:
                    server.requests.append((self.path, headers))
                    server.times.append((self.path, time.monotonic()))
                    route = server.routes.get(self.path)
                page = route(headers) if callable(route) else route
                if page is None:
                    page = Page(b"not found", "text/plain", status=404)
                if page.delay:
                    time.sleep(page.delay)
                body = page.body
                extra = dict(page.headers)
                if extra.pop("X-Gzip", None) and "gzip" in headers.get("accept-encoding", ""):
                    body = gzip.compress(body)
                    extra["Content-Encoding"] = "gzip"
                try:
                    self.send_response(page.status)
                    if page.content_type:
                        self.send_header("Content-Type", page.content_type)
                    for key, value in extra.items():
                        self.send_header(key, value)
                    if page.length:
                        self.send_header("Content-Length", str(len(body)))
                    else:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (timeout, size limit)
                    self.close_connection = True

        return Handler

    def paths(self) -> list[str]:
        with self.lock:
            return [path for path, _ in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def html(title: str, body: str, charset: str | None = None) -> str:
    meta = f'<meta charset="{charset}">' if charset else ""
    return f"<!DOCTYPE html><html><head>{meta}<title>{title}</title></head><body>{body}</body></html>"


def article(title: str, text: str, charset: str | None = "utf-8") -> str:
    return html(title, f"<h1>{title}</h1><p>{text}</p>", charset)


def default_routes(base: str) -> dict[str, Route]:
    """The invented sites. Bytes are encoded here once; tests compare saved files with them."""
    routes: dict[str, Route] = {}
    robots = "User-agent: xuncha-pipeline\nDisallow: /private/\n\nUser-agent: *\nDisallow: /\n"
    routes["/robots.txt"] = Page(robots.encode(), "text/plain")

    # --- UTF-8 list page (charset in the HTTP header), relative and absolute links, edge cases
    links = [
        '<li><a href="a1.html">青崖市委第三轮巡察反馈会召开</a><span>2026-11-20</span></li>',
        f'<li><a href="{base}/utf8/a2.html">云溪县巡视整改进展情况通报</a> 2026年11月18日</li>',
        '<li><a href="/utf8/menu.html">机关食堂本周菜单</a><span>2026-11-19</span></li>',
        '<li><span>2019-03-02</span><a href="old.html">2019年巡察工作回顾</a></li>',
        '<li><a href="/private/secret.html">巡察内部材料</a></li>',
        '<li><a href="sneaky.html">巡察专题（转到内部栏目）</a></li>',
        '<li><a href="moved.html">巡察工作动态（已迁移）</a></li>',
        '<li><a href="missing.html">巡察通知（已删除）</a></li>',
        '<li><a href="flaky.html">巡察简报第5期</a></li>',
        '<li><a href="slow.html">巡察简报第6期</a></li>',
        '<li><a href="big.html">巡察附件汇编</a></li>',
        '<li><a href="big-stream.html">巡察附件汇编（续）</a></li>',
        '<li><a href="report.pdf">青崖市巡察工作报告全文</a></li>',
        '<li><a href="news/202611/t20261105_88.html">巡察整改公开</a></li>',
        '<li><a href="gz.html">巡察简报第7期</a></li>',
        '<li><a href="etag.html">巡察简报第8期</a></li>',
        '<li><a href="javascript:void(0)">巡察</a> <a href="mailto:box@example.org">巡察信箱</a>',
        ' <a href="#top">巡察</a></li>',
        '<li><a href="http://other.invalid/xuncha.html">外站巡察专栏</a> <a href="style.css">巡察样式</a></li>',
    ]
    routes["/utf8/list.html"] = Page(html("巡察工作", "<ul>" + "".join(links) + "</ul>").encode("utf-8"))
    routes["/utf8/a1.html"] = Page(
        article("青崖市委第三轮巡察反馈会召开", "青崖市委第三轮巡察共发现问题42个。").encode()
    )
    routes["/utf8/a2.html"] = Page(article("云溪县巡视整改进展情况通报", "截至目前已完成整改31项。").encode())
    routes["/utf8/a3.html"] = Page(article("巡察工作动态", "青崖市委巡察办本月召开推进会2次。").encode())
    routes["/utf8/moved.html"] = Page(b"", "text/html", status=302, headers={"Location": "a3.html"})
    routes["/utf8/sneaky.html"] = Page(b"", "text/html", status=301, headers={"Location": "/private/hidden.html"})
    routes["/utf8/news/202611/t20261105_88.html"] = Page(article("巡察整改公开", "整改公开内容。").encode())
    routes["/utf8/report.pdf"] = Page(b"%PDF-1.4\n% invented test bytes\n%%EOF\n", "application/pdf")
    routes["/utf8/big.html"] = Page(b"<html>" + b"x" * (MAX_BYTES + 5000) + b"</html>")
    routes["/utf8/big-stream.html"] = Page(b"<html>" + b"y" * (MAX_BYTES + 5000) + b"</html>", length=False)
    routes["/utf8/slow.html"] = Page(article("巡察简报第6期", "迟到的页面。").encode(), delay=1.5)
    routes["/utf8/gz.html"] = Page(article("巡察简报第7期", "压缩传输的页面。").encode(), headers={"X-Gzip": "1"})

    flaky_calls = {"n": 0}

    def flaky(_: dict[str, str]) -> Page:
        flaky_calls["n"] += 1
        if flaky_calls["n"] == 1:
            return Page(b"busy", "text/plain", status=500)
        return Page(article("巡察简报第5期", "第二次请求才成功。").encode())

    routes["/utf8/flaky.html"] = flaky

    etag_body = article("巡察简报第8期", "带实体标签的页面。").encode()

    def etag(headers: dict[str, str]) -> Page:
        if headers.get("if-none-match") == '"v1"':
            return Page(b"", "", status=304, headers={"ETag": '"v1"'})
        return Page(etag_body, headers={"ETag": '"v1"'})

    routes["/utf8/etag.html"] = etag

    # --- GBK: list page declaring its charset only in <meta>, and an RSS feed declared GBK
    gbk_links = (
        '<a href="b1.html">青崖市巡察办公布第二轮巡察进驻情况</a> 2026-11-10<br>'
        '<a href="../gbk/b2.html">云溪县巡察工作推进会召开</a> 2026-11-12<br>'
        '<a href="/gbk/index.html">巡察栏目首页</a><br>'
        '<a href="b3.html">青崖市文化节开幕</a> 2026-11-11<br>'
    )
    routes["/gbk/list.html"] = Page(html("巡察动态", gbk_links, "gbk").encode("gbk"), "text/html")
    routes["/gbk/b1.html"] = Page(
        article("巡察进驻", "青崖市第二轮巡察进驻8个单位。", "gbk").encode("gbk"), "text/html"
    )
    routes["/gbk/b2.html"] = Page(article("推进会", "云溪县巡察工作推进会召开。", "gbk").encode("gbk"), "text/html")
    routes["/gbk/index.html"] = Page(html("首页", "首页", "gbk").encode("gbk"), "text/html")
    rss = (
        '<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel><title>青崖巡察</title>'
        "<item><title>青崖市巡察整改情况公布</title><link>/gbk/f1.html</link>"
        "<pubDate>Mon, 16 Nov 2026 09:00:00 +0800</pubDate></item>"
        f"<item><title>青崖市2018年巡察回顾</title><link>{base}/gbk/f2.html</link>"
        "<pubDate>Tue, 06 Mar 2018 09:00:00 +0800</pubDate></item>"
        "</channel></rss>"
    )
    routes["/gbk/feed.xml"] = Page(rss.encode("gbk"), "application/rss+xml")
    routes["/gbk/f1.html"] = Page(
        article("整改情况", "已整改问题27个。", "gbk").encode("gbk"), "text/html; charset=gbk"
    )

    # --- Big5: list page with no declared charset (detected), Atom feed declared Big5
    big5_list = html(
        "雲溪縣巡察工作動態",
        '<ul><li><a href="c1.html">雲溪縣委第二輪巡視整改進展情況</a>（2026年11月12日）</li>'
        '<li><a href="c2.html">縣委巡察辦召開工作推進會議</a>（2026年11月03日）</li>'
        '<li><a href="c3.html">雲溪縣舉辦秋季運動會</a>（2026年11月05日）</li></ul>'
        "<p>本欄目發布雲溪縣巡察工作的最新消息，歡迎社會各界監督。</p>",
    )
    routes["/big5/list.html"] = Page(big5_list.encode("big5"), "text/html")
    routes["/big5/c1.html"] = Page(article("巡視整改", "雲溪縣已完成整改事項19項。", None).encode("big5"), "text/html")
    routes["/big5/c2.html"] = Page(article("推進會議", "縣委巡察辦召開推進會議。", None).encode("big5"), "text/html")
    routes["/big5/feed.atom"] = Page(big5_atom(base, "2026-11-20T08:00:00Z").encode("big5"), "application/atom+xml")
    routes["/big5/e1.html"] = Page(article("巡視反饋", "巡視組反饋問題12個。", None).encode("big5"), "text/html")

    # --- sitemap index → a plain and a gzipped urlset
    routes["/sitemap_index.xml"] = Page(
        (
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/sitemaps/news.xml</loc></sitemap>"
            f"<sitemap><loc>{base}/sitemaps/more.xml.gz</loc></sitemap>"
            "</sitemapindex>"
        ).encode(),
        "application/xml",
    )
    routes["/sitemaps/news.xml"] = Page(
        urlset(base, [("/xuncha/101.html", "2026-11-15"), ("/xuncha/102.html", "2026-12-20"), ("/about.html", "")]),
        "application/xml",
    )
    routes["/sitemaps/more.xml.gz"] = Page(
        gzip.compress(urlset(base, [("/xuncha/103.html", "2026-11-02T10:00:00+08:00")])), "application/gzip"
    )
    for n in (101, 102, 103):
        routes[f"/xuncha/{n}.html"] = Page(article(f"巡察通报{n}", f"第{n}号通报。").encode())
    routes["/about.html"] = Page(article("关于我们", "关于。").encode())

    # --- a malformed feed
    routes["/broken/feed.xml"] = Page(b"<?xml version='1.0'?><rss><channel><item><title>x</item></rss>", "text/xml")
    return routes


def big5_atom(base: str, updated: str) -> str:
    return (
        '<?xml version="1.0" encoding="Big5"?><feed xmlns="http://www.w3.org/2005/Atom"><title>雲溪巡視</title>'
        f'<link rel="self" href="{base}/big5/feed.atom"/>'
        f'<entry><title>巡視組向雲溪縣反饋巡視情況</title><link rel="alternate" href="{base}/big5/e1.html"/>'
        f"<published>2026-11-20T08:00:00Z</published><updated>{updated}</updated></entry>"
        '<entry><title>巡視工作舊聞</title><link href="e2.html"/><updated>2026-08-01T00:00:00Z</updated></entry>'
        "</feed>"
    )


def urlset(base: str, entries: list[tuple[str, str]]) -> bytes:
    items = "".join(
        f"<url><loc>{base}{path}</loc>{f'<lastmod>{mod}</lastmod>' if mod else ''}</url>" for path, mod in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{items}</urlset>"
    ).encode()


def served_bytes(server: SiteServer, path: str) -> bytes:
    route = server.routes[path]
    page = route({}) if callable(route) else route
    return page.body


@pytest.fixture(scope="module")
def site_server() -> Iterator[SiteServer]:
    server = SiteServer()
    yield server
    server.close()


@pytest.fixture
def server(site_server: SiteServer) -> SiteServer:
    """The module's server with fresh routes and an empty request log."""
    site_server.routes = default_routes(site_server.base)
    with site_server.lock:
        site_server.requests.clear()
        site_server.times.clear()
    return site_server


# ------------------------------------------------------------------------------------------- config


FETCH_TABLE = """
[fetch]
user_agent = "{ua}"
delay_seconds = 0
timeout_seconds = 0.5
retries = 1
backoff_seconds = 0.01
max_page_bytes = {max_bytes}
max_redirects = 3
max_pages_per_site = 50
{extra}
"""

SITES = {
    "utf8": """
[[site]]
name = "qingya-utf8"
list_pages = ["{base}/utf8/list.html"]
keywords = ["巡察", "巡视"]
since = 2026-01-01
""",
    "gbk": """
[[site]]
name = "qingya-gbk"
list_pages = ["{base}/gbk/list.html"]
feeds = ["{base}/gbk/feed.xml"]
keywords = ["巡察"]
url_patterns = ['/gbk/[bf]\\d+\\.html$']
since = "2026-01-01"
""",
    "big5": """
[[site]]
name = "yunxi-big5"
list_pages = ["{base}/big5/list.html"]
feeds = ["{base}/big5/feed.atom"]
keywords = ["巡视", "巡察"]
max_age_days = 60
""",
    "sitemap": """
[[site]]
name = "sitemap-site"
sitemaps = ["{base}/sitemap_index.xml"]
url_patterns = ['/xuncha/\\d+\\.html$']
until = 2026-11-30
""",
    "broken": """
[[site]]
name = "broken-feed"
feeds = ["{base}/broken/feed.xml"]
""",
    "down": """
[[site]]
name = "down"
list_pages = ["http://127.0.0.1:{closed_port}/list.html"]
""",
}


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_config(path: Path, base: str, sites: list[str], extra: str = "") -> Path:
    text = FETCH_TABLE.format(ua=UA, max_bytes=MAX_BYTES, extra=extra)
    port = closed_port()
    text += "".join(SITES[s].format(base=base, closed_port=port) for s in sites)
    path.write_text(text, encoding="utf-8")
    return path


def site_result(summary: fetch.FetchSummary, name: str) -> fetch.SiteResult:
    return next(s for s in summary.sites if s.name == name)


def saved_by_url(raw: Path, summary: fetch.FetchSummary) -> dict[str, dict[str, Any]]:
    out = {}
    for source in summary.saved:
        meta = sidecar_for(raw, source)
        assert meta is not None, source
        out[meta["url"]] = meta
    return out


@dataclass
class Run:
    summary: fetch.FetchSummary
    raw: Path
    requests: list[tuple[str, dict[str, str]]]
    server: SiteServer
    seconds: float


@pytest.fixture(scope="module")
def first_run(site_server: SiteServer, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run over the four good sites, shared by the tests that only read its results."""
    server = site_server
    server.routes = default_routes(server.base)
    with server.lock:
        server.requests.clear()
        server.times.clear()
    folder = tmp_path_factory.mktemp("first_run")
    config = write_config(folder / "sites.toml", server.base, ["utf8", "gbk", "big5", "sitemap"])
    raw = folder / "raw"
    started = time.monotonic()
    summary = fetch_sites(config, raw, now=T0)
    return Run(summary, raw, list(server.requests), server, time.monotonic() - started)


# -------------------------------------------------------------------------------------------- tests


def test_fetch_first_run_keeps_and_saves_exactly_the_filtered_pages(first_run: Run) -> None:
    base = first_run.server.base
    saved = saved_by_url(first_run.raw, first_run.summary)
    expected = {
        "/utf8/a1.html",
        "/utf8/a2.html",
        "/utf8/moved.html",
        "/utf8/flaky.html",
        "/utf8/report.pdf",
        "/utf8/news/202611/t20261105_88.html",
        "/utf8/gz.html",
        "/utf8/etag.html",
        "/gbk/b1.html",
        "/gbk/b2.html",
        "/gbk/f1.html",
        "/big5/c1.html",
        "/big5/c2.html",
        "/big5/e1.html",
        "/xuncha/101.html",
        "/xuncha/103.html",
    }
    assert set(saved) == {base + p for p in expected}
    utf8 = site_result(first_run.summary, "qingya-utf8")
    assert utf8.new_pages == 8 and utf8.new_versions == 0 and not utf8.failed
    assert utf8.blocked == 2  # /private/secret.html, and sneaky.html's redirect into /private/
    assert first_run.summary.exit_code == 0
    assert first_run.seconds < 10


def test_fetch_saves_the_served_bytes_unchanged_with_extension(first_run: Run) -> None:
    base = first_run.server.base
    for url, meta in saved_by_url(first_run.raw, first_run.summary).items():
        final_path = meta["final_url"].removeprefix(base)
        data = (first_run.raw / meta["source"]).read_bytes()
        assert data == served_bytes(first_run.server, final_path), url  # gz.html: the decoded body
        assert meta["sha256"] == hashlib.sha256(data).hexdigest()
        assert meta["source"] == f"127.0.0.1/{url_key(url)}{'.pdf' if url.endswith('.pdf') else '.html'}"


def test_fetch_sidecars_record_url_status_headers_and_charset(first_run: Run) -> None:
    base = first_run.server.base
    saved = saved_by_url(first_run.raw, first_run.summary)
    moved = saved[base + "/utf8/moved.html"]
    assert moved["final_url"] == base + "/utf8/a3.html"
    assert moved["status"] == 200 and moved["version"] == 1
    assert datetime.fromisoformat(moved["fetched_at"]).tzinfo is not None
    assert moved["headers"]["Content-Type"] == "text/html; charset=utf-8"
    assert moved["declared_charset"] == "utf-8"
    assert moved["title"] == "巡察工作动态（已迁移）"
    gbk = saved[base + "/gbk/b1.html"]
    assert gbk["declared_charset"] == "gbk"  # from <meta>, the header has none
    assert gbk["title"] == "青崖市巡察办公布第二轮巡察进驻情况"  # decoded from the GBK list page
    assert gbk["published"] == "2026-11-10"
    big5 = saved[base + "/big5/c1.html"]
    assert big5["declared_charset"] is None  # nothing declared: ingest detects it
    assert big5["discovered_charset"] == "big5hkscs"  # a hint: the charset of the list page linking it
    assert big5["title"] == "雲溪縣委第二輪巡視整改進展情況"  # the undeclared Big5 list page was detected
    assert saved[base + "/big5/e1.html"]["title"] == "巡視組向雲溪縣反饋巡視情況"  # Atom feed declared Big5
    assert saved[base + "/gbk/f1.html"]["title"] == "青崖市巡察整改情况公布"  # RSS feed declared GBK
    assert saved[base + "/utf8/report.pdf"]["content_type"] == "application/pdf"
    assert sidecar_for(first_run.raw, "127.0.0.1/unknown.html") is None
    assert sidecar_for(first_run.raw, "../../etc/passwd") is None


def test_fetch_robots_disallowed_paths_are_never_requested(first_run: Run) -> None:
    paths = [p for p, _ in first_run.requests]
    assert "/robots.txt" in paths
    assert not [p for p in paths if p.startswith("/private/")]
    assert all(headers.get("user-agent") == UA for _, headers in first_run.requests)


def test_fetch_keyword_url_and_date_filters_skip_before_requesting(first_run: Run) -> None:
    paths = set(p for p, _ in first_run.requests)
    never = {
        "/utf8/menu.html",  # no keyword
        "/utf8/old.html",  # dated 2019, before since
        "/utf8/style.css",  # not a document
        "/gbk/index.html",  # keyword but no URL pattern
        "/gbk/b3.html",  # no keyword
        "/gbk/f2.html",  # feed item from 2018
        "/big5/c3.html",  # no keyword
        "/big5/e2.html",  # older than max_age_days
        "/xuncha/102.html",  # lastmod after until
        "/about.html",  # no URL pattern
    }
    assert not never & paths
    gbk = site_result(first_run.summary, "qingya-gbk")
    assert (gbk.discovered, gbk.kept) == (6, 3)
    sitemap = site_result(first_run.summary, "sitemap-site")
    assert (sitemap.discovered, sitemap.kept, sitemap.new_pages) == (4, 2, 2)


def test_fetch_keep_reason_unit() -> None:
    site = SiteConfig(name="s", list_pages=("http://h/",), keywords=("巡视",), url_patterns=(r"/x/",))
    window = (date(2026, 1, 1), date(2026, 6, 30))
    ok = Candidate("http://h/x/1.html", title="县委巡視整改", published=date(2026, 3, 1))
    assert keep_reason(ok, site, window) is None  # traditional title matches a simplified keyword
    assert keep_reason(Candidate("http://h/x/%E5%B7%A1%E8%A7%86.html"), site, window) is None  # keyword in URL
    assert keep_reason(Candidate("http://h/y/1.html", title="巡视"), site, window) == "no URL pattern"
    assert keep_reason(Candidate("http://h/x/1.html", title="菜单"), site, window) == "no keyword"
    late = Candidate("http://h/x/1.html", title="巡视", published=date(2026, 7, 1))
    assert keep_reason(late, site, window) is not None
    strict = SiteConfig(name="s", list_pages=("http://h/",), keep_undated=False)
    assert keep_reason(Candidate("http://h/x/1.html"), strict, window) == "undated"
    assert fetch.date_in_url("http://h/202611/t20261105_88.html") == date(2026, 11, 5)
    assert fetch.date_in_text("发布时间：2026年3月9日") == date(2026, 3, 9)


def test_fetch_redirect_followed_and_too_many_redirects_reported(server: SiteServer, tmp_path: Path) -> None:
    server.routes["/loop/a.html"] = Page(b"", status=302, headers={"Location": "/loop/b.html"})
    server.routes["/loop/b.html"] = Page(b"", status=302, headers={"Location": "/loop/a.html"})
    server.routes["/loop/list.html"] = Page(html("x", '<a href="a.html">巡察</a>').encode())
    config = write_config(tmp_path / "sites.toml", server.base, [])
    config.write_text(
        config.read_text() + f'[[site]]\nname = "loop"\nlist_pages = ["{server.base}/loop/list.html"]\n',
        encoding="utf-8",
    )
    summary = fetch_sites(config, tmp_path / "raw", now=T0)
    loop = site_result(summary, "loop")
    assert loop.new_pages == 0 and not loop.failed
    assert any("more than 3 redirects" in e for e in loop.errors)
    assert server.paths().count("/loop/a.html") == 2  # a → b → a → b → (limit)


def test_fetch_retries_500_then_succeeds_and_never_retries_404(first_run: Run) -> None:
    paths = [p for p, _ in first_run.requests]
    assert paths.count("/utf8/flaky.html") == 2
    assert paths.count("/utf8/missing.html") == 1
    errors = site_result(first_run.summary, "qingya-utf8").errors
    assert any("missing.html: HTTP 404" in e for e in errors)
    assert not any("flaky" in e for e in errors)


def test_fetch_slow_page_times_out_and_is_not_saved(first_run: Run) -> None:
    errors = site_result(first_run.summary, "qingya-utf8").errors
    assert any("slow.html: timed out (0.5 s) after 2 attempts" in e for e in errors)
    assert [p for p, _ in first_run.requests].count("/utf8/slow.html") == 2


def test_fetch_oversized_pages_are_abandoned(first_run: Run) -> None:
    errors = site_result(first_run.summary, "qingya-utf8").errors
    assert any("big.html: larger than 20000 bytes (Content-Length" in e for e in errors)
    assert any("big-stream.html: larger than 20000 bytes (stopped reading)" in e for e in errors)
    assert not [f for f in first_run.raw.rglob("*") if f.is_file() and f.stat().st_size > MAX_BYTES]


def test_fetch_state_file_and_no_temporary_files(first_run: Run) -> None:
    state = json.loads((first_run.raw / ".fetch" / "state.json").read_text(encoding="utf-8"))
    base = first_run.server.base
    entry = state["urls"][base + "/utf8/etag.html"]
    assert entry["etag"] == '"v1"' and entry["version"] == 1
    assert len(entry["sha256"]) == 64
    assert not [f for f in first_run.raw.rglob("*.tmp")]
    assert all(f.suffix in (".html", ".pdf") for f in (first_run.raw / "127.0.0.1").iterdir())


def test_fetch_second_run_fetches_nothing_new(first_run: Run, server: SiteServer, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(first_run.raw, raw)
    server.routes["/utf8/slow.html"] = Page(b"gone", "text/plain", status=404)  # keep this test fast
    second = fetch_sites(first_run.raw.parent / "sites.toml", raw, now=T0 + timedelta(hours=1))
    totals = second.totals
    assert totals["new_pages"] == 0 and totals["new_versions"] == 0 and second.saved == []
    assert totals["skipped_known"] == len(first_run.summary.saved)
    article_paths = {p for p in server.paths() if p.startswith(("/utf8/a", "/gbk/b", "/xuncha/", "/big5/c"))}
    assert article_paths == set()  # known pages are not even requested


def test_fetch_changed_page_is_saved_as_a_new_version(server: SiteServer, tmp_path: Path) -> None:
    server.routes["/utf8/slow.html"] = Page(b"gone", "text/plain", status=404)  # keep this test fast
    config = write_config(tmp_path / "sites.toml", server.base, ["utf8"], extra="recheck_days = 7")
    raw = tmp_path / "raw"
    first = fetch_sites(config, raw, now=T0)
    url = server.base + "/utf8/a2.html"
    old = saved_by_url(raw, first)[url]
    changed = article("云溪县巡视整改进展情况通报", "截至目前已完成整改35项（更正）。").encode()
    server.routes["/utf8/a2.html"] = Page(changed)
    with server.lock:
        server.requests.clear()
        server.times.clear()

    soon = fetch_sites(config, raw, now=T0 + timedelta(days=1))  # not due for a re-check yet
    assert soon.totals["new_versions"] == 0 and "/utf8/a2.html" not in server.paths()

    later = fetch_sites(config, raw, now=T0 + timedelta(days=8))
    result = site_result(later, "qingya-utf8")
    assert result.new_versions == 1 and result.new_pages == 0
    assert result.unchanged == 7  # the other known pages, re-checked, same bytes (etag.html: a 304)
    meta = saved_by_url(raw, later)[url]
    assert meta["version"] == 2 and meta["previous"] == old["source"]
    assert meta["source"] == old["source"].replace(".html", ".v2.html")
    assert (raw / meta["source"]).read_bytes() == changed
    assert (raw / old["source"]).read_bytes() != changed  # the first version is kept
    etag_requests = [h for p, h in server.requests if p == "/utf8/etag.html"]
    assert etag_requests[-1].get("if-none-match") == '"v1"'


def test_fetch_feed_update_triggers_a_recheck(server: SiteServer, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sites.toml", server.base, ["big5"])
    raw = tmp_path / "raw"
    fetch_sites(config, raw, now=T0)
    server.routes["/big5/feed.atom"] = Page(
        big5_atom(server.base, "2026-12-01T20:00:00Z").encode("big5"), "application/atom+xml"
    )
    new_body = article("巡視反饋", "巡視組反饋問題13個（更新）。", None).encode("big5")
    server.routes["/big5/e1.html"] = Page(new_body, "text/html")
    second = fetch_sites(config, raw, now=T0 + timedelta(days=1))
    result = site_result(second, "yunxi-big5")
    assert result.new_versions == 1 and result.skipped_known == 2  # c1, c2: list page gives no update date
    assert (raw / result.saved[0]).read_bytes() == new_body


def test_fetch_duplicate_bytes_at_another_url_are_not_saved_twice(server: SiteServer, tmp_path: Path) -> None:
    body = served_bytes(server, "/utf8/a3.html")
    server.routes["/dup/list.html"] = Page(
        html("x", '<a href="/utf8/a3.html">巡察</a><a href="copy.html">巡察</a>').encode()
    )
    server.routes["/dup/copy.html"] = Page(body)
    config = write_config(tmp_path / "sites.toml", server.base, [])
    config.write_text(
        config.read_text() + f'[[site]]\nname = "dup"\nlist_pages = ["{server.base}/dup/list.html"]\n',
        encoding="utf-8",
    )
    summary = fetch_sites(config, tmp_path / "raw", now=T0)
    result = site_result(summary, "dup")
    assert (result.new_pages, result.duplicates) == (1, 1)


def test_fetch_failing_sites_do_not_stop_the_others(server: SiteServer, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sites.toml", server.base, ["down", "broken", "sitemap"])
    summary = fetch_sites(config, tmp_path / "raw", now=T0)
    assert summary.failed_sites == ["down", "broken-feed"]
    down = site_result(summary, "down")
    assert any("list.html: robots.txt unreachable (cannot connect after 2 attempts)" in e for e in down.errors)
    assert any("not well-formed XML" in e for e in site_result(summary, "broken-feed").errors)
    assert site_result(summary, "sitemap-site").new_pages == 2
    assert summary.exit_code == 1
    assert "2 failed" in summary.line()


def test_fetch_main_exit_codes(server: SiteServer, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    good = write_config(tmp_path / "good.toml", server.base, ["sitemap"])
    assert main(["--sites", str(good), "--raw", str(tmp_path / "raw"), "--json", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["totals"]["new_pages"] == 2
    bad_site = write_config(tmp_path / "bad.toml", server.base, ["sitemap", "broken"])
    assert main(["--sites", str(bad_site), "--raw", str(tmp_path / "raw")]) == 1
    assert main(["--sites", str(tmp_path / "missing.toml"), "--raw", str(tmp_path / "raw")]) == 2
    typo = tmp_path / "typo.toml"
    typo.write_text(good.read_text(encoding="utf-8").replace("url_patterns", "url_pattern"), encoding="utf-8")
    assert main(["--sites", str(typo), "--raw", str(tmp_path / "raw")]) == 2
    assert "unknown option(s) url_pattern" in caplog.text
    assert main(["--sites", str(good), "--raw", str(tmp_path / "raw"), "--only", "nope"]) == 2
    with fetch._lock(tmp_path / "raw"):
        assert main(["--sites", str(good), "--raw", str(tmp_path / "raw")]) == 2


def test_fetch_config_errors_are_named(tmp_path: Path) -> None:
    def bad(text: str, message: str, tmp: Path) -> None:
        path = tmp / "s.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=message):
            load_config(path)

    tmp = tmp_path
    bad('[[site]]\nname = "a"\n', "give at least one of", tmp)
    bad('[[site]]\nname = "a"\nfeeds = ["ftp://x/y"]\n', "must be http", tmp)
    bad('[[site]]\nname = "a"\nfeeds = ["http://x/y"]\nurl_patterns = ["("]\n', "not a valid regex", tmp)
    bad('[[site]]\nname = "a"\nfeeds = ["http://x/"]\nsince = 2026-02-01\nuntil = 2026-01-01\n', "after", tmp)
    bad('[fetch]\nretries = 1.5\n[[site]]\nname = "a"\nfeeds = ["http://x/"]\n', "integer", tmp)
    bad('[fetch]\ntimeout_seconds = 0\n[[site]]\nname = "a"\nfeeds = ["http://x/"]\n', "positive", tmp)
    bad('[[site]]\nname = "a"\nfeeds = ["http://x/"]\n[[site]]\nname = "a"\nfeeds = ["http://y/"]\n', "dup", tmp)
    bad("[fetch\n", "not valid TOML", tmp)
    bad("[fetch]\n", "no \\[\\[site\\]\\]", tmp)


def test_fetch_example_sites_file_documents_every_option() -> None:
    example = PROJECT_ROOT / "sites.example.toml"
    config = load_config(example)
    assert len(config.sites) >= 2
    text = example.read_text(encoding="utf-8")
    options = [f.name for f in fields(fetch.FetchOptions)] + [f.name for f in fields(SiteConfig)]
    for option in options:
        assert f"\n{option} =" in text or f"\n# {option} =" in text, option


def test_fetch_helpers_unit() -> None:
    assert canonical_url("HTTP://Example.ORG:80/a/b.html#top") == "http://example.org/a/b.html"
    assert canonical_url("https://example.org") == "https://example.org/"
    assert canonical_url("http://h/巡察 1.html?q=巡") == "http://h/%E5%B7%A1%E5%AF%9F%201.html?q=%E5%B7%A1"
    assert canonical_url("http://h/%E5%B7%A1.html") == "http://h/%E5%B7%A1.html"
    assert extension_for(b"%PDF-1.7", "application/octet-stream", "http://h/x") == ".pdf"
    assert extension_for(b"<html></html>", "text/html; charset=gbk", "http://h/x.pdf") == ".html"
    assert extension_for(b"PK\x03\x04", "application/octet-stream", "http://h/a.docx") == ".docx"
    assert extension_for(b"\x89PNG", "image/png", "http://h/a.png") is None
    assert extension_for(b"plain words", "text/plain", "http://h/a") == ".txt"
    assert fetch.parse_datetime("Mon, 16 Nov 2026 09:00:00 +0800") == datetime(2026, 11, 16, 1, tzinfo=UTC)
    assert fetch.parse_datetime("2026-11") == datetime(2026, 11, 1, tzinfo=UTC)


def test_fetch_python_m_runs_the_stage(server: SiteServer, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sites.toml", server.base, ["sitemap"])
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.fetch", "--sites", str(config), "--raw", str(tmp_path / "raw")],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "fetch: 1 site(s), 0 failed" in done.stderr
    assert len(list((tmp_path / "raw" / "127.0.0.1").iterdir())) == 2


def test_fetch_per_host_delay_spaces_requests(server: SiteServer, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sites.toml", server.base, ["sitemap"])
    config.write_text(config.read_text().replace("delay_seconds = 0", "delay_seconds = 0.15"), encoding="utf-8")
    summary = fetch_sites(config, tmp_path / "raw", now=T0)
    assert summary.totals["new_pages"] == 2
    times = [t for _, t in server.times]
    assert len(times) == 6  # robots.txt, index, two sitemaps, two pages
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.14


def test_fetch_robots_crawl_delay_is_honoured(server: SiteServer) -> None:
    robots = "User-agent: xuncha-pipeline\nCrawl-delay: 3\nDisallow: /private/\n"
    server.routes["/robots.txt"] = Page(robots.encode(), "text/plain")
    options = fetch.FetchOptions(user_agent=UA, delay_seconds=1, timeout_seconds=0.5)
    client = fetch.HttpClient(options)
    assert client.robots_verdict(server.base + "/xuncha/101.html") == (True, None)
    assert client.robots_verdict(server.base + "/private/x.html") == (False, None)
    assert client._host_delay[f"127.0.0.1:{server.port}"] == 3.0
    client.close()


def test_fetch_lost_state_file_does_not_duplicate_saved_pages(server: SiteServer, tmp_path: Path) -> None:
    config = write_config(tmp_path / "sites.toml", server.base, ["sitemap"])
    raw = tmp_path / "raw"
    fetch_sites(config, raw, now=T0)
    files = sorted(p.name for p in (raw / "127.0.0.1").iterdir())
    (raw / ".fetch" / "state.json").unlink()
    again = fetch_sites(config, raw, now=T0 + timedelta(days=1))
    assert again.saved == [] and again.totals["unchanged"] == 2
    assert sorted(p.name for p in (raw / "127.0.0.1").iterdir()) == files
    server.routes["/xuncha/101.html"] = Page(article("巡察通报101", "第101号通报（修订）。").encode())
    (raw / ".fetch" / "state.json").unlink()
    third = fetch_sites(config, raw, now=T0 + timedelta(days=2))
    assert third.totals["new_versions"] == 1 and third.saved[0].endswith(".v2.html")
