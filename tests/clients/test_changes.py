# SPDX-License-Identifier: MIT
"""GET /api/changes end to end, against the real `kodemon --headless`: six hours of calls sent as the decorator
sends them (UDP datagrams with a `release` keyword argument), one function 1.5 times slower from release 1.4.2 on,
asked with Python's requests as scripts ask: the change is found within a bucket of its time, ranked, named with
its release and the deploy marker posted before it; filters (a key with spaces and a plus, form-encoded; tags; a scoped API token) and refusals.
KODEMON_BINARY (set by CTest) names the binary."""

import json
import os
import random
import socket
import sys
import time
import unittest

import requests

from test_retention_delete import ADMIN, SHOP, Kodemon

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "clients", "python", "src"))
import kodemon as kodemon_package  # noqa: E402

BINARY = os.environ.get("KODEMON_BINARY", "")
SLOWED = "/srv/my shop/cart.py-c++ checkout"
STEADY = "/srv/blog/feed.py-render"
HOURS = 6
PER_MINUTE = 10


def calls(key, token, now, step, factor, seed):
    rng = random.Random(seed)
    start = now - HOURS * 3600
    for minute in range(HOURS * 60):
        for _ in range(PER_MINUTE):
            t = start + minute * 60 + rng.randrange(60)
            slowed = t >= step and factor != 1
            yield {"key": key, "execution_time": round(rng.lognormvariate(3.7, 0.4) * (factor if slowed else 1), 3),
                   "timestamp": t, "token": token, "release": "1.4.2" if t >= step else "1.4.1"}


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class Changes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        env = dict(os.environ, KODEMON_API_TOKEN="%s %s:shop" % (ADMIN, SHOP))
        cls.server = Kodemon(env=env)
        cls.now = int(time.time())
        cls.step = cls.now - 3 * 3600
        sent = 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for sample in list(calls(SLOWED, "shop", cls.now, cls.step, 1.5, 1)) + list(
                    calls(STEADY, "blog", cls.now, cls.step, 1, 2)):
                sock.sendto(json.dumps(sample).encode("utf-8"), ("127.0.0.1", cls.server.udp_port))
                sent += 1
                if sent % 500 == 0:
                    time.sleep(0.02)  # the receive buffer, not the point here
        cls.sent = sent
        # The deploy script's marker, two minutes before the step, with the Python client.
        client = kodemon_package.Kodemon(environ={"KODEMON_URL": cls.server.url(""), "KODEMON_API_TOKEN": ADMIN})
        cls.marker = client.annotate("deploy 1.4.2", time=cls.step - 120, token="shop")
        assert cls.marker, client.stats()
        deadline = time.monotonic() + 30
        while cls.server.count(SLOWED) + cls.server.count(STEADY) < sent:
            if time.monotonic() > deadline:
                raise AssertionError("not every call arrived:\n" + "".join(cls.server.output))
            time.sleep(0.2)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def hours(self):
        # The range the calls were sent over, from the moment they were made: "now-6h" read later (a second under
        # AddressSanitizer) leaves the first call out of it.
        return {"from": str(self.now - HOURS * 3600)}

    def changes(self, secret=ADMIN, **params):
        headers = {"Authorization": "Bearer " + secret} if secret else {}
        return self.server.session.get(self.server.url("/api/changes"), params=params, headers=headers, timeout=60)

    def test_the_slowed_function_is_found(self):
        response = self.changes(**self.hours())
        self.assertEqual(response.status_code, 200, response.text)
        report = response.json()
        self.assertEqual(report["functions"], 2)
        self.assertEqual(report["calls"], self.sent)
        self.assertEqual((report["min_calls"], report["min_effect_pct"]), (30, 10))
        self.assertEqual((report["false_discovery_rate"], report["withheld"]), (0.05, 0))
        self.assertEqual(report["total"], 1, json.dumps(report, indent=1))
        change = report["changes"][0]
        self.assertEqual((change["key"], change["token"]), (SLOWED, "shop"))
        self.assertLessEqual(abs(change["time"] - self.step), change["bucket_seconds"], change)
        self.assertIn(change["metric"], ("p50", "p95"))
        self.assertTrue(change["median_changed"])
        self.assertGreater(change["change_pct"], 35)
        self.assertLess(change["change_pct"], 70)
        self.assertFalse(change["improvement"])
        self.assertLess(change["p_value"], 1e-6)
        self.assertEqual(change["release"], {"tag": "release", "value": "1.4.2"})
        self.assertEqual(change["annotation"], self.marker)
        self.assertGreater(change["after"]["p50"], 1.3 * change["before"]["p50"])
        self.assertGreaterEqual(change["before"]["calls"], 200)
        print("\n/api/changes:", json.dumps(change))

    def test_filters(self):
        # The key's spaces and plus travel form-encoded, as requests writes them.
        only = self.changes(key=SLOWED, **self.hours()).json()
        self.assertEqual((only["functions"], only["total"]), (1, 1))
        steady = self.changes(key=STEADY, **self.hours()).json()
        self.assertEqual((steady["functions"], steady["total"]), (1, 0))
        # Only release 1.4.2's calls: the step is before all of them.
        tagged = self.changes(tag="release:1.4.2", **self.hours()).json()
        self.assertEqual(tagged["total"], 0)
        # A smaller effect than asked for is not reported.
        strict = self.changes(min_effect="80", **self.hours()).json()
        self.assertEqual(strict["total"], 0)
        # Two functions: the false discovery rate lets a p of 1e-90 through; off, the same.
        unheld = self.changes(fdr="0", **self.hours()).json()
        self.assertEqual((unheld["false_discovery_rate"], unheld["total"], unheld["withheld"]), (0, 1, 0))
        # The default range is the last 24 hours; limit=1 still counts every change.
        default = self.changes(limit="1").json()
        self.assertEqual((default["functions"], len(default["changes"])), (2, 1))
        self.assertAlmostEqual(default["to"] - default["from"], 86400, delta=1)

    def test_group_by(self):
        # Each release's calls on their own: the step is between the two releases, so within each nothing changed.
        grouped = self.changes(group_by="release", **self.hours()).json()
        self.assertEqual((grouped["functions"], grouped["total"], grouped["calls"]), (4, 0, self.sent))
        top = self.changes(group_by="release", groups="1", **self.hours()).json()
        self.assertEqual(top["functions"], 2)
        # A tag no call carries: each function is looked at as a whole, as without group_by.
        whole = self.changes(group_by="tier", **self.hours()).json()
        self.assertEqual((whole["functions"], whole["total"]), (2, 1))
        self.assertIsNone(whole["changes"][0]["group"])
        ungrouped = self.changes(**self.hours()).json()
        self.assertIsNone(ungrouped["changes"][0]["group"])
        for params, parameter in (({"group_by": ""}, "group_by"), ({"groups": "3"}, "groups"),
                                  ({"group_by": "release", "groups": "0"}, "groups")):
            response = self.changes(**params)
            self.assertEqual(response.status_code, 400, (params, response.text))
            self.assertEqual(response.json()["parameter"], parameter, response.text)

    def test_a_scoped_token_sees_its_own_functions(self):
        shop = self.changes(SHOP, **self.hours()).json()
        self.assertEqual((shop["functions"], shop["total"]), (1, 1))
        blog = self.changes(SHOP, token="blog", **self.hours()).json()
        self.assertEqual((blog["functions"], blog["total"]), (0, 0))

    def test_refusals(self):
        self.assertEqual(self.changes(None).status_code, 401)
        self.assertEqual(self.changes("not-the-secret-000000").status_code, 401)
        for params, parameter in (({"min_effect": "lots"}, "min_effect"), ({"limit": "0"}, "limit"),
                                  ({"min_calls": "-3"}, "min_calls"), ({"from": "now", "to": "now-1h"}, "to"),
                                  ({"fdr": "60"}, "fdr"), ({"fdr": "five"}, "fdr"),
                                  ({"outcome": "failed"}, "outcome"), ({"tag": ""}, "tag"), ({"key": ""}, "key")):
            response = self.changes(**params)
            self.assertEqual(response.status_code, 400, (params, response.text))
            self.assertEqual(response.json()["parameter"], parameter, response.text)
        post = self.server.session.post(self.server.url("/api/changes"), headers={"Authorization": "Bearer " + ADMIN})
        self.assertEqual(post.status_code, 405)
        head = self.server.session.head(self.server.url("/api/changes"), headers={"Authorization": "Bearer " + ADMIN})
        self.assertEqual(head.status_code, 200)


if __name__ == "__main__":
    unittest.main()
