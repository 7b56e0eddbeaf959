# SPDX-License-Identifier: MIT
"""Annotations (deploy markers) end to end, against the real `kodemon --headless`: a marker posted with curl as a
deploy script does and with the Python client's kodemon.annotate(), read back with GET /api/annotations, and every
refusal of the write-route rules (no API token, a wrong one, a scope that does not cover the project, an open
non-loopback server) and of the body (oversized, malformed, missing or wrong members). KODEMON_BINARY (set by
CTest) names the binary."""

import json
import os
import subprocess
import sys
import time
import unittest

from test_retention_delete import ADMIN, SHOP, Kodemon

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "clients", "python", "src"))
import kodemon as kodemon_package  # noqa: E402

BINARY = os.environ.get("KODEMON_BINARY", "")


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class Annotations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Kodemon(env=dict(os.environ, KODEMON_API_TOKEN="%s %s:shop" % (ADMIN, SHOP)))

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def post(self, body, secret=ADMIN, raw=None, **params):
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["Authorization"] = "Bearer " + secret
        data = raw if raw is not None else json.dumps(body)
        return self.server.session.post(self.server.url("/api/annotations"), data=data, headers=headers,
                                        params=params, timeout=10)

    def get(self, secret=ADMIN, **params):
        headers = {"Authorization": "Bearer " + secret} if secret else {}
        return self.server.session.get(self.server.url("/api/annotations"), params=params, headers=headers,
                                       timeout=10)

    def test_a_marker_posted_with_curl(self):
        now = int(time.time())
        result = subprocess.run(
            ["curl", "-sS", "--noproxy", "*", "-X", "POST", self.server.url("/api/annotations"),
             "-H", "Authorization: Bearer " + ADMIN, "-H", "Content-Type: application/json",
             "-d", '{"text": "deploy 1.4.2 (curl)", "tags": ["deploy"], "token": "shop", "time": %d}' % now,
             "-w", "\n%{http_code}"], capture_output=True, text=True, timeout=30)
        body, code = result.stdout.rsplit("\n", 1)
        self.assertEqual(code, "201", result.stdout + result.stderr)
        stored = json.loads(body)
        self.assertEqual((stored["text"], stored["tags"], stored["token"], stored["time"], stored["end"]),
                         ("deploy 1.4.2 (curl)", ["deploy"], "shop", now, None))
        self.assertGreater(stored["id"], 0)
        listed = self.get(**{"from": str(now - 1), "to": str(now + 1)}).json()["annotations"]
        self.assertIn(stored, listed)

    def test_periods_and_ranges(self):
        base = 1700000000
        period = self.post({"text": "migration", "time": base, "end": base + 3600}).json()
        self.assertEqual(period["end"], base + 3600)
        # A period overlapping the range is listed, one outside it is not.
        inside = self.get(**{"from": str(base + 1000), "to": str(base + 2000)}).json()["annotations"]
        self.assertEqual([a["text"] for a in inside], ["migration"])
        self.assertEqual(self.get(**{"from": str(base + 4000), "to": str(base + 5000)}).json()["annotations"], [])
        self.assertEqual(self.get(**{"from": "now", "to": "now-1h"}).status_code, 400)
        self.assertEqual(self.get(limit="0").status_code, 400)
        self.assertEqual(self.get(bogus="1").status_code, 400)
        # A time expression is read like the API's from and to.
        relative = self.post({"text": "five minutes ago", "time": "now-5m"}).json()
        self.assertAlmostEqual(relative["time"], time.time() - 300, delta=30)

    def test_scopes(self):
        self.assertEqual(self.post({"text": "blog deploy", "token": "blog"}).status_code, 201)
        self.assertEqual(self.post({"text": "everyone's maintenance"}).status_code, 201)
        # A token limited to shop may mark shop's timeline only, and sees every project's markers and its own.
        self.assertEqual(self.post({"text": "x"}, SHOP).status_code, 403)
        self.assertEqual(self.post({"text": "x", "token": "blog"}, SHOP).status_code, 403)
        self.assertEqual(self.post({"text": "shop deploy", "token": "shop"}, SHOP).status_code, 201)
        texts = {a["text"] for a in self.get(SHOP).json()["annotations"]}
        self.assertIn("shop deploy", texts)
        self.assertIn("everyone's maintenance", texts)
        self.assertNotIn("blog deploy", texts)
        self.assertIn("blog deploy", {a["text"] for a in self.get().json()["annotations"]})

    def test_refusals(self):
        self.assertEqual(self.post({"text": "x"}, None).status_code, 401)
        self.assertEqual(self.post({"text": "x"}, "not-the-secret-000000").status_code, 401)
        self.assertEqual(self.get(None).status_code, 401)
        for body, parameter in (({}, "text"), ({"text": ""}, "text"), ({"text": "   "}, "text"), ({"text": 5}, "text"),
                                ({"text": "x" * 1001}, "text"), ({"text": "x", "time": "yesterday"}, "time"),
                                ({"text": "x", "time": [1]}, "time"), ({"text": "x", "time": 100, "end": 50}, "end"),
                                ({"text": "x", "tags": "deploy"}, "tags"), ({"text": "x", "tags": [1]}, "tags"),
                                ({"text": "x", "tags": ["t"] * 21}, "tags"), ({"text": "x", "token": 7}, "token"),
                                ({"text": "x", "txet": "y"}, "txet")):
            response = self.post(body)
            self.assertEqual(response.status_code, 400, (body, response.text))
            self.assertEqual(response.json()["parameter"], parameter, response.text)
        for raw in ("{not json", "[1, 2]", '"text"', ""):
            response = self.post(None, raw=raw)
            self.assertEqual(response.status_code, 400, (raw, response.text))
            self.assertEqual(response.json()["parameter"], "body")
        self.assertEqual(self.post({"text": "x"}, text="y").status_code, 400)  # fields in the URL
        oversized = self.post(None, raw=json.dumps({"text": "x", "tags": ["y" * 90] * 50}))
        self.assertEqual(oversized.status_code, 413, oversized.text)
        put = self.server.session.put(self.server.url("/api/annotations"), headers={"Authorization": "Bearer " + ADMIN})
        self.assertEqual(put.status_code, 405)

    def test_the_python_client(self):
        client = kodemon_package.Kodemon(environ={"KODEMON_URL": self.server.url(""), "KODEMON_API_TOKEN": ADMIN,
                                                  "KODEMON_TOKEN": "shop"})
        stored = client.annotate("deploy 1.4.3", tags=["deploy"])
        self.assertIsNotNone(stored, client.stats())
        self.assertEqual((stored["text"], stored["token"], stored["tags"]), ("deploy 1.4.3", "shop", ["deploy"]))
        self.assertIn(stored, self.get().json()["annotations"])
        # Never raises into the program: a refusal, a server that is not there, nonsense.
        refused = kodemon_package.Kodemon(environ={"KODEMON_URL": self.server.url("")})
        self.assertIsNone(refused.annotate("no token"))
        self.assertIn("401", refused.stats()["last_error"])
        gone = kodemon_package.Kodemon(environ={"KODEMON_URL": "http://127.0.0.1:1"})
        self.assertIsNone(gone.annotate("nobody listens", timeout=1))
        self.assertIn("annotation not stored", gone.stats()["last_error"])
        self.assertIsNone(client.annotate(object()))


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class OpenServer(unittest.TestCase):
    def test_an_open_non_loopback_server_takes_no_annotations(self):
        server = Kodemon("--http-address", "0.0.0.0", "--http-insecure")
        try:
            response = server.session.post(server.url("/api/annotations"), json={"text": "deploy"}, timeout=10)
            self.assertEqual(response.status_code, 403)
            self.assertIn("API token", response.json()["detail"])
            self.assertEqual(server.session.get(server.url("/api/annotations"), timeout=10).json()["annotations"], [])
        finally:
            server.stop()

    def test_loopback_without_tokens_takes_them(self):
        server = Kodemon()
        try:
            response = server.session.post(server.url("/api/annotations"), json={"text": "deploy"}, timeout=10)
            self.assertEqual(response.status_code, 201, response.text)
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
