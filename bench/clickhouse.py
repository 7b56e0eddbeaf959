#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The ClickHouse part of `make bench` alone (one server, then two shards), and before/after tables.

    python3 bench/clickhouse.py                         # build/release, 10M samples, 7 repeats
    python3 bench/clickhouse.py --variant before=/tmp/old-build --variant step1=/tmp/step1-build
    python3 bench/clickhouse.py --string-keys-too --variant ...   # the variants on the String-keyed layout

    python3 bench/clickhouse.py --query-log --variant ...   # and system.query_log per query kind and build

Each --variant LABEL=BUILD runs that build's kodemon-querybench on the same databases right after this build's,
so that the versions of a change are compared on the same data in the same run (docs/BENCHMARKS.md). The data
is written by this build's kodemon-gendb. Results go to bench/results/clickhouse-<date>.json, with the load average
before and after each kodemon-querybench run (the machine is shared: compare builds within one run).
With --query-log every server logs its queries, and after each kodemon-querybench run the queries it caused are
summed per kind (statistics, buckets, pages, ...): duration on the server it asked, rows and bytes read on every
server (system.query_log's query_duration_ms, read_rows, read_bytes).
"""
import argparse
import datetime
import json
import os
import re
import statistics
import tempfile
import time
import urllib.request

import report
import run


def query_kind(sql):
    """What a query of the ClickHouse reader is for, from its SQL (clickhousereader.cpp)."""
    if "quantilesExact(" in sql:
        return "statistics" + (" (range)" if "ts >= " in sql else " (whole key)")
    if "least(toInt64(" in sql:
        return "buckets"
    if "sum(calls)" in sql and "HAVING" in sql:
        return "key list"
    page = re.search(r"ORDER BY ts, token, origin, seq LIMIT (\d+)", sql)
    if page:
        return f"page (LIMIT {page.group(1)})"
    if "groupArray(tuple(first, last))" in sql or "tuple(toUInt64(sum(calls))" in sql:
        return "context / resent windows"
    if "sipHash64(" in sql or "system." in sql or "WHERE 0" in sql:
        return "look-ups (schema, shards)"
    return "other"


def post(port, sql):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", data=sql.encode(), method="POST")
    return urllib.request.urlopen(request, timeout=120).read().decode()


def query_log(since, labels):
    """The queries logged since `since` (epoch s) on every running server, summed per initial query."""
    servers = [s for s in run.ClickHouse.started if s.process.poll() is None]
    rows = {}
    for server in servers:
        post(server.http_port, "SYSTEM FLUSH LOGS")
        answer = post(server.http_port, "SELECT initial_query_id, is_initial_query, query_duration_ms, read_rows, "
                      f"read_bytes, replaceAll(replaceAll(query, '\\n', ' '), '\\t', ' ') FROM system.query_log WHERE "
                      f"type = 2 AND event_time >= toDateTime({int(since)}) AND query NOT LIKE '%system.query_log%' "
                      "AND query NOT LIKE 'INSERT%' FORMAT TSV")
        for line in answer.splitlines():
            qid, initial, ms, read_rows, read_bytes, sql = line.split("\t", 5)
            row = rows.setdefault(qid, {"ms": 0, "rows": 0, "bytes": 0, "sql": ""})
            row["rows"] += int(read_rows)
            row["bytes"] += int(read_bytes)
            if initial == "1":
                row["ms"] = int(ms)
                row["sql"] = sql
    kinds = {}
    for row in rows.values():
        if row["sql"]:
            kinds.setdefault(query_kind(row["sql"]), []).append(row)
    for kind, found in sorted(kinds.items()):
        run.emit("query_log", **labels, query_kind=kind, queries=len(found),
                 median_ms=statistics.median(r["ms"] for r in found),
                 median_read_rows=statistics.median(r["rows"] for r in found),
                 median_read_mb=round(statistics.median(r["bytes"] for r in found) / 1e6, 2))


def watch_querybench(builds, log_queries):
    """Wraps run.run_json: the load average around each kodemon-querybench run and, with --query-log, what its
    queries cost on the servers."""
    original = run.run_json

    def run_json(command, *args, **kwargs):
        if not command[0].endswith("kodemon-querybench"):
            return original(command, *args, **kwargs)
        build = builds.get(os.path.dirname(os.path.dirname(command[0])), command[0])
        setup = "two shards" if "--cluster" in command else "one server"
        before = os.getloadavg()
        time.sleep(1)  # query_log's event_time has whole seconds
        since = time.time()
        records = original(command, *args, **kwargs)
        run.emit("load", build=build, setup=setup, before=[round(x, 2) for x in before],
                 after=[round(x, 2) for x in os.getloadavg()])
        if log_queries:
            query_log(since, {"build": build, "setup": setup})
        return records

    run.run_json = run_json


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--samples", type=int, default=10000000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL=BUILD")
    parser.add_argument("--string-keys-too", action="store_true",
                        help="first the same with keys and tokens as String (the layout before LowCardinality); the "
                             "variants run there, this build on both")
    parser.add_argument("--query-log", action="store_true",
                        help="log every query on the servers and sum system.query_log per query kind and build")
    args = parser.parse_args()
    variants = [tuple(v.split("=", 1)) for v in args.variant]
    run.ClickHouse.log_queries = args.query_log
    watch_querybench({args.build: "this build", **{b: label for label, b in variants}}, args.query_log)
    started = datetime.datetime.now(datetime.timezone.utc)
    run.emit("machine", date=started.isoformat(timespec="seconds"), cpus=os.cpu_count(), kernel=os.uname().release,
             rmem_max=open("/proc/sys/net/core/rmem_max").read().strip(), influxdb=None)
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.build))) as workdir:
        if args.string_keys_too:
            run.clickhouse_bench(args.build, workdir, args.samples, args.repeats, None, variants, string_keys=True)
            variants = []
        run.clickhouse_bench(args.build, workdir, args.samples, args.repeats, None, variants)
    os.makedirs("bench/results", exist_ok=True)
    path = f"bench/results/clickhouse-{started.strftime('%Y-%m-%dT%H%M%SZ')}.json"
    with open(path, "w") as f:
        json.dump(run.RESULTS, f, indent=1)
    print(f"results written to {path}\n")
    print(report.clickhouse(run.RESULTS))
    if variants:
        print()
        print(report.clickhouse_variants(run.RESULTS))
    loads = [r for r in run.RESULTS if r["bench"] == "load"]
    if loads:
        print("\nLoad average (1, 5, 15 min) before and after each kodemon-querybench run:\n")
        print("| setup | build | before | after |\n|---|---|---|---|")
        for r in loads:
            print(f"| {r['setup']} | {r['build']} | {r['before']} | {r['after']} |")
    logged = [r for r in run.RESULTS if r["bench"] == "query_log"]
    if logged:
        print("\nsystem.query_log per query kind (medians per query; rows and bytes summed over the servers):\n")
        print("| setup | build | query kind | queries | ms | read_rows | read MB |\n|---|---|---|---|---|---|---|")
        for r in logged:
            print(f"| {r['setup']} | {r['build']} | {r['query_kind']} | {r['queries']} | {r['median_ms']} | "
                  f"{r['median_read_rows']} | {r['median_read_mb']} |")


if __name__ == "__main__":
    main()
