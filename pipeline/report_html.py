"""report.html: one self-contained page (no script, style or font loaded from anywhere) with the
corpus summary, data quality, charts of the panel and of theme shares, what changed in the last
refresh, and the evidence of every figure.

Charts are inline SVG whose labels are text the browser renders with the reader's fonts, so
Chinese shows wherever the page is opened; the same SVGs are written to charts/.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline import store
from pipeline.frames import isin
from pipeline.names import THEME_NAMES

FONT = "'Noto Sans CJK SC','Noto Sans SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030", "#319795", "#4a5568")
# The evidence view lists this many figures at most (the rest are in figures.csv).
MAX_EVIDENCE = 400


def bar_chart(chart_id: str, title: str, labels: list[str], values: list[float], unit: str = "") -> str:
    """A horizontal bar chart as SVG; labels are <text> elements."""
    row, left, width = 24, 260, 420
    height = 50 + row * max(len(labels), 1)
    top = max(values, default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" role="img" '
        f'width="{left + width + 90}" height="{height}" viewBox="0 0 {left + width + 90} {height}" '
        f'font-family="{FONT}" font-size="13">',
        f"<title>{html.escape(title)}</title>",
        f'<text x="8" y="20" font-size="15" font-weight="bold">{html.escape(title)}</text>',
    ]
    if not labels:
        parts.append('<text x="8" y="44">(无数据 no data)</text>')
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 34 + i * row
        w = max(1.0, width * value / top)
        color = PALETTE[i % len(PALETTE)]
        parts.append(
            f'<text class="label" x="{left - 6}" y="{y + 15}" text-anchor="end">{html.escape(label[:28])}</text>'
            f'<rect class="bar" x="{left}" y="{y + 2}" width="{w:.1f}" height="{row - 6}" fill="{color}">'
            f"<title>{html.escape(label)}: {value:g}{unit}</title></rect>"
            f'<text x="{left + w + 4:.1f}" y="{y + 15}">{value:g}{unit}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def place_label(row: Any) -> str:
    parts = [p for p in (row.province, row.city, row.county) if isinstance(p, str) and p]
    return " ".join(parts) or "(地区不明)"


def theme_shares(passages: pa.Table) -> pd.DataFrame:
    """Share of body passages that discuss each theme, from the passages' `kind` and `themes`
    columns in Arrow (a Python loop over the lists took 0.4 s per call at 10,000 bench reports)."""
    body = passages.filter(pc.equal(passages["kind"], "body")) if passages.num_rows else passages
    n = body.num_rows
    counts = dict.fromkeys(THEME_NAMES, 0)
    if n:
        found = pc.value_counts(pc.list_flatten(body["themes"]))
        counts.update(zip(found.field("values").to_pylist(), found.field("counts").to_pylist(), strict=True))
    return pd.DataFrame(
        [
            {"theme": t, "theme_name": THEME_NAMES.get(t, t), "passages": c, "share": round(c / n, 3) if n else 0.0}
            for t, c in counts.items()
        ]
    )


def charts(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """The snapshot's charts as SVG: the panel by region and by year, theme shares, figures by type."""
    panel = tables["panel"]
    counts = panel[panel["aggregate"] == "sum"] if len(panel) else panel
    by_region: list[tuple[str, float]] = []
    by_year: list[tuple[str, float]] = []
    if len(counts):
        counts = counts.assign(place=[place_label(r) for r in counts.itertuples()])
        reg = counts.groupby(["place", "indicator_name"]).value.sum().sort_values(ascending=False).head(25)
        by_region = [(f"{p} · {n}", float(v)) for (p, n), v in reg.items()]
        yr = counts.groupby(["year", "indicator_name"]).value.sum().sort_index()
        by_year = [(f"{y}年 · {n}", float(v)) for (y, n), v in yr.items()][:40]
    shares = tables["theme_shares"].sort_values("share", ascending=False)
    figures = tables["figures"]
    by_type = figures.groupby("indicator_name").size().sort_values(ascending=False) if len(figures) else pd.Series()
    return {
        "panel_by_region": bar_chart(
            "chart-panel-region",
            "按地区汇总(总数，已完成，不重复计算)",
            [a for a, _ in by_region],
            [b for _, b in by_region],
        ),
        "panel_by_year": bar_chart(
            "chart-panel-year", "按年度汇总(总数，已完成，不重复计算)", [a for a, _ in by_year], [b for _, b in by_year]
        ),
        "theme_shares": bar_chart(
            "chart-themes",
            "各主题段落占比(%)",
            shares.theme_name.tolist(),
            [round(100 * s, 1) for s in shares.share],
            "%",
        ),
        "figures_by_type": bar_chart(
            "chart-types", "不同数字按指标类型", [str(k) for k in by_type.index], [float(v) for v in by_type.values]
        ),
    }


