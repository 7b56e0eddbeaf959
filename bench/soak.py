#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make soak: Kodemon headless for a long run at a steady ingest rate with a short raw retention, while the HTTP API
is queried; checks that nothing is lost and that memory and the database stay flat once retention runs.

  python3 bench/soak.py --build build/release                 # 30 minutes, 50,000 calls/s, --retention-raw 5m
  python3 bench/soak.py --build build/ci --minutes 3          # a quick check of the script (retention 1 minute)

Retention steps every second on the writer's thread (SampleWriter::maintain) and its cut-off is `now -
--retention-raw` by arrival second, so a retention of minutes works as a retention of days does: from the
retention's length on, about as many calls leave each second as arrive.

Every sample and the verdict go to bench/results/soak-<date>.json. Exits 1 when a bound fails.
"""
import argparse
import datetime
import json
import math
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from run import Kodemon, proc_cpu_seconds, proc_status_mb, wait_until_stable

MB = 1024 * 1024


def percentile(values, p):
    """Nearest rank."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Queries(threading.Thread):
    """A dashboard's questions, one round a second: status, the key list, a function's statistics over 15 minutes
    (raw calls and, once retention ran, summaries), 500 chart buckets over an hour, a page of 1,000 calls."""

    def __init__(self, kodemon, interval):
        super().__init__(daemon=True)
        self.kodemon = kodemon
        self.interval = interval
        self.stopping = threading.Event()
        self.latencies = {}  # endpoint -> [ms]
        self.failures = []  # (seconds since start, endpoint, error)
        self.keys = []
        self.random = random.Random(1)
        self.started = time.time()

    def ask(self, name, path, **params):
        query = urllib.parse.urlencode(params)
        start = time.perf_counter()
        try:
            body = self.kodemon.get(path + ("?" + query if query else ""))
        except Exception as error:  # noqa: BLE001 (any failure is a finding, reported with the rest)
            self.failures.append((round(time.time() - self.started), name, str(error)))
            return None
        self.latencies.setdefault(name, []).append(1000 * (time.perf_counter() - start))
        return body

    def run(self):
        while not self.stopping.is_set():
            round_start = time.time()
            self.ask("status", "/api/status")
            body = self.ask("keys", "/api/keys")
            if body:
                self.keys = [k["key"] for k in json.loads(body)["keys"]]
            if self.keys:
                key = self.random.choice(self.keys)
                self.ask("stats", "/api/stats", key=key, **{"from": "now-15m", "to": "now"})
                self.ask("buckets", "/api/series", key=key, points=500, **{"from": "now-1h", "to": "now"})
                self.ask("executions", "/api/executions", key=key, limit=1000, **{"from": "now-60s"})
            self.stopping.wait(max(0.0, self.interval - (time.time() - round_start)))


def file_pages(db):
    """Pages in the file and on its free list, read on a read-only connection of its own."""
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            page_size, pages, free = (connection.execute(f"PRAGMA {p}").fetchone()[0]
                                      for p in ("page_size", "page_count", "freelist_count"))
            return pages * page_size, free * page_size
        finally:
            connection.close()
    except sqlite3.Error:
        return None, None


def size_of(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def load_average():
    """The machine's 1-minute load average: what else ran beside the soak."""
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def sample(kodemon, db, started, last_cpu):
    pid = kodemon.process.pid
    now = time.time()
    status = kodemon.status()
    cpu = proc_cpu_seconds(pid)
    counters, kept = status["counters"], status["retention"]
    pages_bytes, free_bytes = file_pages(db)
    record = dict(
        t=round(now - started), rss_mb=round(proc_status_mb(pid, "VmRSS"), 1),
        hwm_mb=round(proc_status_mb(pid, "VmHWM"), 1), db_mb=round(size_of(db) / MB, 1),
        wal_mb=round(size_of(db + "-wal") / MB, 1), free_mb=None if free_bytes is None else round(free_bytes / MB, 1),
        received=counters["datagrams_received"], stored=counters["samples_stored"],
        pending=counters["samples_pending"], kernel_drops=counters.get("kernel_drops", 0),
        rejected=counters["rejected_total"],
        oldest_call_age=None if kept["oldest_call"] is None else round(now - kept["oldest_call"]),
        call_mb=round(kept["call_bytes"] / MB, 1), summary_mb=round(kept["summary_bytes"] / MB, 2),
        summarized=kept["summarized_calls"],
        cpu_percent=round(100 * (cpu - last_cpu[1]) / max(now - last_cpu[0], 1e-3)), load1=load_average())
    record["db_wal_mb"] = round(record["db_mb"] + record["wal_mb"], 1)
    record["raw_kept"] = record["stored"] - record["summarized"]  # calls kept whole
    last_cpu[:] = [now, cpu]
    return record


COLUMNS = [("t", "s"), ("rss_mb", "RSS MB"), ("hwm_mb", "HWM MB"), ("db_mb", "file MB"), ("wal_mb", "WAL MB"),
           ("free_mb", "free MB"), ("call_mb", "calls MB"), ("summary_mb", "summ. MB"), ("stored", "stored"),
           ("summarized", "summarized"), ("raw_kept", "kept raw"), ("pending", "pending"), ("kernel_drops", "drops"),
           ("oldest_call_age", "oldest s"), ("cpu_percent", "CPU %"), ("load1", "load")]


def print_table(samples):
    print("| " + " | ".join(title for _, title in COLUMNS) + " |")
    print("|" + "|".join("---:" for _ in COLUMNS) + "|")
    for s in samples:
        print("| " + " | ".join("" if s[name] is None else f"{s[name]:,}" if isinstance(s[name], int)
                                else str(s[name]) for name, _ in COLUMNS) + " |")


def flatness(samples, field, reference_time, window, bound_percent):
    """The field's maximum after the reference time against its maximum over the window that ends there (a max
    against a max, so that a sawtooth such as the WAL's is compared peak to peak)."""
    before = [s[field] for s in samples if reference_time - window < s["t"] <= reference_time]
    if not before:
        before = [s[field] for s in samples if s["t"] <= reference_time][-1:]
    after = [s[field] for s in samples if s["t"] > reference_time]
    if not before or not after:
        return dict(field=field, verdict="not measured (run too short)")
    reference, later = max(before), max(after)
    growth = 100.0 * (later - reference) / reference
    return dict(field=field, reference=reference, max_after=later, last=after[-1], growth_percent=round(growth, 1),
                bound_percent=bound_percent, verdict="pass" if growth <= bound_percent else "FAIL")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--retention-raw", type=int, default=None,
                        help="seconds (default: 300, or 60 for runs under 15 minutes)")
    parser.add_argument("--rate", type=int, default=50000, help="calls per second")
    parser.add_argument("--functions", type=int, default=500, help="distinct keys the load generator sends")
    parser.add_argument("--spread", default="0",
                        help="calls' timestamps drawn from this many seconds before now, or `day`: since midnight UTC "
                             "(each function's per-minute summaries of the day then hold as many minutes as a "
                             "collector running since midnight has; by default they hold the minutes of the run)")
    parser.add_argument("--spread-for", type=int, default=None,
                        help="seconds at the start of the run whose calls are spread (default: the whole run); "
                             "the rest carry the time they are sent")
    parser.add_argument("--sample-seconds", type=float, default=None, help="default: 20 (10 under 15 minutes)")
    parser.add_argument("--query-interval", type=float, default=1.0)
    parser.add_argument("--flat-percent", type=float, default=10.0,
                        help="how far RSS and the database may rise past their value at twice the retention")
    parser.add_argument("--p99-ms", type=float, default=1000.0, help="bound on every endpoint's p99 latency")
    parser.add_argument("--keep", action="store_true", help="keep the database (its folder is printed)")
    args = parser.parse_args()

    short = args.minutes < 15
    raw = args.retention_raw or (60 if short else 300)
    sample_seconds = args.sample_seconds or (10 if short else 20)
    seconds = int(args.minutes * 60)
    reference_time = 2 * raw  # the first retention cycle ends at `raw`; a second one later the tiers are steady
    if reference_time >= seconds:
        sys.exit(f"a {args.minutes:g}-minute run is too short for a {raw}-s retention: it must last past "
                 f"{reference_time} s")

    # SIGTERM ends the soak as Ctrl+C does: the sender and Kodemon are stopped on the way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    spread = int(time.time()) % 86400 if args.spread == "day" else int(args.spread)
    workdir = tempfile.mkdtemp(prefix="kodemon-soak-")
    db = os.path.join(workdir, "soak.sqlite")
    begun = datetime.datetime.now(datetime.timezone.utc)
    spreading = f", timestamps spread over {spread} s" if spread else ""
    if spread and args.spread_for is not None:
        spreading += f" for the first {args.spread_for} s"
    print(f"soak: {args.minutes:g} min at {args.rate:,} calls/s over {args.functions} functions, --retention-raw "
          f"{raw}s{spreading}, API queried every {args.query_interval:g} s, a sample every {sample_seconds:g} s; {db}",
          flush=True)
    kodemon = Kodemon(args.build, db, extra=["--retention-raw", f"{raw}s"])
    queries = Queries(kodemon, args.query_interval)
    samples = []
    load = None
    try:
        started = time.time()
        last_cpu = [started, proc_cpu_seconds(kodemon.process.pid)]
        sender = [f"{args.build}/bench/kodemon-loadgen", "--port", str(kodemon.udp_port), "--rate", str(args.rate),
                  "--series", str(args.functions)]
        spread_for = seconds if args.spread_for is None else min(args.spread_for, seconds)
        phases = [(spread_for, spread), (seconds - spread_for, 0)] if spread else [(seconds, 0)]
        commands = [" ".join(shlex.quote(a) for a in sender + ["--duration", str(length), "--spread", str(over)])
                    for length, over in phases if length > 0]
        # Its own process group, so that an interrupted soak stops every phase's sender.
        load = subprocess.Popen(" && ".join(commands), shell=True, stdout=subprocess.PIPE, text=True,
                                start_new_session=True)
        queries.started = started
        queries.start()
        next_sample = started + sample_seconds
        while load.poll() is None:
            time.sleep(max(0.0, min(next_sample - time.time(), 1.0)))
            if time.time() >= next_sample:
                samples.append(sample(kodemon, db, started, last_cpu))
                print(json.dumps(samples[-1]), flush=True)
                next_sample += sample_seconds
        phases_sent = [json.loads(line) for line in load.stdout.read().splitlines() if line.startswith("{")]
        sent = dict(sent=sum(p["sent"] for p in phases_sent), seconds=sum(p["seconds"] for p in phases_sent))
        sent["rate"] = sent["sent"] / sent["seconds"]
        queries.stopping.set()
        queries.join()
        wait_until_stable(lambda: kodemon.status()["counters"]["samples_stored"])
        samples.append(sample(kodemon, db, started, last_cpu))
        final = kodemon.status()
    except BaseException:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
    finally:
        queries.stopping.set()
        if load is not None and load.poll() is None:
            os.killpg(load.pid, signal.SIGTERM)
        kodemon.stop()
    with sqlite3.connect(db) as connection:
        in_file = dict(zip(("raw", "summarized"), connection.execute(
            "SELECT (SELECT coalesce(sum(sample_count), 0) FROM chunks) + "
            "(SELECT coalesce(sum(sample_count), 0) FROM recent), "
            "(SELECT coalesce(sum(sample_count), 0) FROM rollup_hours)").fetchone()))
        integrity = connection.execute("PRAGMA quick_check").fetchone()[0]

    counters = final["counters"]
    checks = []

    def check(name, ok, **figures):
        checks.append(dict(check=name, verdict="pass" if ok else "FAIL", **figures))

    check("nothing lost", sent["sent"] == counters["datagrams_received"] == counters["samples_stored"]
          == in_file["raw"] + in_file["summarized"] and counters.get("kernel_drops", 0) == 0
          and counters["rejected_total"] == 0,
          sent=sent["sent"], achieved_rate=round(sent["rate"]), received=counters["datagrams_received"],
          stored=counters["samples_stored"], kernel_drops=counters.get("kernel_drops", 0),
          rejected=counters["rejected_total"], raw_in_file=in_file["raw"], summarized_in_file=in_file["summarized"])
    # Retention keeps up: once it applies, the calls kept whole are never many more than the retention's worth, and
    # (when timestamps are the arrival's) the oldest raw call is never much older than the retention.
    slack = max(60, raw // 5)
    steady = [s for s in samples if s["t"] > raw + slack]
    kept = max((s["raw_kept"] for s in steady), default=None)
    ages = [s["oldest_call_age"] for s in steady if s["oldest_call_age"] is not None]
    check("retention keeps up", bool(steady) and kept <= args.rate * (raw + slack) and in_file["summarized"] > 0
          and (spread > 0 or max(ages, default=raw + slack + 1) <= raw + slack),
          retention_raw_s=raw, max_raw_kept=kept, raw_kept_bound=args.rate * (raw + slack),
          max_oldest_call_age_s=max(ages, default=None), age_bound_s=None if spread else raw + slack)
    for field in ("rss_mb", "db_wal_mb"):
        flat = flatness(samples, field, reference_time, 60, args.flat_percent)
        checks.append(dict(check=f"{field} flat after {reference_time} s", **flat))
    latencies = {name: dict(requests=len(values), p50_ms=round(percentile(values, 50), 1),
                            p99_ms=round(percentile(values, 99), 1), max_ms=round(max(values), 1))
                 for name, values in sorted(queries.latencies.items())}
    check("API answers", not queries.failures and all(v["p99_ms"] <= args.p99_ms for v in latencies.values()),
          failures=len(queries.failures), first_failures=queries.failures[:5], p99_bound_ms=args.p99_ms)
    check("database intact", integrity == "ok", quick_check=integrity)

    print()
    print_table(samples)
    print()
    print("| endpoint | requests | p50 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, v in latencies.items():
        print(f"| {name} | {v['requests']:,} | {v['p50_ms']} | {v['p99_ms']} | {v['max_ms']} |")
    print()
    for c in checks:
        print(json.dumps(c))
    failed = [c["check"] for c in checks if c["verdict"] != "pass"]
    print("\nsoak: " + ("pass" if not failed else "FAIL: " + ", ".join(failed)))

    os.makedirs("bench/results", exist_ok=True)
    path = f"bench/results/soak-{begun.strftime('%Y-%m-%dT%H%M%SZ')}.json"
    with open(path, "w") as f:
        json.dump(dict(started=begun.isoformat(), minutes=args.minutes, rate=args.rate, functions=args.functions,
                       retention_raw_s=raw, spread_s=spread, spread_for_s=args.spread_for,
                       query_interval_s=args.query_interval, flat_percent=args.flat_percent,
                       loadgen=sent, samples=samples, latencies=latencies, checks=checks,
                       log_tail=kodemon.log[-50:]), f, indent=1)
    print(f"results written to {path}")
    if args.keep:
        print(f"database kept in {workdir}")
    else:
        shutil.rmtree(workdir)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
