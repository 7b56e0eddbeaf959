# SPDX-License-Identifier: MIT
"""Tags, failed calls and comparisons end to end: a real Python program with the project's client, the real
decorator datagrams, the real `kodemon --headless`, and HTTP clients as scripts use them (requests, urlencode).

Every answer is checked against a brute-force computation over the datagrams the program sent, which this test
captures on their way (a UDP relay in front of Kodemon). KODEMON_BINARY (set by CTest) names the binary."""

import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "tests"))
from test_end_to_end import BINARY, KodemonServer, get_json as urllib_get  # noqa: E402

CLIENT = os.path.join(HERE, "..", "..", "clients", "python", "src")
DATAGRAMS = os.path.join(HERE, "..", "data", "decorator-datagrams.txt")
TOKEN = "tags & errors"
CALLS = 1000

# A program as a user writes it: a decorated function with keyword arguments that raises on 7% of its calls.
PROGRAM = r'''
import sys
from kodemon import kodemon

ENDPOINTS = ["/cart", "/a b&c=d+e%f", "/caf\u00e9 \u20ac"]

def handle(i):
    @kodemon(endpoint=ENDPOINTS[i % 3], tier="gold" if i % 4 == 0 else "silver", attempt=i % 2)
    def checkout(i):
        total = sum(range((i % 7) * 300))
        if i % 100 < 7:
            raise ValueError("declined")
        return total
    try:
        checkout(i)
    except ValueError:
        pass

for i in range(int(sys.argv[1])):
    handle(i)
kodemon.flush()
'''


class Relay:
    """Receives datagrams on a free UDP port, keeps a copy and forwards them to Kodemon."""

    def __init__(self, target_port):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        # A thousand datagrams arrive faster than this thread reads them: a buffer for all of them (forced past
        # net.core.rmem_max where the test may, as root in CI), or the relay, not Kodemon, would drop some.
        for option in (33, socket.SO_RCVBUF):  # 33: SO_RCVBUFFORCE
            try:
                self.sock.setsockopt(socket.SOL_SOCKET, option, 16 << 20)
                break
            except OSError:
                continue
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.target = ("127.0.0.1", target_port)
        self.received = []
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        while self.running:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            self.received.append(data)
            out.sendto(data, self.target)
        out.close()

    def stop(self):
        self.running = False
        self.thread.join(5)
        self.sock.close()


def nearest_rank(values, permille):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * permille / 1000) - 1)]