def _table(frame: pd.DataFrame, columns: list[str], max_rows: int = 200) -> str:
    if frame.empty:
        return "<p>(无 none)</p>"
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for _, r in frame.head(max_rows).iterrows():
        cells = "".join(f"<td>{html.escape(_cell(r.get(c)))}</td>" for c in columns)
        body.append(f"<tr>{cells}</tr>")
    more = f"<p>… {len(frame) - max_rows} more rows in the CSV</p>" if len(frame) > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _cell(value: object) -> str:
    value = store.csv_cell(value)
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _markdown(md: str) -> str:
    """changes.md as HTML: its tables and headings (the only markdown it uses)."""
    out: list[str] = []
    rows: list[str] = []

    def flush() -> None:
        if rows:
            cells = [[c.strip() for c in r.strip().strip("|").split("|")] for r in rows if not set(r) <= set("|-: ")]
            if cells:
                head = "".join(f"<th>{html.escape(c)}</th>" for c in cells[0])
                body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in cells[1:])
                out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
            rows.clear()

    for line in md.splitlines():
        if line.startswith("|"):
            rows.append(line)
            continue
        flush()
        if line.startswith("## "):
            out.append(f"<h3>{html.escape(line[3:])}</h3>")
        elif line.startswith("# "):
            out.append(f"<h3>{html.escape(line[2:])}</h3>")
        elif line.strip():
            out.append(f"<p>{html.escape(line)}</p>")
    flush()
    return "\n".join(out)


def _highlight(passage: str, sentence: str, figure: str) -> str:
    """The passage with its sentence marked and the figure in bold."""
    at = passage.find(sentence) if sentence else -1
    if at < 0:
        passage, at = sentence, 0
    before, after = passage[:at], passage[at + len(sentence) :]
    inner = html.escape(sentence)
    if figure and figure in sentence:
        i = sentence.find(figure)
        inner = (
            html.escape(sentence[:i])
            + f"<strong>{html.escape(figure)}</strong>"
            + html.escape(sentence[i + len(figure) :])
        )
    return f"{html.escape(before)}<mark>{inner}</mark>{html.escape(after)}"


def evidence_documents(figures: pd.DataFrame) -> set[str]:
    """The documents whose figures the evidence view shows (their passages' text is read)."""
    return set(figures.head(MAX_EVIDENCE).doc_id)


def evidence_view(tables: dict[str, pd.DataFrame]) -> str:
    figures, indicators, passages = tables["figures"], tables["indicators"], tables["passages"]
    if figures.empty:
        return "<p>(no figures)</p>"
    shown = figures.head(MAX_EVIDENCE)
    docs = evidence_documents(figures)  # index only the shown documents' rows, not the whole corpus's
    # Looked up in dicts: a MultiIndex look-up per shown figure took 0.12 s of each publish.
    ind = indicators[isin(indicators.doc_id, docs)]
    mention = {
        (doc_id, start, end, kind): (passage_id, figure)
        for doc_id, start, end, kind, passage_id, figure in zip(
            ind.doc_id, ind.raw_start, ind.raw_end, ind.indicator, ind.passage_id, ind.figure, strict=True
        )
    }
    text: dict[tuple[str, int], str] = {}
    if len(passages):
        near = passages[isin(passages.doc_id, docs)]
        text = dict(zip(zip(near.doc_id, near.passage_id, strict=True), near.text, strict=True))
    items = []
    for f in shown.itertuples():
        passage_id, figure = mention[(f.doc_id, f.raw_start, f.raw_end, f.indicator)]
        passage = str(text.get((f.doc_id, passage_id), f.evidence))
        where = f.source_url if isinstance(f.source_url, str) and f.source_url else f.source
        value = "X (masked)" if f.masked else f"{f.value:g}"
        flags = " <span class='conflict'>版本数值不一致 conflict</span>" if f.conflict else ""
        items.append(
            f"<div class='figure' data-figure='{f.figure_id}'><div class='meta'><b>{html.escape(f.indicator_name)}</b> "
            f"{html.escape(value)} · {html.escape(str(f.role))} · {html.escape(str(f.modality))} · "
            f"{html.escape(f.year or '年份不明')} · {html.escape(place_label(f))}{flags}</div>"
            f"<div class='passage'>{_highlight(passage, str(f.evidence), str(figure))}</div>"
            f"<div class='source'>来源 source: {html.escape(str(where))}"
            + (f" (+{f.n_sources - 1} copies)" if f.n_sources > 1 else "")
            + "</div></div>"
        )
    more = f"<p>… {len(figures) - MAX_EVIDENCE} more figures in figures.csv</p>" if len(figures) > MAX_EVIDENCE else ""
    return "\n".join(items) + more


