# SPDX-License-Identifier: MIT
"""Debian's real Prometheus scrapes the real `kodemon --headless` over GET /metrics with an API token, and
histogram_quantile(0.95, ...) over Prometheus's HTTP query API agrees with Kodemon's own p95 (/api/stats) within
the resolution of the buckets: both fall in the same bucket. KODEMON_BINARY (set by CTest) names the binary."""

import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

from ecosystem import BINARY, Kodemon, free_port

PROMETHEUS = shutil.which("prometheus") or "/usr/bin/prometheus"
SECRET = "prometheus-scrape-secret-0123456789"
# The bucket bounds of kodemon_call_duration_seconds (core/metrics/callmetrics.h), in seconds.
BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
KEYS = {
    "/srv/my shop/views.py-checkout": lambda r: r.lognormvariate(3.0, 0.8),  # ms: a median of 20 ms
    "/srv/my shop/db.py-query \"x\"": lambda r: r.uniform(0.05, 2.0),
    "/srv/my shop/jobs.py-report": lambda r: r.expovariate(1 / 900.0),
}
CALLS = 2000


class Prometheus:
    def __init__(self, target, token):
        self.folder = tempfile.TemporaryDirectory(prefix="kodemon-prometheus-")
        self.port = free_port(socket.SOCK_STREAM)
        config = os.path.join(self.folder.name, "prometheus.yml")
        with open(config, "w", encoding="utf-8") as f:
            f.write("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n"
                    "  - job_name: kodemon\n    metrics_path: /metrics\n    scrape_interval: 1s\n"
                    "    authorization:\n      credentials: %s\n"
                    "    static_configs:\n      - targets: ['%s']\n" % (token, target))
        self.log = open(os.path.join(self.folder.name, "prometheus.log"), "w+", encoding="utf-8")
        self.process = subprocess.Popen(
            [PROMETHEUS, "--config.file=" + config, "--storage.tsdb.path=" + os.path.join(self.folder.name, "data"),
             "--web.listen-address=127.0.0.1:%d" % self.port],
            stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def text(self):
        self.log.seek(0)
        return self.log.read()[-4000:]

    def query(self, expression):
        return self.answer(expression).get("data", {}).get("result", [])

    def answer(self, expression):
        """Prometheus's whole answer to an instant query ({"status": "error", ...} for a bad expression)."""
        url = "http://127.0.0.1:%d/api/v1/query?%s" % (self.port, urllib.parse.urlencode({"query": expression}))
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(url, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:  # a bad expression says why in JSON; while starting: 503, no JSON
            try:
                return json.loads(error.read())
            except ValueError:
                return {}
        except OSError:
            return {}

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.log.close()
        self.folder.cleanup()


def bucket_of(seconds):
    """(lower, upper) bounds of the bucket a value falls in ("le" is inclusive)."""
    lower = 0.0
    for bound in BUCKETS:
        if seconds <= bound:
            return lower, bound
        lower = bound
    return lower, float("inf")


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
@unittest.skipUnless(os.path.exists(PROMETHEUS), "prometheus is not installed (make deps installs it)")
class PrometheusScrape(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kodemon = Kodemon(("--api-token", SECRET), api_token=SECRET)
        cls.prometheus = Prometheus("127.0.0.1:%d" % cls.kodemon.http_port, SECRET)

    @classmethod
    def tearDownClass(cls):
        cls.prometheus.stop()
        cls.kodemon.stop()

    def test_metrics_need_the_api_token(self):
        status, body, headers = self.kodemon.request("/metrics", headers={})
        self.assertEqual(status, 401)
        self.assertIn("Bearer", headers["WWW-Authenticate"])
        status, body, headers = self.kodemon.request("/metrics", headers={"Authorization": "Bearer " + SECRET})
        self.assertEqual(status, 200)
        self.assertTrue(headers["Content-Type"].startswith("text/plain; version=0.0.4"))
        self.assertIn(b"# TYPE kodemon_call_duration_seconds histogram", body)

    def test_histogram_quantile_agrees_with_kodemon(self):
        rng = random.Random(19)
        now = int(time.time())
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for key, draw in KEYS.items():
                for i in range(CALLS):
                    sample = {"key": key, "execution_time": round(draw(rng), 4), "timestamp": now - 30,
                              "token": "prometheus", **({"error": "TimeoutError"} if i % 10 == 0 else {})}
                    sock.sendto(json.dumps(sample).encode(), ("127.0.0.1", self.kodemon.udp_port))
                    if i % 200 == 0:
                        time.sleep(0.005)  # well below the loopback's ceiling: nothing is dropped
        for key in KEYS:
            selector = '{key="%s",token="prometheus"}' % key.replace("\\", "\\\\").replace('"', '\\"')
            self.kodemon.wait_for("Prometheus scraping %d calls of %r" % (CALLS, key), lambda: any(
                float(r["value"][1]) == CALLS
                for r in self.prometheus.query("kodemon_call_duration_seconds_count" + selector)), timeout=60)
            result = self.prometheus.query("histogram_quantile(0.95, kodemon_call_duration_seconds_bucket%s)" % selector)
            self.assertEqual(len(result), 1, result)
            estimate = float(result[0]["value"][1])
            status, stats = self.kodemon.json("/api/stats", key=key, token="prometheus")
            self.assertEqual((status, stats["count"]), (200, CALLS))
            exact = stats["p95"] / 1000.0
            lower, upper = bucket_of(exact)
            print("%s: histogram_quantile %.6g s, Kodemon's p95 %.6g s, bucket (%g, %g]" % (key, estimate, exact, lower,
                                                                                         upper), file=sys.stderr)
            self.assertTrue(lower <= estimate <= upper,
                            "%r: Prometheus %g s, Kodemon %g s, bucket (%g, %g]" % (key, estimate, exact, lower, upper))
            failures = self.prometheus.query("kodemon_call_failures_total" + selector)
            self.assertEqual(float(failures[0]["value"][1]), CALLS / 10)
        up = self.prometheus.query('up{job="kodemon"}')
        self.assertEqual(up[0]["value"][1], "1", self.prometheus.text())
        stored = self.prometheus.query("kodemon_calls_stored_total")
        self.assertGreaterEqual(float(stored[0]["value"][1]), CALLS * len(KEYS))
        self.check_dashboard()

    def check_dashboard(self):
        """Every query of the Grafana dashboard in packaging/grafana runs on this Prometheus, and the panels of
        functions find the scraped ones."""
        time.sleep(3)  # rate() needs two scrapes of each series in its window
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packaging", "grafana",
                            "kodemon-dashboard.json")
        with open(path, encoding="utf-8") as f:
            dashboard = json.load(f)
        values = {"$__rate_interval": "1m", "$datasource": "", "$job": "kodemon", "$token": "prometheus", "$key": ".*"}
        expressions = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
        expressions += [v["query"]["query"] for v in dashboard["templating"]["list"] if v["type"] == "query"]
        self.assertGreater(len(expressions), 10)
        for expression in expressions:
            for name, value in values.items():
                expression = expression.replace(name, value)
            if expression.startswith("label_values("):  # Grafana's own function: the series behind it must exist
                expression = expression[len("label_values("):].rsplit(",", 1)[0]
            answer = self.prometheus.answer(expression)
            self.assertEqual(answer.get("status"), "success", (expression, answer))
            if "kodemon_call_" in expression or "kodemon_calls_stored" in expression:
                self.assertTrue(answer["data"]["result"], expression)


if __name__ == "__main__":
    unittest.main()
