#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kodemon-formatcpu: CPU µs per datagram per thread, the decorator's format against StatsD, for one or more builds.

Each run starts kodemon --headless from every build in turn, for each format (the order alternates between runs, so
that drift on a shared machine favours none), sends kodemon-loadgen's load at a fixed rate (one call per datagram:
the decorator's JSON with 10% kwargs, or one StatsD timer "key:12.3|ms"), waits until every call is stored, and
reads utime+stime of every thread from /proc/<pid>/task/*/stat. Prints one JSON line per run and a median per build,
format and thread. Compare within one run: the machine is shared.

    bench/formatcpu.py --rate 200000 --duration 20 --runs 3 before=build/before after=build/release
"""
import argparse
import json
import os
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402


def thread_faults(pid):
    """Minor page faults per thread name (stat field 10): a count that a busy machine does not inflate, unlike CPU
    time."""
    out = {}
    for name, fields in run.thread_stat_fields(pid):
        out[name] = out.get(name, 0) + int(fields[7])
    return out


def one(build, fmt, rate, seconds):
    with tempfile.TemporaryDirectory() as workdir:
        db = os.path.join(workdir, "cpu.sqlite")
        statsd_port = run.free_port()
        extra = ["--statsd-port", str(statsd_port), "--statsd-token", "bench"] if fmt == "statsd" else []
        kodemon = run.Kodemon(build, db, extra=extra)
        time.sleep(0.5)
        before = run.thread_cpu_seconds(kodemon.process.pid)
        faults_before = thread_faults(kodemon.process.pid)
        port = statsd_port if fmt == "statsd" else kodemon.udp_port
        sent = run.loadgen(build, port, rate, seconds, fmt=fmt)
        run.wait_until_stable(lambda: kodemon.status()["counters"]["samples_stored"])
        after = run.thread_cpu_seconds(kodemon.process.pid)
        faults = thread_faults(kodemon.process.pid)
        kodemon.stop()
        stored = run.stored_in(db)
        per = {name: round(1e6 * (after[name] - before.get(name, 0)) / sent["sent"], 3) for name in after
               if after[name] - before.get(name, 0) > 0}
        per["total"] = round(sum(per.values()), 3)
        faults_per_1000 = {name: round(1000.0 * (faults[name] - faults_before.get(name, 0)) / sent["sent"], 2)
                           for name in faults if faults[name] - faults_before.get(name, 0) > 0}
        return dict(sent=sent["sent"], rate=round(sent["rate"]), stored=stored,
                    lost_percent=round(100.0 * (sent["sent"] - stored) / sent["sent"], 3), cpu_us=per,
                    faults_per_1000=faults_per_1000,
                    load=os.getloadavg()[0])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=int, default=200000)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default="kodemon,statsd")
    parser.add_argument("builds", nargs="+", help="name=build directory")
    args = parser.parse_args()
    builds = [b.split("=", 1) for b in args.builds]
    formats = args.formats.split(",")
    results = {}
    for r in range(args.runs):
        order = [(n, d, f) for n, d in builds for f in formats]
        if r % 2:
            order.reverse()
        for name, build, fmt in order:
            record = one(build, fmt, args.rate, args.duration)
            print(json.dumps(dict(kind="format-cpu", run=r, build=name, format=fmt, **record)), flush=True)
            for thread, us in record["cpu_us"].items():
                results.setdefault((name, fmt, thread), []).append(us)
            for thread, count in record["faults_per_1000"].items():
                results.setdefault((name, fmt, thread + " faults/1000"), []).append(count)
    for (name, fmt, thread), values in sorted(results.items()):
        print(json.dumps(dict(kind="format-cpu-median", build=name, format=fmt, thread=thread,
                              us_per_datagram=round(statistics.median(values), 3), runs=len(values))))


if __name__ == "__main__":
    main()
