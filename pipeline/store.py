"""The one module that reads and writes files: per-document stage tables, the manifest, published
snapshots, the database and the refresh lock.

Layout of an output folder:

    interim/manifest.json            documents, their sources, each stage's version/status/error
    interim/runs.parquet             one row per refresh (the history)
    interim/<table>/<id[:2]>/<id>.arrow   one Arrow IPC file per document and stage table
    snapshots/<run_id>/              one published snapshot: Parquet, csv/, charts/, xuncha.duckdb, changes.*
    current -> snapshots/<run_id>    switched by one atomic rename: readers see one whole snapshot
    documents.parquet -> current/documents.parquet   (and the other tables, csv/, charts/, the database)

Every write goes to a temporary name and is renamed into place; a killed run leaves at worst
unreferenced files, which the next run (holding the lock) removes.
"""

from __future__ import annotations

import codecs
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq

log = logging.getLogger("pipeline")

# Published files are for every reader on the machine; mkstemp would leave them 0600.
PUBLISHED_MODE = 0o644
TEMP_PREFIX = ".tmp-"


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target`; rename it over `target` if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if tmp.exists():
            tmp.chmod(PUBLISHED_MODE)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_parquet(table: pd.DataFrame | pa.Table, target: Path) -> None:
    with atomic_path(target) as tmp:
        if isinstance(table, pa.Table):
            pq.write_table(table, tmp)
        else:
            table.to_parquet(tmp, index=False)


@dataclass(frozen=True)
class PartedTable:
    """A published table written as a folder of Parquet parts (`<name>.parquet/part-<key>.parquet`,
    read back whole by pandas, pyarrow and DuckDB). `changed` are the parts this publish wrote; the
    others are hard links to the previous snapshot's."""

    folder: Path
    changed: tuple[Path, ...]
    schema: pa.Schema

    def files(self, changed_only: bool = False) -> list[str]:
        return [str(f) for f in (self.changed if changed_only else sorted(self.folder.glob("part-*.parquet")))]

    def dataset(self) -> Any:
        import pyarrow.dataset as ds

        return ds.dataset(self.files(), schema=self.schema, format="parquet")

    def read(self, columns: list[str], doc_ids: set[str] | None = None) -> pd.DataFrame:
        """Some columns of the whole table, or of some documents' rows only."""
        import pyarrow.dataset as ds

        where = None
        if doc_ids is not None:
            kind = self.schema.field("doc_id").type
            if not doc_ids or pa.types.is_null(kind):  # (a table without rows has untyped columns)
                return self.schema.empty_table().select(columns).to_pandas()
            where = ds.field("doc_id").isin(pa.array(sorted(doc_ids), kind))
        return self.dataset().to_table(columns=columns, filter=where).to_pandas()


def same_schema_parts(folder: Path, changed: list[Path]) -> PartedTable:
    """The parts under `folder` as one table: their schemas unified (a column no row of a part
    fills is typed null there), and a part whose schema differs rewritten to it, so pandas, pyarrow
    and DuckDB read the folder as one table. Reading a part's schema reads only its footer."""
    parts = sorted(folder.glob("part-*.parquet"))
    schemas = {p: pq.read_schema(p).remove_metadata() for p in parts}
    schema = pa.unify_schemas(list(schemas.values()), promote_options="permissive")
    rewritten = list(changed)
    for p, own in schemas.items():
        if not own.equals(schema):
            write_parquet(pq.read_table(p).cast(schema), p)  # a new file: a linked part stays as it was
            rewritten.append(p)
    return PartedTable(folder, tuple(sorted(set(rewritten))), schema)


def write_parted_csv(
    table: PartedTable, target: Path, previous: Path | None, previous_ranges: dict[str, list[int]]
) -> dict[str, list[int]]:
    """The table as one CSV (as `write_csv`): the header, then each part's rows in part order. A part
    not rewritten by this publish has the same rows as before: its bytes are copied from the
    previous CSV (`previous_ranges`: part name -> [offset, length] there); the others are
    written. Returns this CSV's ranges."""
    ranges: dict[str, list[int]] = {}
    changed = set(table.changed)
    with ExitStack() as files, atomic_path(target) as tmp:
        out = files.enter_context(open(tmp, "wb"))
        old = files.enter_context(open(previous, "rb")) if previous is not None and previous.is_file() else None
        out.write(codecs.BOM_UTF8)
        _csv_rows(table.schema.empty_table(), out, header=True)
        for part in sorted(table.folder.glob("part-*.parquet")):
            start = out.tell()
            span = previous_ranges.get(part.name)
            if part not in changed and old is not None and span is not None:
                old.seek(span[0])
                out.write(old.read(span[1]))
            else:
                _csv_rows(pq.read_table(part).cast(table.schema), out, header=False)
            ranges[part.name] = [start, out.tell() - start]
    return ranges


def link_or_copy(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (an unchanged part costs no copy), or a copy where the
    file system refuses links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def read_arrow(path: Path) -> pa.Table:
    return pq.read_table(path)


def read_parquet(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the stage that makes it first")
    return pd.read_parquet(path)


def csv_cell(value: object) -> object:
    """Lists and dicts as JSON, so a CSV cell parses back (`json.loads`) to what the table holds.
    orjson, not json: the passages' three list columns took 0.6 s of each publish at 2,000 reports
    with json.dumps, 0.07 s with orjson (compact JSON, UTF-8, NaN as null)."""
    if isinstance(value, dict | list | tuple):
        return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS).decode()
    if hasattr(value, "tolist") and not isinstance(value, str):  # numpy arrays from Parquet
        return orjson.dumps(value.tolist(), option=orjson.OPT_SERIALIZE_NUMPY).decode()
    return value


def write_csv(table: pd.DataFrame | pa.Table, target: Path) -> None:
    """CSV that Excel opens with Chinese intact: UTF-8 with a byte-order mark, lists and dicts as
    JSON, dates without a time of day as dates. Written by Arrow's C++ writer: pandas' to_csv took
    1.4 s of a one-report refresh at 2,000 reports (passages, indicators and mentions are 38 MB of
    CSV there), Arrow's 0.2 s."""
    with atomic_path(target) as tmp, open(tmp, "wb") as out:
        out.write(codecs.BOM_UTF8)
        _csv_rows(table if isinstance(table, pa.Table) else to_arrow(table), out, header=True)


def _csv_rows(table: pa.Table, out: Any, header: bool) -> None:
    """The table's rows as CSV cells (`csv_ready`), quoted where needed: one format for every CSV,
    whole or assembled from parts (`write_parted_csv`)."""
    pacsv.write_csv(csv_ready(table), out, pacsv.WriteOptions(include_header=header, quoting_style="needed"))


def to_arrow(table: pd.DataFrame) -> pa.Table:
    """The table as Arrow, as the Parquet writer would convert it; a column of mixed Python types
    (Arrow refuses those) as text."""
    try:
        return pa.Table.from_pandas(table, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        mixed = [c for c in table.columns if pd.api.types.infer_dtype(table[c], skipna=True).startswith("mixed")]
        as_text = {c: table[c].map(lambda v: v if v is None or v is pd.NA or v != v else str(v)) for c in mixed}
        return pa.Table.from_pandas(table.assign(**as_text), preserve_index=False)


def csv_ready(arrow: pa.Table) -> pa.Table:
    """Columns the CSV writer takes and a spreadsheet reads: lists and structs as JSON text
    (`csv_cell`), categories as their values, timestamps that are all midnight (publication
    dates) as dates."""
    arrow = arrow.replace_schema_metadata(None)
    for i, field in enumerate(arrow.schema):
        column = arrow.column(i)
        if pa.types.is_nested(field.type):
            cells = [None if v is None else csv_cell(v) for v in column.to_pylist()]
            arrow = arrow.set_column(i, field.name, pa.array(cells, pa.large_string()))
        elif pa.types.is_dictionary(field.type):
            arrow = arrow.set_column(i, field.name, column.cast(field.type.value_type))
        elif pa.types.is_timestamp(field.type) and field.type.tz is None:
            days = column.cast(pa.date32())
            if pc.all(pc.equal(days.cast(field.type), column)).as_py() is not False:
                arrow = arrow.set_column(i, field.name, days)
    return arrow


def json_cells(table: pd.DataFrame) -> pd.DataFrame:
    """A copy with the columns holding lists or dicts as JSON text (`csv_cell`); text columns as they are."""
    flat = table.copy()
    for col in flat.columns:
        if flat[col].dtype == object and pd.api.types.infer_dtype(flat[col], skipna=True) not in ("string", "empty"):
            flat[col] = flat[col].map(csv_cell)
    return flat


def write_duckdb(
    tables: Mapping[str, pd.DataFrame | pa.Table | PartedTable],
    target: Path,
    views: dict[str, str] | None = None,
    previous: Path | None = None,
    unchanged: set[str] | None = None,
    document_tables: tuple[str, ...] = (),
) -> None:
    """Build the database (tables, then views over them) in a temporary file, then swap it in.
    Given the previous snapshot's database and the documents whose rows did not change, that file
    is copied and only the other documents' rows of `document_tables` are deleted and inserted
    (rebuilding every table took 3 s of a one-report refresh at 2,000 reports); the rest is
    rebuilt. Any failure on that path rebuilds the whole database."""
    import duckdb

    with atomic_path(target) as tmp:
        if previous is not None and previous.is_file() and unchanged is not None:
            try:
                shutil.copyfile(previous, tmp)
                _fill_duckdb(_connect(tmp), tables, views, unchanged, document_tables)
                return
            except duckdb.Error as exc:
                log.warning("duckdb: updating %s failed (%s); rebuilding it", previous, exc)
        tmp.unlink(missing_ok=True)  # duckdb refuses to open an empty file that is not a database
        _fill_duckdb(_connect(tmp), tables, views, None, ())


# DuckDB's buffer pool, which by default may take most of the machine's memory: loading the 1,000
# bench reports' tables raised publish's peak by 480 MB. Past this limit it writes to its temporary
# folder (beside the database) instead; 256 MB ran out loading 10,000 reports' tokens.
DUCKDB_MEMORY_LIMIT = "512MB"


def _connect(path: Path) -> Any:
    import duckdb

    # Rows in no particular order (queries that need one say ORDER BY): keeping the insertion order
    # makes DuckDB hold loaded rows back, and it ran out of memory loading 10,000 reports.
    return duckdb.connect(str(path), config={"memory_limit": DUCKDB_MEMORY_LIMIT, "preserve_insertion_order": False})


def _fill_duckdb(
    con: Any,
    tables: Mapping[str, pd.DataFrame | pa.Table | PartedTable],
    views: dict[str, str] | None,
    unchanged: set[str] | None,
    document_tables: tuple[str, ...],
) -> None:
    try:
        existing = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if unchanged is not None:
            con.register("unchanged_docs", pd.DataFrame({"doc_id": sorted(unchanged)}, dtype=object))
        for name, table in tables.items():
            update = unchanged is not None and name in document_tables and name in existing
            if isinstance(table, PartedTable):
                # DuckDB reads the parts itself: through an Arrow dataset the 8 million token rows of
                # 10,000 bench reports took 1 GB, past DuckDB's memory limit; read_parquet 0.3 GB.
                # A parted table's new rows are all in the parts this publish wrote.
                files = ", ".join("'" + f.replace("'", "''") + "'" for f in table.files(changed_only=update))
                source = f"read_parquet([{files}])" if files else None
            else:
                con.register("incoming", table)
                source = "incoming"
            if update:
                con.execute(f'DELETE FROM "{name}" WHERE doc_id NOT IN (SELECT doc_id FROM unchanged_docs)')
                if source is not None:
                    con.execute(
                        f'INSERT INTO "{name}" BY NAME SELECT * FROM {source}'
                        " WHERE doc_id NOT IN (SELECT doc_id FROM unchanged_docs)"
                    )
            else:
                con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM {source}')
            if source == "incoming":
                con.unregister("incoming")
        for name, query in (views or {}).items():
            con.execute(f'CREATE OR REPLACE VIEW "{name}" AS {query}')
        con.execute("CHECKPOINT")
    finally:
        con.close()


def write_text(text: str, target: Path) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


def read_json(path: Path) -> Any:
    """What write_json wrote (orjson reads it as json.loads would; on the 10 MB manifest of 10,000
    reports 0.08-0.09 s against json's 0.08-0.14 s, most of it building the dicts)."""
    return orjson.loads(path.read_bytes())


def write_json(data: object, target: Path) -> None:
    """Indented JSON with sorted keys (diffable). orjson: json.dumps took 0.16 s for the manifest of
    2,000 reports, written twice by each refresh; orjson 0.01 s."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS))


# Names of the published tables; each is a file in a snapshot and a link at the top of the folder.
PUBLISHED_LINKS = ("xuncha.duckdb", "xuncha.xlsx", "report.html", "csv", "charts", "changes.md", "changes.csv")


@dataclass(frozen=True)
class Layout:
    """Where everything lives under an output folder."""

    root: Path

    @property
    def interim(self) -> Path:
        return self.root / "interim"

    @property
    def manifest(self) -> Path:
        return self.interim / "manifest.json"

    @property
    def runs(self) -> Path:
        return self.interim / "runs.parquet"

    @property
    def lock(self) -> Path:
        return self.root / ".refresh.lock"

    @property
    def run_marker(self) -> Path:
        """Present while a run writes per-document files: a run that finds it was killed before."""
        return self.interim / ".run-in-progress"

    @property
    def snapshots(self) -> Path:
        return self.root / "snapshots"

    @property
    def current(self) -> Path:
        return self.root / "current"

    def document_table(self, table: str, doc_id: str) -> Path:
        return self.interim / table / doc_id[:2] / f"{doc_id}.arrow"

    def published(self, name: str) -> Path:
        return self.root / f"{name}.parquet"

    @property
    def database(self) -> Path:
        return self.root / "xuncha.duckdb"

    @property
    def csv_dir(self) -> Path:
        return self.root / "csv"

    @property
    def charts_dir(self) -> Path:
        return self.root / "charts"


# --- per-document stage tables -------------------------------------------------------------


def write_document_table(layout: Layout, table: str, doc_id: str, frame: pd.DataFrame) -> None:
    """Arrow IPC, uncompressed: a small document's table is written and read in well under a
    millisecond, where a Parquet file per document costs several."""
    target = layout.document_table(table, doc_id)
    with atomic_path(target) as tmp:
        feather.write_feather(frame.reset_index(drop=True), tmp, compression="uncompressed")


def read_document_table(layout: Layout, table: str, doc_id: str) -> pd.DataFrame:
    return read_ipc(layout.document_table(table, doc_id)).to_pandas()


def read_ipc(path: Path, columns: list[str] | None = None) -> pa.Table:
    """An Arrow IPC file read whole into memory (no file left open, as memory_map=False), then
    the columns. feather.read_table took 3-5x as long for small files: 0.73 s against 0.38 s
    for the tokens of 2,000 documents, 0.45 s against 0.14 s for their raw_documents."""
    table = pa.ipc.open_file(path.read_bytes()).read_all()
    if columns is None:
        return table
    chosen = table.select(columns)
    if not chosen.num_rows:
        return chosen
    # The chosen columns copied out: as slices they would keep the whole file's bytes alive (reading
    # the metadata of 10,000 normalized documents held their texts and offsets, 0.7 GB).
    return pa.table([pa.concat_arrays(c.chunks) for c in chosen.columns], schema=chosen.schema)


def remove_document(layout: Layout, doc_id: str, tables: tuple[str, ...]) -> None:
    for table in tables:
        layout.document_table(table, doc_id).unlink(missing_ok=True)


def concat_document_tables(
    layout: Layout, table: str, doc_ids: list[str], columns: list[str] | None = None
) -> pd.DataFrame:
    """One table over many documents, in the order of `doc_ids` (only `columns`, when given)."""
    arrow = concat_document_arrow(layout, table, doc_ids, columns)
    return arrow.to_pandas() if arrow is not None else pd.DataFrame()


# --- manifest and run history ----------------------------------------------------------------


def read_manifest(layout: Layout) -> dict[str, Any]:
    if not layout.manifest.exists():
        return {"documents": {}, "settings": {}, "input": None}
    data: dict[str, Any] = read_json(layout.manifest)
    return data


def write_manifest(layout: Layout, manifest: dict[str, Any]) -> None:
    write_json(manifest, layout.manifest)


def read_runs(layout: Layout) -> pd.DataFrame:
    return pd.read_parquet(layout.runs) if layout.runs.exists() else pd.DataFrame()


def append_run(layout: Layout, row: dict[str, object]) -> pd.DataFrame:
    runs = pd.concat([read_runs(layout), pd.DataFrame([row])], ignore_index=True)
    write_parquet(runs, layout.runs)
    return runs


# --- snapshots ---------------------------------------------------------------------------------


def current_snapshot(layout: Layout) -> Path | None:
    """The snapshot readers see now, or None before the first publish."""
    if not layout.current.is_symlink():
        return None
    target = layout.current.resolve()
    return target if target.is_dir() else None


# Documents read before their tables are copied into one block (see document_arrow_chunks).
CONCAT_CHUNK = 500


def document_arrow_chunks(
    layout: Layout, table: str, doc_ids: list[str], columns: list[str] | None = None
) -> Iterator[pa.Table]:
    """The documents' rows of a table, CONCAT_CHUNK documents at a time, each chunk copied into one block
    before the next is read: holding 10,000 one-document tables until a single concatenation fragmented
    the heap (reading the documents and indicators of the 10,000 bench reports left the process 640 MB
    larger; by chunks of 250-1,000, 170-200 MB, and in half the time). Chunks without rows are skipped."""
    for first in range(0, len(doc_ids), CONCAT_CHUNK):
        paths = [layout.document_table(table, d) for d in doc_ids[first : first + CONCAT_CHUNK]]
        parts = [part for part in (read_ipc(path, columns) for path in paths if path.exists()) if part.num_rows]
        if parts:
            yield pa.concat_tables(parts, promote_options="permissive").combine_chunks()


def concat_document_arrow(
    layout: Layout, table: str, doc_ids: list[str], columns: list[str] | None = None
) -> pa.Table | None:
    """As concat_document_tables, kept in Arrow (no pandas objects for a table of millions of rows)."""
    chunks = list(document_arrow_chunks(layout, table, doc_ids, columns))
    return pa.concat_tables(chunks, promote_options="permissive") if chunks else None


def read_snapshot_table(snapshot: Path, name: str) -> pd.DataFrame:
    path = snapshot / f"{name}.parquet"
    return pd.read_parquet(path) if path.exists() else pd.DataFrame()


def new_snapshot_dir(layout: Layout, run_id: str) -> Path:
    folder = layout.snapshots / f"{TEMP_PREFIX}{run_id}"
    folder.mkdir(parents=True)
    return folder


def switch_snapshot(layout: Layout, building: Path, published_tables: tuple[str, ...]) -> Path:
    """Make a finished snapshot the current one: rename it to its final name, point `current` at
    it with one atomic rename, and make sure the top-level links exist."""
    final = building.with_name(building.name.removeprefix(TEMP_PREFIX))
    building.chmod(0o755)
    os.replace(building, final)
    link_tmp = layout.root / f"{TEMP_PREFIX}current"
    link_tmp.unlink(missing_ok=True)
    os.symlink(Path("snapshots") / final.name, link_tmp)
    os.replace(link_tmp, layout.current)
    for name in (*(f"{t}.parquet" for t in published_tables), *PUBLISHED_LINKS):
        link = layout.root / name
        if link.is_symlink() and os.readlink(link) == f"current/{name}":
            continue
        if link.is_dir() and not link.is_symlink():
            shutil.rmtree(link)  # an output folder from before snapshots
        else:
            link.unlink(missing_ok=True)
        os.symlink(f"current/{name}", link)
    return final


def clean_leftovers(layout: Layout, keep: int = 2) -> list[Path]:
    """Remove what a killed run left behind (temporary files and snapshots being built) and all
    but the newest `keep` snapshots (the previous one stays for readers still holding it). The
    per-document folders are searched for temporary files only after a killed run (`run_marker`):
    listing every document's files took 0.3 s at 10,000 reports."""
    removed: list[Path] = []
    current = current_snapshot(layout)
    for folder in (layout.root, layout.interim, layout.snapshots):
        if not folder.is_dir():
            continue
        for path in folder.iterdir():
            if path.name.startswith(TEMP_PREFIX):
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
                removed.append(path)
    killed = layout.run_marker.exists()
    for table_dir in layout.interim.iterdir() if killed else []:
        if table_dir.is_dir():
            for tmp in table_dir.glob(f"*/{TEMP_PREFIX}*"):
                tmp.unlink()
                removed.append(tmp)
    layout.run_marker.unlink(missing_ok=True)
    return removed + remove_old_snapshots(layout, keep, current)


def remove_old_snapshots(layout: Layout, keep: int, current: Path | None) -> list[Path]:
    """All finished snapshots but the newest `keep` and the current one (a snapshot being built is
    not finished: publish prunes while it builds the next)."""
    removed = []
    if layout.snapshots.is_dir():
        done = sorted(p for p in layout.snapshots.iterdir() if p.is_dir() and not p.name.startswith(TEMP_PREFIX))
        for old in done[:-keep]:
            if old != current:
                shutil.rmtree(old)
                removed.append(old)
    return removed