STYLE = f"""
body {{ font-family: {FONT}; margin: 2em auto; max-width: 1100px; color: #1a202c; }}
table {{ border-collapse: collapse; margin: .5em 0 1.5em; font-size: 13px; }}
th, td {{ border: 1px solid #cbd5e0; padding: 3px 6px; text-align: left; vertical-align: top; }}
th {{ background: #edf2f7; }}
.figure {{ border-left: 3px solid #2b6cb0; margin: .8em 0; padding: .2em .8em; }}
.passage {{ color: #4a5568; font-size: 14px; }}
mark {{ background: #fefcbf; }}
.source {{ color: #718096; font-size: 12px; }}
.conflict {{ color: #c53030; }}
.summary td:first-child {{ font-weight: bold; }}
"""


def render(
    tables: dict[str, pd.DataFrame],
    charts: dict[str, str],
    changes_md: str,
    run_id: str,
    layout: store.Layout,
    manifest: dict[str, Any],
    passage_count: int,
) -> str:
    docs, figures, reports = tables["documents"], tables["figures"], tables["reports"]
    errors = tables["ingest_errors"]
    flags = docs["flags"].map(lambda f: list(f) if hasattr(f, "__iter__") and not isinstance(f, str) else [])
    troubled = docs[
        (docs.quality < 1)
        | flags.map(
            lambda f: any(str(x).startswith(("garbled", "truncated", "no_body")) or "_failed" in str(x) for x in f)
        )
    ]
    summary = [
        ("run", run_id),
        ("文档 documents", len(docs)),
        ("报告 reports (near-duplicates merged)", len(reports)),
        ("数字 distinct figures", len(figures)),
        ("版本冲突 figures whose versions disagree", int(figures.conflict.sum()) if len(figures) else 0),
        ("段落 passages", passage_count),
        ("跳过的文件 files skipped", len(errors)),
        ("published between", _date_range(docs.published)),
    ]
    summary_rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in summary)
    shares = tables["theme_shares"]
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>巡视巡察报告数据 · {html.escape(run_id)}</title>
<style>{STYLE}</style></head><body>
<h1>巡视巡察工作报告数据 Inspection reports</h1>
<section id="summary"><h2>概况 Corpus summary</h2><table class="summary">{summary_rows}</table>
{_table(reports, ["report_id", "title", "published", "province", "city", "county", "n_versions", "version_kinds"])}
</section>
<section id="quality"><h2>数据质量 Data quality</h2>
<h3>跳过的文件 Skipped files</h3>{_table(errors, ["source", "format", "error"])}
<h3>乱码或截断的文档 Garbled or truncated documents</h3>{_table(troubled, ["source", "title", "quality", "flags"])}
</section>
<section id="panel"><h2>面板 Panel (region × year × indicator)</h2>
<p>Totals only (no breakdowns, no back-references), achieved only, one calendar year; each figure once.</p>
{charts["panel_by_region"]}
{charts["panel_by_year"]}
{_table(tables["panel"], ["province", "city", "county", "year", "indicator_name", "value", "n_figures", "n_reports"])}
</section>
<section id="themes"><h2>主题 Themes</h2>{charts["theme_shares"]}
{_table(shares, ["theme_name", "theme", "passages", "share"])}
{charts["figures_by_type"]}
</section>
<section id="changes"><h2>最近一次更新 What changed in the last refresh</h2>{_markdown(changes_md)}</section>
<section id="evidence"><h2>证据 Evidence</h2>{evidence_view(tables)}</section>
</body></html>
"""


def _date_range(dates: pd.Series) -> str:
    d = pd.to_datetime(dates, errors="coerce").dropna()
    return f"{d.min():%Y-%m-%d} – {d.max():%Y-%m-%d}" if len(d) else "unknown"
