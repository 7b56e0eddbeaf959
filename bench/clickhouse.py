#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The ClickHouse part of `make bench` alone (one server, then two shards), and before/after tables.

    python3 bench/clickhouse.py                         # build/release, 10M samples, 7 repeats
    python3 bench/clickhouse.py --variant before=/tmp/old-build --variant step1=/tmp/step1-build
    python3 bench/clickhouse.py --string-keys-too --variant ...   # the variants on the String-keyed layout

Each --variant LABEL=BUILD runs that build's kodemon-querybench on the same databases right after this build's,
so that the versions of a change are compared on the same data in the same run (docs/BENCHMARKS.md). The data
is written by this build's kodemon-gendb. Results go to bench/results/clickhouse-<date>.json.
"""
import argparse
import datetime
import json
import os
import tempfile

import report
import run


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build/release")
    parser.add_argument("--samples", type=int, default=10000000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--variant", action="append", default=[], metavar="LABEL=BUILD")
    parser.add_argument("--string-keys-too", action="store_true",
                        help="first the same with keys and tokens as String (the layout before LowCardinality); the "
                             "variants run there, this build on both")
    args = parser.parse_args()
    variants = [tuple(v.split("=", 1)) for v in args.variant]
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


if __name__ == "__main__":
    main()