def scalar_text(value):
    """A tag value as Kodemon writes it: the string, JSON's number text, true or false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)


def passes(sample, filters, outcome="all"):
    """The filter syntax of docs/API.md, read independently of Kodemon (no escapes in these names)."""
    failed = "error" in sample and sample["error"] not in (False, None)
    if (outcome == "failed" and not failed) or (outcome == "succeeded" and failed):
        return False
    tags = {k: scalar_text(v) for k, v in sample.items()
            if k not in ("key", "execution_time", "timestamp", "token") and isinstance(v, (str, bool, int, float))}
    for text in filters:
        if text.startswith("!"):
            ok = text[1:] not in tags
        elif ":" not in text:
            ok = text in tags
        else:
            name, value = text.split(":", 1)
            if name.endswith("!"):
                ok = tags.get(name[:-1]) != value
            else:
                ok = tags.get(name) == value
        if not ok:
            return False
    return True


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class TagsAndErrors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = KodemonServer()
        cls.base = "http://127.0.0.1:%d" % cls.server.http_port
        cls.session = requests.Session()
        cls.session.trust_env = False
        cls.relay = Relay(cls.server.udp_port)
        # The program lives in a folder whose name needs escaping everywhere: the key is its path.
        cls.folder = tempfile.TemporaryDirectory(prefix="kodemon tags ")
        project = os.path.join(cls.folder.name, "My Project \u00fc")
        os.makedirs(project)
        cls.program = os.path.join(project, "app.py")
        with open(cls.program, "w", encoding="utf-8") as out:
            out.write(PROGRAM)
        env = dict(os.environ, PYTHONPATH=CLIENT, KODEMON_HOST="127.0.0.1", KODEMON_PORT=str(cls.relay.port),
                   KODEMON_TOKEN=TOKEN, PYTHONDONTWRITEBYTECODE="1")
        subprocess.run([sys.executable, cls.program, str(CALLS)], env=env, check=True, timeout=120)
        # The original decorator's datagrams, as captured, through the same relay.
        with open(DATAGRAMS, encoding="utf-8") as lines, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for line in lines:
                if line.startswith("{"):
                    sock.sendto(line.strip().encode("utf-8"), ("127.0.0.1", cls.relay.port))
        cls.key = cls.program + "-checkout"
        deadline = time.monotonic() + 30
        while True:
            body = cls.get("/api/stats", key=cls.key)
            if body.get("count") == CALLS:
                break
            if time.monotonic() > deadline:
                raise AssertionError("not stored: %r\n%s" % (body, cls.server.text()))
            time.sleep(0.1)
        time.sleep(0.3)  # the decorator datagrams, sent last, are committed within 100 ms
        cls.relay.stop()
        cls.sent = []
        for datagram in cls.relay.received:
            for line in datagram.decode("utf-8").split("\n"):
                if line.strip():
                    cls.sent.append(json.loads(line))
        cls.mine = [s for s in cls.sent if s["key"] == cls.key]

    @classmethod
    def tearDownClass(cls):
        cls.session.close()
        cls.server.stop()
        cls.folder.cleanup()

    @classmethod
    def get(cls, path, **params):
        # requests writes params as forms do: a space is "+", a plus sign %2B; repeated params from lists.
        response = cls.session.get(cls.base + path, params=params, timeout=30)
        return response.json()

    def expected(self, filters=(), outcome="all"):
        return [s for s in self.mine if passes(s, filters, outcome)]

    def assert_stats(self, filters, outcome="all"):
        body = self.get("/api/stats", key=self.key, tag=list(filters), outcome=outcome)
        want = self.expected(filters, outcome)
        self.assertEqual(body["count"], len(want), (filters, outcome, body))
        failed = [s for s in want if "error" in s]
        self.assertEqual(body["errors"], len(failed))
        if want:
            times = [s["execution_time"] for s in want]
            self.assertEqual(body["min"], min(times))
            self.assertEqual(body["max"], max(times))
            for name, permille in (("p50", 500), ("p90", 900), ("p95", 950), ("p99", 990)):
                self.assertEqual(body[name], nearest_rank(times, permille), name)
        self.assertEqual(body["tags"], list(filters))

    def test_seven_percent_fail_everywhere(self):
        self.assertEqual(len(self.mine), CALLS)  # the relay saw every call
        stats = self.get("/api/stats", key=self.key)
        self.assertEqual(stats["count"], CALLS)
        self.assertEqual(stats["errors"], 70)
        self.assertEqual(stats["error_rate"], 0.07)
        keys = {k["key"]: k for k in self.get("/api/keys", token=TOKEN)["keys"]}
        self.assertEqual(keys[self.key]["errors"], 70)
        rows = [r for r in self.get("/api/functions", token=TOKEN)["functions"] if r["key"] == self.key]
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows[0]["count"], rows[0]["errors"], rows[0]["error_rate"]), (CALLS, 70, 0.07))
        self.assertEqual(self.get("/api/stats", key=self.key, outcome="failed")["count"], 70)
        self.assertEqual(self.get("/api/stats", key=self.key, outcome="succeeded")["count"], 930)
        errors_per_bucket = sum(b["errors"] for b in self.get("/api/series", key=self.key, points=7)["buckets"])
        self.assertEqual(errors_per_bucket, 70)

    def test_tag_filters_agree_with_what_was_sent(self):
        for filters in ([], ["endpoint:/cart"], ["endpoint:/a b&c=d+e%f"], ["endpoint:/caf\u00e9 \u20ac"],
                        ["endpoint!:/cart"], ["tier:gold", "attempt:1"], ["!tier"], ["tier"], ["attempt:0"],
                        ["error:ValueError"], ["!error"], ["nope:x"]):
            self.assert_stats(filters)
        self.assert_stats(["tier:gold"], outcome="failed")
        self.assert_stats(["endpoint:/cart"], outcome="succeeded")

    def test_urlencode_and_percent_twenty_read_the_same(self):
        tag = "endpoint:/a b&c=d+e%f"
        want = len(self.expected([tag]))
        for quote in (urllib.parse.quote_plus, urllib.parse.quote):
            query = urllib.parse.urlencode({"key": self.key, "tag": tag}, quote_via=quote)
            status, body = urllib_get(self.base + "/api/stats?" + query)
            self.assertEqual(status, 200, body)
            self.assertEqual(body["count"], want)

    def test_executions_keep_the_sent_fields(self):
        body = self.get("/api/executions", key=self.key, tag="endpoint:/cart", limit=100000)
        want = self.expected(["endpoint:/cart"])
        self.assertEqual(len(body["executions"]), len(want))
        sent = sorted(json.dumps({k: v for k, v in s.items() if k not in ("key", "execution_time", "timestamp", "token")},
                                 sort_keys=True) for s in want)
        got = sorted(json.dumps(row["extra"], sort_keys=True) for row in body["executions"])
        self.assertEqual(got, sent)

    def test_groups_and_tag_lists(self):
        body = self.get("/api/series", key=self.key, group_by="endpoint", groups=2, points=10)
        counts = {}
        for s in self.mine:
            counts[s["endpoint"]] = counts.get(s["endpoint"], 0) + 1
        top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        groups = body["groups"]
        self.assertEqual([g["group"]["value"] for g in groups[:2]], [top[0][0], top[1][0]])
        self.assertEqual(groups[2]["group"], {"kind": "other", "value": None})
        self.assertEqual(groups[2]["count"], top[2][1])
        self.assertEqual(sum(g["count"] for g in groups), CALLS)
        tags = {t["name"]: t for t in self.get("/api/tags", key=self.key)["tags"]}
        self.assertEqual(set(tags), {"endpoint", "tier", "attempt", "error"})
        self.assertEqual(tags["error"]["values"], [{"value": "ValueError", "calls": 70}])
        self.assertEqual(sum(v["calls"] for v in tags["endpoint"]["values"]), CALLS)

    def test_original_decorator_fields_become_tags(self):
        key = "emit.py-with_kwargs"
        sent = [s for s in self.sent if s["key"] == key]
        tags = {t["name"]: t for t in self.get("/api/tags", key=key)["tags"]}
        # "tags": ["a", "b"] is an array: kept in extra, not a tag.
        self.assertEqual(set(tags), {"project", "version", "ratio"})
        self.assertEqual(tags["version"]["values"], [{"value": "3", "calls": len(sent)}])
        self.assertEqual(self.get("/api/stats", key=key, tag="ratio:0.5")["count"], len(sent))
        self.assertEqual(self.get("/api/stats", key=key, tag="tags")["count"], 0)

    def test_comparison_finds_a_slower_hour(self):
        # Two hours of lognormal calls, the second 20% slower, sent with explicit timestamps.
        import random
        rng = random.Random(5)
        now = int(time.time())
        key = "/srv/compare me.py-f"
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for i in range(4000):
                later = i >= 2000
                ms = (12.0 if later else 10.0) * math.exp(0.5 * rng.gauss(0, 1))
                t = now - 7200 + (i % 2000) * 1.8 + (3600 if later else 0)
                sample = {"key": key, "execution_time": ms, "timestamp": int(t), "token": TOKEN,
                          "tier": "gold" if i % 2 else "silver"}
                sock.sendto(json.dumps(sample).encode("utf-8"), ("127.0.0.1", self.server.udp_port))
        deadline = time.monotonic() + 20
        while self.get("/api/stats", key=key).get("count") != 4000:
            self.assertLess(time.monotonic(), deadline, self.server.text())
            time.sleep(0.1)
        body = self.get("/api/compare", key=key, **{"from": str(now - 3600), "to": str(now), "baseline": "previous"})
        self.assertEqual(body["verdict"], "slower", body)
        self.assertLess(body["test"]["p_value"], 0.01)
        self.assertGreater(body["median_shift_pct"], 10)
        self.assertEqual(body["current"]["count"] + body["baseline"]["count"], 4000)
        gold = self.get("/api/compare", key=key, tag="tier:gold",
                        **{"from": str(now - 3600), "to": str(now), "baseline": "previous"})
        self.assertEqual(gold["current"]["count"] + gold["baseline"]["count"], 2000)
        same = self.get("/api/compare", key=key, **{"from": str(now - 3600), "to": str(now),
                                                     "baseline_from": str(now - 3600), "baseline_to": str(now)})
        self.assertEqual(same["verdict"], "no clear change")


if __name__ == "__main__":
    unittest.main()
