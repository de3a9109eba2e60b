"""The runner: decides which documents each stage must (re)do, runs them, and publishes.

What to redo is decided by content hash and stage version, never by file times: a document is
its bytes (`doc_id`), and a stage's output for it is current when the manifest records the
stage's present version (code + settings + lexicon/model digest, chained through the stages
before it). A file is hashed again unless its size, times and inode are those recorded when it
was last hashed (as git's index does; any write moves the change time, which no tool can set).
New and changed reports are processed, unchanged ones skipped, removed ones retracted;
byte-identical files are one document with several sources.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import os
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from pipeline import store
from pipeline.config import Settings
from pipeline.ingest import IngestError, decode_document, discover, doc_id_for, read_bytes
from pipeline.progress import progress
from pipeline.publish import PublishResult, fetched_url, publish
from pipeline.stages import DOCUMENT_STAGES, STAGE_NAMES, Resources, run_document, stage_versions

log = logging.getLogger("pipeline")

# Exit codes, for cron and systemd (README: "Exit codes").
EXIT_OK = 0  # every file read and every document processed
EXIT_PARTIAL = 1  # done and published, but some files were skipped or some documents failed a stage
EXIT_FATAL = 2  # nothing published: bad arguments, a missing model, an unexpected error
EXIT_LOCKED = 3  # another refresh holds this output folder's lock

# Per-document tables the stages write; removing a document removes each of them.
DOCUMENT_TABLES = ("raw_documents", *(t for s in DOCUMENT_STAGES for t in s.outputs))


class Locked(RuntimeError):
    pass


@dataclass
class Plan:
    """What this run found in the input folder and what it must do."""

    sources: dict[str, list[str]]  # doc_id -> sorted sources (relative paths) with these bytes
    data: dict[str, bytes]  # bytes of documents that need ingesting
    file_errors: list[dict[str, object]]  # files that could not be read at all
    todo: dict[str, tuple[str, ...]]  # doc_id -> stages to run
    urls: dict[str, dict[str, str]]  # doc_id -> source -> the address it was fetched from (fetch sidecars)
    files: dict[str, list[int | str]]  # source -> its stat identity and doc_id when hashed (FileIdentity)


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _stages_until(until: str) -> tuple[str, ...]:
    if until not in STAGE_NAMES:
        raise ValueError(f"unknown stage {until!r}; stages: {', '.join(STAGE_NAMES)}")
    return STAGE_NAMES[: STAGE_NAMES.index(until) + 1]


# A file's stat taken when it was hashed: size, modification and change times (ns), inode. A file
# changed within this many ns of being hashed is hashed again next time: its times may not have
# moved yet (a coarse file-system clock), as git's "racily clean" entries.
RACY_NS = 2_000_000_000


def _file_identity(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def plan(input_dir: Path, manifest: dict[str, Any], settings: Settings, stages: tuple[str, ...]) -> Plan:
    """Hash every new or touched file; a document needs a stage when the manifest has no ok record
    of the stage's present version for it (or a stage before it is redone), or, for ingest, when
    the address its page was fetched from is not the one it was read with (a sidecar came later).
    Hashing reads every byte (1.4 s of a refresh at 10,000 reports): a file whose stat is the one
    recorded when it was hashed keeps its doc_id unread."""
    versions = stage_versions(settings)
    hashed_before = manifest.get("files", {})
    files: dict[str, list[int | str]] = {}
    now_ns = time.time_ns()
    sources: dict[str, list[str]] = {}
    data: dict[str, bytes] = {}
    paths: dict[str, Path] = {}  # ingested at this version: read only if needed
    file_errors: list[dict[str, object]] = []
    known = manifest["documents"]

    def needs_ingest(doc_id: str) -> bool:
        return known.get(doc_id, {}).get("stages", {}).get("ingest", {}).get("version") != versions["ingest"]

    for path in discover(input_dir):
        source = path.relative_to(input_dir).as_posix()
        raw: bytes | None = None
        try:
            info = path.lstat()
            identity = _file_identity(info)
            recorded = hashed_before.get(source)
            if (
                recorded
                and recorded[:-1] == identity
                and stat.S_ISREG(info.st_mode)
                and info.st_size <= settings.max_file_bytes
                and not needs_ingest(str(recorded[-1]))
            ):
                doc_id = str(recorded[-1])
            else:
                raw = read_bytes(path, input_dir, settings.max_file_bytes)
                doc_id = doc_id_for(raw)
        except (IngestError, OSError) as exc:
            error = exc if isinstance(exc, IngestError) else IngestError(f"unreadable: {exc.strerror or exc}")
            file_errors.append({"source": source, "doc_id": None, "n_bytes": 0, "error": str(error)})
            continue
        if stat.S_ISREG(info.st_mode) and now_ns - info.st_ctime_ns > RACY_NS:
            files[source] = [*identity, doc_id]
        sources.setdefault(doc_id, []).append(source)
        if raw is not None and needs_ingest(doc_id):
            data.setdefault(doc_id, raw)
        else:
            paths.setdefault(doc_id, path)
    sidecars = (input_dir / ".fetch").is_dir()
    urls = {d: source_urls(input_dir, s) if sidecars else {} for d, s in sources.items()}
    for doc_id, path in paths.items():
        ingest = known[doc_id]["stages"]["ingest"]
        url = fetched_url({"sources": sorted(sources[doc_id]), "urls": urls[doc_id]})
        if doc_id not in data and ingest.get("status") == "ok" and ingest.get("source_url") != url:
            data[doc_id] = read_bytes(path, input_dir, settings.max_file_bytes)
    todo: dict[str, tuple[str, ...]] = {}
    for doc_id in sources:
        record = known.get(doc_id, {}).get("stages", {})
        if doc_id in data:
            todo[doc_id] = stages
            continue
        if record.get("ingest", {}).get("status") != "ok":
            continue  # an unreadable document stays unreadable until its bytes change
        for i, name in enumerate(stages):
            if name in ("ingest", "publish"):
                continue
            done = record.get(name, {})
            if done.get("version") != versions[name] or done.get("status") not in ("ok", "failed"):
                todo[doc_id] = tuple(n for n in stages[i:] if n != "publish")
                break
            if done.get("status") == "failed":
                break  # the stages after a current failure have no input: they stay skipped
    return Plan({d: sorted(s) for d, s in sources.items()}, data, file_errors, todo, urls, files)


def source_urls(input_dir: Path, sources: list[str]) -> dict[str, str]:
    """The address each source was fetched from, where the fetch stage left a sidecar (the caller
    asks only when the input folder has the fetch stage's folder)."""
    from pipeline.fetch import sidecar_for

    urls = {}
    for source in sources:
        sidecar = sidecar_for(input_dir, source)
        if sidecar and sidecar.get("url"):
            urls[source] = str(sidecar["url"])
    return urls


# --- the per-document work, run in this process or in a worker --------------------------------

WorkItem = tuple[str, str, str | None, bytes | None, tuple[str, ...]]  # doc_id, source, url, bytes, stages
WorkResult = tuple[str, dict[str, dict[str, str]]]

# One Resources per process, settings and stage versions: a pool worker or a Dask worker process
# loads the tokenizer and the theme model once (~1-2 s) and reuses them for every chunk it runs. The
# versions are in the key so a long-lived Dask worker reloads a retrained model or a new lexicon.
_worker_resources: dict[tuple[Settings, str], Resources] = {}
_worker_lock = threading.Lock()  # a Dask worker may run several threads


def resources_version(settings: Settings) -> str:
    return stage_versions(settings)["classify"]  # chained: lexicon, model and code of every stage


def worker_resources(settings: Settings, version: str) -> Resources:
    with _worker_lock:
        res = _worker_resources.get((settings, version))
        if res is None:
            _worker_resources.clear()  # an older model is not needed again
            res = _worker_resources[settings, version] = Resources(settings)
        return res


def _init_worker(settings: Settings, version: str) -> None:
    worker_resources(settings, version)


def process_document(
    layout: store.Layout,
    doc_id: str,
    source: str,
    url: str | None,
    raw: bytes | None,
    todo: tuple[str, ...],
    res: Resources,
) -> dict[str, dict[str, str]]:
    """Ingest (when `raw` is given, with the address its page was fetched from: its date stands in
    for a page that shows none) and run the stages in `todo` on one document; write its tables.
    Returns {stage: {"status", "error"}} for the manifest (ingest also records the address)."""
    status: dict[str, dict[str, str]] = {}
    tables: dict[str, pd.DataFrame] = {}
    if raw is not None:
        doc = decode_document(raw, source, res.settings.max_unpacked_bytes)
        if doc.error:
            return {"ingest": {"status": "failed", "error": doc.error}}
        tables["raw_documents"] = pd.DataFrame([{**doc.__dict__, "source_url": url}])
        store.write_document_table(layout, "raw_documents", doc_id, tables["raw_documents"])
        status["ingest"] = {"status": "ok", "error": ""} | ({"source_url": url} if url else {})
    stage_names = tuple(n for n in todo if n not in ("ingest", "publish"))
    if not stage_names:
        return status
    # Every input a stage of this run reads and no earlier stage of this run makes comes from the store.
    made_here = set(tables)
    for stage in DOCUMENT_STAGES:
        if stage.name in stage_names:
            for name in stage.inputs:
                if name not in made_here and name not in tables:
                    tables[name] = store.read_document_table(layout, name, doc_id)
            made_here.update(stage.outputs)
    produced, errors = run_document(doc_id, tables, stage_names, res)
    for name, frame in produced.items():
        store.write_document_table(layout, name, doc_id, frame)
    for name in stage_names:
        status[name] = {"status": "failed", "error": errors[name]} if name in errors else {"status": "ok", "error": ""}
    return status


def process_chunk(layout: store.Layout, items: list[WorkItem], settings: Settings, version: str) -> list[WorkResult]:
    """A chunk of documents in whichever process runs it (a pool worker, a Dask worker)."""
    res = worker_resources(settings, version)
    return [(d, process_document(layout, d, s, url, raw, todo, res)) for d, s, url, raw, todo in items]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


# A pool costs each worker a model load (~1-2 s); below this many documents one process is faster.
MIN_DOCUMENTS_FOR_POOL = 16
# Documents per task: large enough that a task's overhead (pickling, a round trip; for Dask a
# scheduler hop, ~1 ms) is small against its work (~20-50 ms a document), small enough that
# every worker stays busy to the end (at least 4 tasks a worker).
MAX_CHUNK_SIZE = 32
CHUNKS_PER_WORKER = 4


def chunk_size(n_items: int, workers: int) -> int:
    return max(1, min(MAX_CHUNK_SIZE, -(-n_items // (max(workers, 1) * CHUNKS_PER_WORKER))))


class Executor(enum.StrEnum):
    LOCAL = "local"  # this process, or a pool of worker processes on this machine
    DASK = "dask"  # a dask.distributed cluster: a LocalCluster, or --scheduler ADDRESS


def execute(
    layout: store.Layout,
    work: list[WorkItem],
    settings: Settings,
    workers: int,
    executor: Executor = Executor.LOCAL,
    scheduler: str | None = None,
) -> Iterator[WorkResult]:
    """Run the per-document work: locally (in this process, or in a pool of `workers` processes
    each loading the shared resources once) or on Dask. Results come back in the order of `work`."""
    if executor is Executor.DASK:
        yield from execute_dask(layout, work, settings, workers, scheduler)
        return
    if workers <= 1 or len(work) < MIN_DOCUMENTS_FOR_POOL:
        res = Resources(settings)
        for doc_id, source, url, raw, todo in progress(work, len(work), "documents"):
            yield doc_id, process_document(layout, doc_id, source, url, raw, todo, res)
        return
    version = resources_version(settings)
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(settings, version)) as pool:
        chunks = list(_chunks(work, chunk_size(len(work), workers)))
        n = len(chunks)
        mapped = pool.map(process_chunk, [layout] * n, chunks, [settings] * n, [version] * n)
        for results in progress(mapped, len(chunks), "chunks"):
            yield from results


def execute_dask(
    layout: store.Layout, work: list[WorkItem], settings: Settings, workers: int, scheduler: str | None
) -> Iterator[WorkResult]:
    """The per-document work on Dask: chunks of documents as tasks (`pure=False` and unique keys,
    so no two chunks are merged), each worker process building its Resources once
    (`worker_resources`). Without `scheduler`, a LocalCluster of `workers` processes is started
    for this run. Workers read nothing from the input folder (the raw bytes travel with the task)
    but write each document's tables into the output folder: on a cluster it must be one shared
    path on every machine, and `pipeline` must be installed where the workers run."""
    from dask.distributed import Client, LocalCluster

    if not work:
        return
    version = resources_version(settings)
    # Workers may run in another directory (or on another machine): give them absolute paths.
    layout = store.Layout(layout.root.resolve())
    settings = dataclasses.replace(
        settings, theme_model_dir=settings.theme_model_dir.resolve(), lexicon_path=settings.lexicon_path.resolve()
    )
    cluster = None
    if scheduler is None:
        # Processes, not threads: the stages hold the GIL. Dask's own warnings (a worker slow to
        # stop on a busy machine) would land in every cron mail; errors still show.
        cluster = LocalCluster(
            n_workers=max(workers, 1),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
    try:
        with Client(scheduler if scheduler is not None else cluster) as client:
            n_workers = max(len(client.scheduler_info().get("workers", {})), 1)
            chunks = list(_chunks(work, chunk_size(len(work), n_workers)))
            token = uuid.uuid4().hex[:12]
            futures = client.map(
                process_chunk,
                [layout] * len(chunks),
                chunks,
                [settings] * len(chunks),
                [version] * len(chunks),
                key=[f"xuncha-chunk-{token}-{i}" for i in range(len(chunks))],
                pure=False,
            )
            for future in progress(futures, len(futures), "chunks"):
                yield from future.result()
    finally:
        if cluster is not None:
            cluster.close()


# --- the run --------------------------------------------------------------------------------------


def refresh(
    input_dir: Path,
    layout: store.Layout,
    settings: Settings,
    *,
    until: str = "publish",
    workers: int = 1,
    lock_timeout: float = 60.0,
    recorded: dict[str, Any] | None = None,
    executor: Executor = Executor.LOCAL,
    scheduler: str | None = None,
) -> PublishResult:
    """Bring the output folder up to date with the input folder; publish one snapshot when
    anything changed. Holds the folder's lock for the whole run."""
    stages = _stages_until(until)
    if not input_dir.is_dir():
        raise FileNotFoundError(f"input folder {input_dir} does not exist")
    layout.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.lock))
    try:
        lock.acquire(timeout=lock_timeout)
    except Timeout:
        raise Locked(
            f"another refresh holds {layout.lock} (waited {lock_timeout:.0f} s); try again when it has finished"
        ) from None
    try:
        return _refresh_locked(input_dir, layout, settings, stages, workers, recorded or {}, executor, scheduler)
    finally:
        lock.release()


def _refresh_locked(
    input_dir: Path,
    layout: store.Layout,
    settings: Settings,
    stages: tuple[str, ...],
    workers: int,
    recorded: dict[str, Any],
    executor: Executor = Executor.LOCAL,
    scheduler: str | None = None,
) -> PublishResult:
    run_id, started = new_run_id(), time.time()
    for leftover in store.clean_leftovers(layout):
        log.info("removed %s left by an interrupted run", leftover)
    previous = store.read_manifest(layout)
    previous_docs: dict[str, Any] = previous["documents"]
    work_plan = plan(input_dir, previous, settings, stages)
    versions = stage_versions(settings)
    log.info(
        "refresh %s: %d files, %d documents, %d to process",
        run_id,
        sum(map(len, work_plan.sources.values())) + len(work_plan.file_errors),
        len(work_plan.sources),
        len(work_plan.todo),
    )
    documents: dict[str, Any] = {}
    for doc_id, sources in work_plan.sources.items():
        record = dict(previous_docs.get(doc_id, {"stages": {}}))
        record["sources"] = sources
        record["stages"] = dict(record.get("stages", {}))
        record["urls"] = work_plan.urls[doc_id]
        documents[doc_id] = record
    work = [
        (doc_id, documents[doc_id]["sources"][0], fetched_url(documents[doc_id]), work_plan.data.get(doc_id), todo)
        for doc_id, todo in sorted(work_plan.todo.items())
    ]
    layout.interim.mkdir(parents=True, exist_ok=True)
    layout.run_marker.touch()  # until the manifest is written: a killed run leaves it (clean_leftovers)
    for doc_id, status in execute(layout, work, settings, workers, executor, scheduler):
        stages_record = documents[doc_id]["stages"]
        if "ingest" in status and status["ingest"]["status"] == "failed":
            stages_record.clear()
        for name, st in status.items():
            stages_record[name] = {"version": versions[name], **st}
            if st["status"] == "failed":
                log.warning("%s: %s failed: %s", work_plan.sources[doc_id][0], name, st["error"])
    retracted = sorted(set(previous_docs) - set(documents))
    for doc_id in retracted:
        store.remove_document(layout, doc_id, DOCUMENT_TABLES)
    manifest = {
        "documents": documents,
        "input": str(input_dir.resolve()),
        "settings": recorded,
        "versions": versions,
        "file_errors": work_plan.file_errors,
        "files": work_plan.files,
    }
    store.write_manifest(layout, manifest)
    layout.run_marker.unlink()
    return publish(
        layout,
        run_id=run_id,
        started=started,
        manifest=manifest,
        processed=len(work_plan.todo),
        publish_version=versions["publish"],
        do_publish="publish" in stages,
    )


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def collect(layout: store.Layout, table: str) -> pd.DataFrame:
    """One stage table over every document of the folder's manifest (for evaluation and notebooks
    that need a table that is not published, such as `lines`), with each document's first source."""
    documents = store.read_manifest(layout)["documents"]
    doc_ids = sorted(documents)
    frame = store.concat_document_tables(layout, table, doc_ids)
    if not frame.empty and "doc_id" in frame:
        frame["source"] = frame.doc_id.map({d: documents[d]["sources"][0] for d in doc_ids})
    return frame
