"""The weekly refresh: per-document work decided by content hash and stage version, one snapshot
switched in whole, a lock, exit codes, and bad input reported while the batch is published."""

from __future__ import annotations

import http.server
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from filelock import FileLock

from pipeline.cli import main
from pipeline.config import PROJECT_ROOT
from pipeline.ingest import doc_id_for
from pipeline.store import Layout, current_snapshot, read_runs

from .conftest import SAMPLE_RAW

SMALL = ("01_qingya_city_review.txt", "02_yuanxi_county_review.txt", "09_lanshan_rectification_bulletin.txt")
TABLES = ("documents", "passages", "indicators", "tokens", "mentions", "ingest_errors")


def small_corpus(folder: Path, names: tuple[str, ...] = SMALL) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(SAMPLE_RAW / name, folder / name)
    return folder


def refresh(inp: Path, out: Path, *extra: str) -> int:
    return main(["refresh", "--input", str(inp), "--output", str(out), "--workers", "1", *extra])


def published(out: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(out / f"{name}.parquet")


def changes(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "changes.csv", encoding="utf-8-sig")


def assert_snapshot_consistent(out: Path) -> None:
    """Every table of the current snapshot comes from the same run and agrees with the others."""
    snapshot = current_snapshot(Layout(out))
    assert snapshot is not None
    state = json.loads((snapshot / "state.json").read_text(encoding="utf-8"))
    docs = pd.read_parquet(snapshot / "documents.parquet")
    readable = {d for d, r in state["documents"].items()}
    assert set(docs.doc_id) <= readable
    for name in ("passages", "indicators", "tokens", "mentions"):
        assert set(pd.read_parquet(snapshot / f"{name}.parquet").doc_id) <= set(docs.doc_id), name
    con = duckdb.connect(str(snapshot / "xuncha.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM documents").fetchone() == (len(docs),)
    finally:
        con.close()


def test_refresh_twice_does_nothing_the_second_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    inp, out = small_corpus(tmp_path / "in"), tmp_path / "out"
    assert refresh(inp, out) == 0
    first = current_snapshot(Layout(out))
    stored = {p: p.stat().st_mtime_ns for p in (out / "interim").rglob("*.arrow")}
    assert refresh(inp, out) == 0
    assert "nothing to publish" in capsys.readouterr().out
    assert current_snapshot(Layout(out)) == first
    assert {p: p.stat().st_mtime_ns for p in (out / "interim").rglob("*.arrow")} == stored
    runs = read_runs(Layout(out))
    assert runs.published.tolist() == [True, False]


def test_refresh_add_change_remove_rename_and_duplicate(tmp_path: Path) -> None:
    inp, out = small_corpus(tmp_path / "in"), tmp_path / "out"
    assert refresh(inp, out) == 0
    ids = dict(zip(published(out, "documents").source, published(out, "documents").doc_id, strict=True))

    # Added, with an old timestamp (cp -p, rsync -a): content decides, never file times.
    added = inp / "10_meijiang_province_round_release.txt"
    shutil.copy2(SAMPLE_RAW / added.name, added)
    os.utime(added, (1e9, 1e9))
    assert refresh(inp, out) == 0
    assert changes(out).query("kind == 'document'").change.tolist() == ["added"]
    assert added.name in set(published(out, "documents").source)

    # Changed: a new figure appended; the old version's rows go, its figures are compared.
    changed = inp / SMALL[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n全年共发现问题77个。\n", encoding="utf-8")
    assert refresh(inp, out) == 0
    report = changes(out)
    assert report.query("kind == 'document'").change.tolist() == ["changed"]
    assert report.query("kind == 'figure'").change.tolist() == ["new"]
    assert ids[SMALL[1]] not in set(published(out, "indicators").doc_id)

    # Removed: retracted from every table.
    (inp / SMALL[2]).unlink()
    assert refresh(inp, out) == 0
    assert changes(out).query("kind == 'document'").change.tolist() == ["retracted"]
    for name in ("documents", "passages", "indicators", "tokens", "mentions"):
        assert ids[SMALL[2]] not in set(published(out, name).doc_id), name

    # Renamed (into a folder whose name has a space): same document, same figures, new source everywhere.
    before = published(out, "indicators").query("doc_id == @ids[@SMALL[0]]")
    (inp / "sub dir").mkdir()
    (inp / SMALL[0]).rename(inp / "sub dir" / "renamed one.txt")
    assert refresh(inp, out) == 0
    report = changes(out)
    assert report.query("kind == 'document'").change.tolist() == ["renamed"]
    assert report.query("kind == 'figure'").empty
    after = published(out, "indicators").query("doc_id == @ids[@SMALL[0]]")
    assert set(after.source) == {"sub dir/renamed one.txt"}
    assert after.drop(columns="source").equals(before.drop(columns="source"))

    # Byte-identical copy: one document with two sources, never a grain violation.
    shutil.copy(added, inp / "copy_of_release.txt")
    assert refresh(inp, out) == 0
    docs = published(out, "documents").set_index("source")
    assert list(docs.loc[added.name, "sources"]) == [added.name, "copy_of_release.txt"]
    assert len(docs) == 3
    assert_snapshot_consistent(out)

    # The snapshot built run by run equals one built in a single run over the same folder.
    fresh = tmp_path / "fresh"
    assert refresh(inp, fresh) == 0
    for name in TABLES:
        pd.testing.assert_frame_equal(published(out, name), published(fresh, name), check_dtype=False, obj=name)
    # The database, updated run by run in place of rebuilt, holds the same rows.
    for name in ("documents", "passages", "indicators", "tokens", "mentions", "figures", "reports"):
        pd.testing.assert_frame_equal(database_rows(out, name), database_rows(fresh, name), obj=f"xuncha.duckdb {name}")


def database_rows(out: Path, name: str) -> pd.DataFrame:
    """A table of xuncha.duckdb as text, in a fixed row order (the database keeps none)."""
    con = duckdb.connect(str(out / "xuncha.duckdb"), read_only=True)
    try:
        table = con.execute(f'SELECT * FROM "{name}"').df().astype(str)
    finally:
        con.close()
    return table.sort_values(list(table.columns)).reset_index(drop=True)


@pytest.mark.parametrize("table", ["passages", "tokens", "mentions"])
def test_refresh_rewrites_only_the_part_holding_an_added_report(tmp_path: Path, table: str) -> None:
    """passages, tokens and mentions are folders of parts by the first hex digit of doc_id: an added
    report's part is written anew, every other part is the previous snapshot's file (a hard link),
    the folder reads back as the table a single run builds, and the CSV (the unchanged parts' rows
    copied from the previous CSV) is byte for byte the single run's."""
    names = sorted(p.name for p in SAMPLE_RAW.iterdir())
    inp, out = small_corpus(tmp_path / "in", tuple(names[:-1])), tmp_path / "out"
    assert refresh(inp, out) == 0
    before = {p.name: p.stat().st_ino for p in (out / f"{table}.parquet").iterdir()}
    shutil.copy(SAMPLE_RAW / names[-1], inp / names[-1])
    assert refresh(inp, out) == 0
    added = doc_id_for((SAMPLE_RAW / names[-1]).read_bytes())
    after = {p.name: p.stat().st_ino for p in (out / f"{table}.parquet").iterdir()}
    rewritten = {name for name, ino in after.items() if before.get(name) != ino}
    assert rewritten == {f"part-{added[0]}.parquet"}
    assert len(after) > 1
    fresh = tmp_path / "fresh"
    assert refresh(inp, fresh) == 0
    pd.testing.assert_frame_equal(published(out, table), published(fresh, table))
    assert published(out, table).doc_id.is_monotonic_increasing
    if table != "tokens":  # tokens have no CSV
        assert (out / "csv" / f"{table}.csv").read_bytes() == (fresh / "csv" / f"{table}.csv").read_bytes()


def test_refresh_stage_commands_give_the_tables_of_one_refresh(tmp_path: Path) -> None:
    inp = small_corpus(tmp_path / "in", SMALL[:2])
    staged, whole = tmp_path / "staged", tmp_path / "whole"
    assert main(["ingest", "--input", str(inp), "--output", str(staged)]) == 0
    for stage in ("normalize", "segment", "extract", "classify", "publish"):
        assert main([stage, "--output", str(staged)]) == 0, stage  # the input is the folder's last
    assert refresh(inp, whole) == 0
    for name in TABLES:
        pd.testing.assert_frame_equal(published(staged, name), published(whole, name), obj=name)


def test_refresh_published_files_are_readable_by_everyone(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert refresh(small_corpus(tmp_path / "in", SMALL[:1]), out) == 0
    snapshot = current_snapshot(Layout(out))
    assert snapshot is not None
    for path in snapshot.rglob("*"):
        assert path.stat().st_mode & 0o777 == (0o755 if path.is_dir() else 0o644), path


def test_refresh_waits_for_the_lock_then_exits_with_its_own_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inp, out = small_corpus(tmp_path / "in", SMALL[:1]), tmp_path / "out"
    out.mkdir()
    with FileLock(str(Layout(out).lock)):
        assert refresh(inp, out, "--lock-timeout", "0.3") == 3
    assert "another refresh holds" in capsys.readouterr().err
    assert not (out / "current").exists()


def _start_refresh(inp: Path, out: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "refresh", "--input", str(inp), "--output", str(out), "--workers", "1"],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_refresh_two_concurrent_runs_serialize(tmp_path: Path) -> None:
    one = small_corpus(tmp_path / "one", SMALL[:2])
    two = small_corpus(tmp_path / "two", SMALL[1:])
    out = tmp_path / "out"
    runs = [_start_refresh(one, out), _start_refresh(two, out)]
    assert [p.wait(timeout=300) for p in runs] == [0, 0]
    sources = set(published(out, "documents").source)
    assert sources in ({*SMALL[:2]}, {*SMALL[1:]})  # one run's data, never a mix
    assert_snapshot_consistent(out)
    history = read_runs(Layout(out))
    assert len(history) == 2
    assert history.started.is_monotonic_increasing


def test_refresh_kill_at_random_points_keeps_the_previous_snapshot(tmp_path: Path) -> None:
    inp, out = small_corpus(tmp_path / "in", SMALL[:2]), tmp_path / "out"
    assert refresh(inp, out) == 0
    rng = random.Random(7)
    for trial in range(6):
        shutil.copy(SAMPLE_RAW / SMALL[2], inp / f"extra_{trial}.txt")
        (inp / f"extra_{trial}.txt").write_text(f"第{trial}次。县委巡察组对{trial + 3}个村开展巡察。", encoding="utf-8")
        before = current_snapshot(Layout(out))
        proc = _start_refresh(inp, out)
        time.sleep(rng.uniform(0.5, 4.0))  # start-up, processing, publishing, or done
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = current_snapshot(Layout(out))
        assert after is not None and after in (before, *Layout(out).snapshots.iterdir())
        assert_snapshot_consistent(out)
    assert refresh(inp, out) == 0  # the next run finishes the work and removes what was left
    assert set(published(out, "documents").source) == {p.name for p in inp.iterdir()}
    assert not list(out.rglob(".tmp-*"))
    assert len(list(Layout(out).snapshots.iterdir())) <= 2
    assert_snapshot_consistent(out)


def test_refresh_removes_per_document_temporary_files_a_killed_run_left(tmp_path: Path) -> None:
    inp, out = small_corpus(tmp_path / "in", SMALL[:1]), tmp_path / "out"
    assert refresh(inp, out) == 0
    layout = Layout(out)
    assert not layout.run_marker.exists()  # a finished run leaves no marker
    table_dir = next(p for p in layout.interim.iterdir() if p.is_dir())
    left = next(table_dir.iterdir()) / ".tmp-killed.arrow"
    left.write_bytes(b"half a file")
    layout.run_marker.touch()  # as a run killed while writing per-document files leaves it
    assert refresh(inp, out) == 0
    assert not left.exists() and not layout.run_marker.exists()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


def test_refresh_weekly_fetches_refreshes_and_reports_changes(tmp_path: Path) -> None:
    """`make weekly` against a site on 127.0.0.1: the new reports are fetched, published with
    their address, and listed in the change report; a second week finds nothing new."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    reports = {
        "a1.html": "澄湖县委巡察组对12个村开展巡察，发现问题35个，移交问题线索3件。",
        "a2.html": "澄湖县委第二轮巡察完成对8个单位党组织的巡察，推动解决群众急难愁盼问题20件。",
    }
    links = "".join(f'<li><a href="{name}">县委巡察通报{i}</a></li>' for i, name in enumerate(reports))
    (site / "list.html").write_text(f"<html><body><ul>{links}</ul></body></html>", encoding="utf-8")
    for name, text in reports.items():
        (site / name).write_text(
            f"<html><head><title>巡察通报</title></head><body><p>{text}</p></body></html>", "utf-8"
        )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    sites = tmp_path / "sites.toml"
    sites.write_text(
        f'[fetch]\ndelay_seconds = 0\ntimeout_seconds = 5\n\n[[site]]\nname = "chenghu"\n'
        f'list_pages = ["{base}/list.html"]\nkeywords = ["巡察"]\n',
        encoding="utf-8",
    )
    raw, out = tmp_path / "raw", tmp_path / "out"
    week = ["make", "-s", "weekly", f"INPUT={raw}", f"OUT={out}", f"SITES={sites}"]
    try:
        first = subprocess.run(week, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        assert first.returncode == 0, first.stderr
        docs = published(out, "documents")
        assert set(docs.source_url) == {f"{base}/{name}" for name in reports}
        assert "| added |" in (out / "changes.md").read_text(encoding="utf-8")
        assert set(published(out, "indicators").source_url) <= set(docs.source_url)
        second = subprocess.run(week, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)
        assert second.returncode == 0, second.stderr
        assert "nothing to publish" in second.stdout
    finally:
        server.shutdown()


def test_refresh_accepts_a_relative_theme_model_folder(
    tmp_path: Path, theme_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inp, out = small_corpus(tmp_path / "in", SMALL[:1]), tmp_path / "out"
    monkeypatch.chdir(theme_model_dir.parent)
    assert refresh(inp, out, "--theme-model-dir", theme_model_dir.name) == 0
    assert len(published(out, "documents")) == 1


def test_refresh_new_stage_version_after_a_failed_stage_keeps_the_document_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document whose segment failed has no input for extract: a new extract version must not
    make the next run read tables that were never written."""
    inp, out = small_corpus(tmp_path / "in", SMALL[:2]), tmp_path / "out"
    import pipeline.segment as segment_module

    real = segment_module.passages

    def fails_on_yuanxi(documents: pd.DataFrame, *args: Any, **kwargs: Any) -> pd.DataFrame:
        if documents.source.str.contains("yuanxi").any():
            raise RuntimeError("segment broke on purpose")
        return real(documents, *args, **kwargs)

    monkeypatch.setattr(segment_module, "passages", fails_on_yuanxi)
    assert refresh(inp, out) == 1
    manifest = Layout(out).manifest
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for record in data["documents"].values():
        record["stages"]["extract"]["version"] = "an older extractor"
    manifest.write_text(json.dumps(data), encoding="utf-8")
    assert refresh(inp, out) == 1  # the healthy report is re-extracted; the failed one stays skipped
    docs = published(out, "documents").set_index("source")
    assert any("segment_failed" in f for f in docs.loc[SMALL[1], "flags"])
    assert set(published(out, "indicators").source) == {SMALL[0]}


def test_refresh_page_address_arriving_later_dates_a_page_that_shows_no_date(tmp_path: Path) -> None:
    from pipeline.fetch import write_sidecar

    inp = tmp_path / "in"
    inp.mkdir()
    # A page whose text names no date: only its address (a fetch sidecar, written later) dates it.
    (inp / "notice.txt").write_text(
        "某县委第二巡察组进驻县水利局\n\n按照县委统一部署，县委第二巡察组对县水利局党组开展常规巡察。\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert refresh(inp, out) == 0
    assert published(out, "documents").published.isna().all()
    assert published(out, "indicators").empty  # a corpus without a single figure still publishes
    write_sidecar(inp, "notice.txt", {"url": "http://example.org/news/2021-03/16/c_1.htm"})
    assert refresh(inp, out) == 0
    docs = published(out, "documents")
    assert docs.published.dt.strftime("%Y-%m-%d").tolist() == ["2021-03-16"]
    assert docs.source_url.tolist() == ["http://example.org/news/2021-03/16/c_1.htm"]
    assert refresh(inp, out) == 0
    assert changes(out).empty or not (changes(out).kind == "document").any()  # the address is read once


def test_refresh_plan_hashes_only_new_or_touched_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file whose stat is the one recorded when it was hashed keeps its doc_id unread; any write
    (even one that keeps the size and puts the modification time back) makes it read again."""
    from pipeline import runner
    from pipeline.config import Settings
    from pipeline.stages import STAGE_NAMES

    inp = small_corpus(tmp_path / "in")
    reads: list[str] = []
    real_read = runner.read_bytes
    monkeypatch.setattr(runner, "read_bytes", lambda path, *a: reads.append(path.name) or real_read(path, *a))
    settings = Settings()
    versions = runner.stage_versions(settings)

    def manifest_after(plan: runner.Plan) -> dict[str, Any]:
        stages = {"ingest": {"version": versions["ingest"], "status": "ok", "source_url": None}}
        return {"documents": {d: {"stages": stages} for d in plan.sources}, "files": plan.files}

    monkeypatch.setattr(runner, "RACY_NS", 0)
    first = runner.plan(inp, {"documents": {}}, settings, STAGE_NAMES)
    assert sorted(reads) == sorted(SMALL) and len(first.files) == 3
    reads.clear()
    second = runner.plan(inp, manifest_after(first), settings, STAGE_NAMES)
    assert reads == [] and second.sources == first.sources

    changed = inp / SMALL[0]
    times = changed.stat()
    data = bytearray(changed.read_bytes())
    digit = next(i for i, byte in enumerate(data) if chr(byte).isdigit())
    data[digit] = ord("0") + (data[digit] - ord("0") + 1) % 10  # one figure changed, same size
    changed.write_bytes(bytes(data))
    os.utime(changed, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert changed.stat().st_size == times.st_size and changed.stat().st_mtime_ns == times.st_mtime_ns
    third = runner.plan(inp, manifest_after(second), settings, STAGE_NAMES)
    assert reads == [SMALL[0]]
    assert doc_id_for(bytes(data)) in third.sources and doc_id_for(bytes(data)) in third.data

    # negative: just-written files are not recorded (their times may not have moved yet)
    monkeypatch.setattr(runner, "RACY_NS", 10**18)
    assert runner.plan(inp, {"documents": {}}, settings, STAGE_NAMES).files == {}
