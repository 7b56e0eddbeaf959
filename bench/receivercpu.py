#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""kodemon-receivercpu: CPU time of Kodemon's UDP receiver thread per datagram, for one or more kodemon binaries.

Each run starts every binary in turn (the order alternates between runs, so that drift on a shared machine does not
favour one), sends the same load from kodemon-loadgen at a fixed rate, waits until every datagram is read and
stored, and reads utime+stime of the `kodemon-udp` thread and of the whole process from /proc. Timings on a shared
2-core machine drift: compare the binaries within one run, and repeat.

    bench/receivercpu.py --loadgen build/rel/bench/kodemon-loadgen --rate 100000 --duration 20 --runs 3 \\
        before=/tmp/kodemon-before after=build/rel/app/kodemon
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import tempfile
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(stat_path):
    with open(stat_path) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def thread_named(pid, name):
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            if f.read().strip() == name:
                return int(tid)
    raise RuntimeError(f"kodemon {pid} has no thread {name}")


def start(binary, db, extra):
    process = subprocess.Popen([binary, "--headless", "--udp-port", "0", "--http-port", "0", "--db", db, *extra],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 30
    while time.time() < deadline:
        match = re.search(r"listening on UDP \S+:(\d+) and HTTP http://\S+:(\d+)/", process.stdout.readline())
        if match:
            return process, int(match.group(1)), int(match.group(2))
    raise RuntimeError(f"{binary} did not start")


def counters(http_port):
    with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/status", timeout=60) as response:
        return json.loads(response.read())["counters"]


def wait_for(http_port, sent, timeout=120):
    """Waits until every datagram sent was read or dropped, and every accepted sample stored."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        c = counters(http_port)
        if c["datagrams_received"] + c["kernel_drops"] >= sent and c["samples_stored"] >= c["samples_accepted"]:
            return c
        time.sleep(0.25)
    return counters(http_port)


def measure(label, binary, args):
    with tempfile.TemporaryDirectory() as workdir:
        process, udp_port, http_port = start(binary, os.path.join(workdir, "x.sqlite"), args.kodemon_arg)
        try:
            tid = thread_named(process.pid, "kodemon-udp")
            thread_before = cpu_seconds(f"/proc/{process.pid}/task/{tid}/stat")
            process_before = cpu_seconds(f"/proc/{process.pid}/stat")
            perf = None
            if args.perf:
                perf = subprocess.Popen(["perf", "record", "-e", "cpu-clock", "-g", "-t", str(tid), "-o",
                                         f"{args.perf}/{label}.data"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
            sent = json.loads(subprocess.run([args.loadgen, "--port", str(udp_port), "--rate", str(args.rate),
                                              "--duration", str(args.duration), "--extra", str(args.extra)],
                                             check=True, capture_output=True, text=True).stdout.splitlines()[0])
            c = wait_for(http_port, sent["sent"])
            thread_cpu = cpu_seconds(f"/proc/{process.pid}/task/{tid}/stat") - thread_before
            process_cpu = cpu_seconds(f"/proc/{process.pid}/stat") - process_before
            if perf:
                perf.send_signal(signal.SIGINT)
                perf.wait()
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)
    datagrams = max(c["datagrams_received"], 1)
    return dict(binary=label, sent=sent["sent"], rate=round(sent["rate"]), received=c["datagrams_received"],
                kernel_drops=c["kernel_drops"], stored=c["samples_stored"],
                udp_us_per_datagram=round(1e6 * thread_cpu / datagrams, 3),
                process_us_per_datagram=round(1e6 * process_cpu / datagrams, 3))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("binaries", nargs="+", help="label=path of a kodemon executable")
    parser.add_argument("--loadgen", default="build/rel/bench/kodemon-loadgen")
    parser.add_argument("--rate", type=int, default=100000)
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--extra", type=float, default=0.1, help="share of datagrams with extra kwargs members")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--perf", help="a folder: record the receiver thread with perf into <folder>/<label>.data")
    parser.add_argument("--kodemon-arg", action="append", default=[], help="passed on to every kodemon")
    args = parser.parse_args()
    binaries = [b.split("=", 1) for b in args.binaries]
    results = {label: [] for label, _ in binaries}
    for run in range(args.runs):
        for label, binary in (binaries if run % 2 == 0 else list(reversed(binaries))):
            record = measure(label, binary, args)
            results[label].append(record["udp_us_per_datagram"])
            print(json.dumps(dict(run=run, **record)), flush=True)
    first = statistics.median(results[binaries[0][0]])
    for label, values in results.items():
        median = statistics.median(values)
        print(json.dumps(dict(binary=label, median_udp_us_per_datagram=median, ratio_to_first=round(median / first, 3))))


if __name__ == "__main__":
    main()
