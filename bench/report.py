#!/usr/bin/env python3
"""Renders one run of `make bench` (bench/results/<date>.json) as the Markdown tables of docs/BENCHMARKS.md.

Usage: python3 bench/report.py bench/results/2026-11-25T171816Z.json
"""
import json
import sys


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join("" if cell is None else str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def of(records, kind, **match):
    return [r for r in records if r.get("bench") == kind and all(r.get(k) == v for k, v in match.items())]


def machine(records):
    m = of(records, "machine")[0]
    return (f"Run of {m['date']}: {m['cpus']} CPUs, Linux {m['kernel']}, net.core.rmem_max = {m['rmem_max']}, "
            f"peer {m.get('influxdb') or 'not installed'}.")


def ingest(records):
    ceilings = of(records, "ceiling")
    ceiling = ceilings[0] if ceilings else {"runs": 0, "seconds": 0, "median_rate": 0}  # `--only influx`: none
    runs = ", ".join(f"{r['rate']:,}" for r in of(records, "ceiling-run"))
    rows = [[r["system"], f"{r['target_rate']:,}", f"{r['achieved_rate']:,}", r["seconds"], f"{r['sent']:,}",
             f"{r['stored']:,}", r["lost_percent"], r.get("kernel_drops", ""), r["peak_rss_mb"],
             r["cpu_us_per_datagram"], r.get("fraction_of_ceiling", ""), r.get("bytes_per_sample", "")]
            for r in of(records, "ingest")]
    text = (f"Raw `recvmmsg` ceiling (median of {ceiling['runs']} runs of {ceiling['seconds']} s: {runs}): "
            f"**{ceiling['median_rate']:,} datagrams/s**.\n\n") if ceilings else ""
    text += table(["system", "rate asked /s", "rate sent /s", "s", "sent", "stored", "lost %", "kernel drops",
                   "peak RSS MB", "CPU µs/datagram", "of ceiling", "bytes/sample"], rows)
    for target in of(records, "ingest-target"):
        sent = ""
        if target.get("achieved_rate"):
            sent = (f" (sent {target['achieved_rate']:,}/s, {target['fraction_of_ceiling']} of the ceiling"
                    + ("; the sender's maximum: the rate asked is above what this machine's loopback carries"
                       if target.get("sender_limited") else "") + ")")
        text += (f"\n\nTarget (zero loss at 90% of the ceiling, at least 250,000/s, for 60 s, peak RSS ≤ "
                 f"{target['target_rss_mb']} MB) at {target['target_rate']:,}/s{sent}: lost "
                 f"{target['lost_percent']}%, peak RSS {target['peak_rss_mb']} MB: **{target['verdict']}**.")
    for limit in of(records, "influx-limit"):
        if limit.get("reason"):
            text += (f"\n\nInfluxDB's sweep (rising rates until it loses data or the sender tops out): "
                     f"{limit['reason']} at {limit['at_rate']:,}/s ({limit['lost_percent']}% lost).")
    for target in of(records, "statsd-target"):
        text += (f"\n\nStatsD (one timer per datagram, lossless at 90% of the ceiling) at {target['target_rate']:,}/s "
                 f"(sent {target['achieved_rate']:,}/s, {target['fraction_of_ceiling']} of the ceiling): lost "
                 f"{target['lost_percent']}%: **{target['verdict']}**.")
    for target, run in zip(of(records, "retention-ingest-target"), of(records, "retention-ingest")):
        asked = "the sender's maximum" if target.get("flat_out") else f"{target['target_rate']:,}/s"
        text += (f"\n\nWhile retention deletes a generated year ({run['year_calls']:,} calls, --retention-raw 1h "
                 f"--retention 1d) at {asked} (sent {target['achieved_rate']:,}/s): lost "
                 f"{target['lost_percent']}% ({run['kernel_drops']} kernel drops), peak RSS {target['peak_rss_mb']} MB, "
                 f"retention {'progressed' if target['retention_progressed'] else 'did not progress'} during the hold "
                 f"(summarized calls {run['summarized_calls_before']:,} -> {run['summarized_calls_after']:,}), "
                 f"quick_check {run['quick_check']}: **{target['verdict']}**.")
    for otlp in of(records, "otlp"):
        text += (f"\n\nOTLP/HTTP ({otlp['spans_per_request']:,} spans per protobuf request, {otlp['bytes_per_span']} "
                 f"bytes a span, {otlp['connections']} connections, {otlp['seconds']} s): "
                 f"**{otlp['spans_per_second']:,} spans/s** acknowledged (target {otlp['target']:,}), "
                 f"{otlp['spans_stored']:,} of {otlp['spans_acknowledged']:,} stored, {otlp['busy_answers']} answered 503, "
                 f"{otlp['cpu_us_per_span']} µs CPU a span, peak RSS {otlp['peak_rss_mb']} MB: {otlp['verdict']}.")
    return text


def queries(records):
    records = [r for r in records if not r.get("variant")]
    systems = ["kodemon-core", "kodemon-http", "influxdb-http", "kodemon-core-clickhouse",
               "kodemon-core-clickhouse-2-shards"]
    names = [r["query"] for r in of(records, "query", system="kodemon-core")]
    rows = []
    for name in names:
        core = of(records, "query", system="kodemon-core", query=name)[0]
        cells = [name, core.get("target_ms"), core.get("verdict")]
        for system in systems:
            found = of(records, "query", system=system, query=name)
            cells.append(found[0]["median_ms"] if found else None)
        influx = of(records, "query", system="influxdb-http", query=name)
        cells.append(f"{influx[0]['median_ms'] / core['median_ms']:.1f}×" if influx and core["median_ms"] else None)
        http = of(records, "query", system="kodemon-http", query=name)
        if http and http[0].get("target_ms"):
            cells[1] = f"{cells[1]} (HTTP {http[0]['target_ms']})"
            cells[2] = f"{cells[2]} (HTTP {http[0]['verdict']})"
        rows.append(cells)
    text = table(["query (median ms)", "target ms", "verdict", "Kodemon core", "Kodemon HTTP", "InfluxDB HTTP",
                  "ClickHouse (core)", "ClickHouse 2 shards", "InfluxDB / Kodemon"], rows)
    for load in of(records, "http-load"):
        text += (f"\n\nHTTP load: `{load['route']}` with {load['clients']} clients (wrk, 10 s): "
                 f"**{load['requests_per_second']:,.0f} requests/s** (target {load['target']:,}): {load['verdict']}.")
    return text


def clickhouse(records):
    """The ClickHouse store against issue 20's targets, one server and two shards, beside SQLite's answer."""
    records = [r for r in records if not r.get("variant")]
    rows = []
    for core in of(records, "query", system="kodemon-core-clickhouse"):
        name = core["query"]
        sqlite = of(records, "query", system="kodemon-core", query=name)
        shards = of(records, "query", system="kodemon-core-clickhouse-2-shards", query=name)
        rows.append([name, core["target_ms"], sqlite[0]["median_ms"] if sqlite else None, core["median_ms"],
                     core["verdict"], shards[0]["median_ms"] if shards else None,
                     shards[0]["verdict"] if shards else None])
    return table(["query (median ms)", "ClickHouse target ms", "SQLite core", "ClickHouse, one server", "verdict",
                  "ClickHouse, 2 shards", "verdict"], rows)


def clickhouse_variants(records):
    """Other versions' answers to the same questions on the same data (bench/clickhouse.py --variant)."""
    labels = []
    for r in of(records, "query"):
        if r.get("variant") and r["variant"] not in labels:
            labels.append(r["variant"])
    text = []
    for system, title in (("kodemon-core-clickhouse", "one server"),
                          ("kodemon-core-clickhouse-2-shards", "two shards")):
        rows = []
        for core in [r for r in of(records, "query", system=system) if not r.get("variant")]:
            cells = [core["query"], core["target_ms"]]
            for label in labels:
                found = [r for r in of(records, "query", system=system, query=core["query"])
                         if r.get("variant") == label]
                cells.append(found[0]["median_ms"] if found else None)
            cells.append(core["median_ms"])
            rows.append(cells)
        if rows:
            text.append(f"ClickHouse, {title} (median ms):\n\n"
                        + table(["query", "target ms", *labels, "this build (LowCardinality keys)"], rows))
    return "\n\n".join(text)


def storage(records):
    rows = []
    for g in of(records, "generate"):
        store = g.get("store", "sqlite")
        per = g.get("bytes_per_sample") or (round(g["bytes"] / g["samples"], 1) if g.get("bytes", 0) > 0 else None)
        rate = g.get("rate") or round(g["samples"] / g["seconds"]) if g.get("seconds") else None
        rows.append([store, f"{g['samples']:,}", g["seconds"], f"{rate:,}" if rate else None, per])
    for load in of(records, "load"):
        rows.append([load["system"] + " (line protocol over HTTP)", f"{load['points']:,}", load["seconds"],
                     f"{round(load['points'] / load['seconds']):,}", None])
    return table(["store", "samples", "s", "samples/s", "bytes/sample"], rows)


def ui(records):
    rows = [[r["ui"], r["ms"], r["target_ms"], r["verdict"], r.get("note", "")] for r in of(records, "ui")
            if r.get("database") != "history"]
    return table(["figure", "ms", "target ms", "verdict", "note"], rows)


def alerts(records):
    rows = []
    for r in of(records, "alerts", alertbench="evaluation"):
        rows.append([f"{r['rules']:,} rules over {r['functions']:,} functions, every {r['interval_s']} s",
                     f"{r['calls_per_second']:,.0f} calls/s, {r['window']} windows ({r['calls_per_window']:,.0f} calls each)",
                     r["cpu_ms_per_evaluation"], f"{r['evaluation_ms_median']} / {r['evaluation_ms_max']}",
                     f"{r['core_percent']}%", f"{r['target_percent']}%", r["verdict"]])
    text = table(["evaluating", "while storing", "CPU ms per evaluation", "evaluation ms (median / max)",
                  "of one core", "target", "verdict"], rows)
    for r in of(records, "alerts-ingest"):
        text += (f"\n\nIngest while every alert's webhook hangs ({r['firing']:,} alerts firing, {r['hung_connections']} "
                 f"connections held open, {r['webhooks_waiting']} notifications waiting, {r['webhook_retries']} retries): "
                 f"{r['sent']:,} calls at {r['achieved_rate']:,}/s for {r['seconds']} s, {r['stored']:,} stored, lost "
                 f"{r['lost_percent']}%, kernel drops {r['kernel_drops']}: **{r['verdict']}**.")
    return text


def changes(records):
    rows = [[r["functions"], f"{r['calls']:,}", r["days"], r["seconds"], r["ms_per_function"], r["read_seconds"],
             r["read_failed_seconds"], r["detect_seconds"], r["changes"], r["target_seconds"], r["verdict"]]
            for r in of(records, "changes")]
    return table(["functions", "calls", "days", "s (median)", "ms/function", "read s", "read failed s", "detect s",
                  "changes", "target s", "verdict"], rows)


def sketch_index(records):
    rows = [[f"{r['calls']:,}", r["tables_ns"], r["log_ns"], f"{r['speedup']}x", f"{r['target_speedup']}x", r["verdict"]]
            for r in of(records, "sketch-index")]
    return table(["calls", "ns by the tables", "ns by log", "speedup", "target", "verdict"], rows)


def history(records):
    """Issue 18: the year of 100M calls, as generated and once retention summarized it, and the window on it."""
    rows = []
    for raw in of(records, "query", system="kodemon-core-history-raw"):
        found = of(records, "query", system="kodemon-core-history", query=raw["query"])
        done = found[0] if found else {}
        target = raw["target_ms"] if raw["target_ms"] >= 0 else None
        rows.append([raw["query"], target, f'{raw["median_ms"]} ({raw.get("cpu_ms")} CPU)',
                     f'{done.get("median_ms")} ({done.get("cpu_ms")} CPU)' if done else None,
                     done.get("exact"), done.get("verdict")])
    text = table(["question (ms)", "target ms", "as generated", "after retention", "exact", "verdict"], rows)
    for r in of(records, "retention"):
        text += (f"\n\nRetention over {r['samples']:,} calls: {r['summarized_calls']:,} summarized in {r['seconds']} s "
                 f"({r['call_mb']} MB of calls and {r['summary_mb']} MB of summaries left; peak RSS {r['peak_rss_mb']} MB).")
    for r in of(records, "summary-layout"):
        tables = ", ".join(f"`{name}` {mb} MB" for name, mb in r["table_mb"].items() if mb >= 1)
        text += (f"\n\nWhere the bytes are (dbstat): {tables}. Summary tables and their indexes: "
                 f"{r['summary_bytes_per_call']} B per summarized call; {r['hour_rows']:,} hour rows of "
                 f"{r['calls_per_hour_row']} calls and a {r['sketch_bytes_per_hour_row']}-byte sketch on average, "
                 f"{r['minute_rows']:,} minute rows of {r['minute_bytes_per_row']} bytes.")
    windows = [[r["ui"], r["ms"], r["target_ms"], r["verdict"], r.get("note", "")]
               for r in of(records, "ui", database="history")]
    if windows:
        text += "\n\n" + table(["window on the summarized year", "ms", "target ms", "verdict", "note"], windows)
    return text


def render(records):
    print(machine(records), end="\n\n")
    for title, part, kind in (("Ingest", ingest, ("ingest", "retention-ingest")), ("Queries on 10M samples", queries, "query"),
                              ("ClickHouse against its targets", clickhouse, "query"),
                              ("Generating 10M samples", storage, "generate"), ("Desktop viewer (offscreen)", ui, "ui"),
                              ("Alerts", alerts, "alerts"), ("What changed", changes, "changes"),
                              ("Sketch bucket index (tables against log)", sketch_index, "sketch-index"),
                              ("A year of 100M calls", history, "retention")):
        if not any(of(records, k) for k in (kind if isinstance(kind, tuple) else (kind,))):
            continue  # a partial run (bench/run.py --only)
        print(f"#### {title}\n\n{part(records)}\n")


def main():
    render(json.load(open(sys.argv[1])))


if __name__ == "__main__":
    main()
