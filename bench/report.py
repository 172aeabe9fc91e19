"""The generated part of docs/benchmarks.md: the tables of the last `make bench` (between two markers; the
prose around them — targets, profiles, findings — is written by hand and kept)."""

from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
BEGIN = "<!-- bench:results (written by make bench; edit outside these markers) -->"
END = "<!-- /bench:results -->"
NAMES = {
    "ours": "ours (roster_upload, the UI's entry point)",
    "floor": "floor: calamine + one INSERT / COPY, no checks",
    "iex_tuned": "django-import-export tuned (use_bulk, skip_diff, cached loader)",
    "iex_default": "django-import-export default ModelResource",
}


def _imports(results: dict) -> list[str]:
    lines = [
        "| rows | contender | SQLite s | rows/s | × floor | RSS MB "
        "| PostgreSQL s | rows/s | × floor | RSS MB | stored (SQLite / PG) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    by_key = {(r["database"], r["rows"], r["contender"]): r for r in results["roster_import"]}
    for rows in sorted({r["rows"] for r in results["roster_import"]}):
        for contender in NAMES:
            cells = [f"{rows:,}", NAMES[contender]]
            stored = []
            for vendor in ("sqlite", "postgresql"):
                r = by_key.get((vendor, rows, contender))
                if r is None:
                    cells += ["–"] * 4
                    stored.append("–")
                    continue
                rss = max(r["peak_rss_mb"], r["child_peak_rss_mb"])
                runs = "" if len(r["runs"]) == results["repeat"] else f" ({len(r['runs'])} run)"
                cells += [
                    f"{r['seconds']:.2f}{runs}",
                    f"{r['rows_per_second']:,}",
                    f"{r['ratio_to_floor']}",
                    f"{rss:.0f}",
                ]
                stored.append(f"{r['stored']:,}" + ("" if r["stored"] >= rows else " **SHORT**"))
            cells.append(" / ".join(stored))
            lines.append("| " + " | ".join(cells) + " |")
    return lines


def _pages(results: dict) -> list[str]:
    pages = results["pages"]
    lines = [
        f"{pages['clients']} concurrent clients, {pages['duration']} s per page, gunicorn 2 workers × 4 "
        "threads (config/gunicorn.py), DEBUG off, on the generated city (PostgreSQL).",
        "",
        "| page | role | p50 ms | p95 ms | p99 ms | req/s | failures | queries |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for p in pages["pages"]:
        ms = [
            f"{p[k]:.0f}" if p[k] is not None else f"> {pages['duration']} s"
            for k in ("p50_ms", "p95_ms", "p99_ms")
        ]
        lines.append(
            f"| {p['name']} | {p['role']} | {' | '.join(ms)} | {p['rps']} | {p['failures']}"
            f" | {p['queries']} |"
        )
    return lines


def _services(results: dict) -> list[str]:
    s = results["services"]
    if not s:
        return ["(not measured: see the errors above)"]
    rows = [
        (
            "roster import of the biggest unit's renewal",
            "roster_import",
            f"{s['roster_import']['stored']:,} rows",
        ),
        ("上报", "submit", ""),
        ("区县 通过", "approve_district", ""),
        ("市总 通过 (freezes the fees, issues the notice)", "approve_city_freezes_fees", ""),
        (
            "缴费通知单 PDF, first render",
            "notice_pdf_first",
            f"{s['notice_pdf_first']['bytes'] / 1024:.0f} KB",
        ),
        ("缴费通知单 PDF, again", "notice_pdf_again", ""),
        (
            "收款确认 (members + coverages)",
            "payment_confirm",
            f"{s['payment_confirm']['coverages_created']:,} coverages",
        ),
        ("eligibility check of a claim (median of 50)", "eligibility_check", ""),
    ]
    lines = [
        f"The biggest unit's renewal: {s['members']:,} members, two plans (ZJ + YW), on the generated city.",
        "",
        "| step | seconds | queries | notes |",
        "|---|---:|---:|---|",
    ]
    for label, key, note in rows:
        if key in s:
            value = s[key]["seconds"]
            shown = f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f}"
            lines.append(f"| {label} | {shown} | {s[key]['queries']} | {note} |")
    return lines


def _city(results: dict) -> list[str]:
    c = results["city"]
    rows = ", ".join(f"{table} {count:,}" for table, count in sorted(c["rows"].items()))
    return [
        f"`generate_city --scale {c['scale']}` on {c['vendor']}: **{c['seconds']} s** "
        f"(command wall time {c['wall_seconds']} s). Rows: {rows}.",
        "",
        "Steps: " + "; ".join(f"{k} {v} s" for k, v in c["steps"].items()) + ".",
    ]


def _sections(results: dict) -> str:
    return ", ".join(f"{k.replace('_', ' ')} {v} s" for k, v in results.get("section_seconds", {}).items())


def render(results: dict) -> str:
    m = results["machine"]
    parts = [
        BEGIN,
        "",
        f"Last run: scale **{results['scale']}**, median of {results['repeat']}, whole bench "
        f"{results['total_seconds']} s ({_sections(results)}); {m['cpus']} CPUs shared with other work "
        f"(load average {m['load_before'][0]} before, {m['load_after'][0]} after), Python {m['python']}.",
        "",
        "### Roster import (fresh database per run, the same xlsx for every contender)",
        "",
        *_imports(results),
        "",
        "### The generated city",
        "",
        *_city(results),
        "",
        "### Pages under load",
        "",
        *_pages(results),
        "",
        "### Services on the city",
        "",
        *_services(results),
        "",
        END,
    ]
    for error in results.get("errors", []):
        parts.insert(2, f"**ERROR:** `{error[-300:]}`\n")
    if results["failed"]:
        parts.insert(
            2, "**FAILED — stored fewer rows than the file has:** " + "; ".join(results["failed"]) + "\n"
        )
    return "\n".join(parts)


def write_report(results: dict) -> None:
    """Replace the text between the markers of docs/benchmarks.md (`python -m bench.report` re-renders it
    from bench/results.json)."""
    text = DOC.read_text() if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    _old, tail = rest.split(END, 1)
    DOC.write_text(head + render(results) + tail)


if __name__ == "__main__":
    import json

    write_report(json.loads((DOC.parents[1] / "bench" / "results.json").read_text()))
