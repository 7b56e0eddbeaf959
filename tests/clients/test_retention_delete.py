# SPDX-License-Identifier: MIT
"""Retention and deletion end to end, against the real `kodemon --headless`: DELETE /api/series with Python's
requests as scripts use it, every refusal of the write-route rules (no API token, a wrong one, a scope that
does not cover the token, an open non-loopback server), and calls becoming per-minute summaries by
--retention-raw while their statistics stay. KODEMON_BINARY (set by CTest) names the binary."""

import json
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
import unittest

import requests

BINARY = os.environ.get("KODEMON_BINARY", "")
STARTUP = re.compile(r"listening on UDP \S+:(\d+) and HTTP http://\S+:(\d+)/")
ADMIN = "admin-secret-0123456789"
SHOP = "shop-secret-0123456789"


class Kodemon:
    """`kodemon --headless` on free ports, with extra options and a database in a temporary folder."""

    def __init__(self, *options, env=None):
        self.folder = tempfile.TemporaryDirectory(prefix="kodemon-retention-")
        self.output = []
        self.started = threading.Event()
        self.process = subprocess.Popen(
            [BINARY, "--headless", "--udp-port", "0", "--http-port", "0",
             "--db", os.path.join(self.folder.name, "k.sqlite"), *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        threading.Thread(target=self._read, daemon=True).start()
        if not self.started.wait(30):
            self.stop()
            raise AssertionError("kodemon did not start:\n" + "".join(self.output))
        self.session = requests.Session()
        self.session.trust_env = False

    def _read(self):
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace")
            self.output.append(line)
            match = STARTUP.search(line)
            if match:
                self.udp_port, self.http_port = int(match.group(1)), int(match.group(2))
                self.started.set()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.http_port, path)

    def send(self, key, token, count, timestamp=None):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for i in range(count):
                sample = {"key": key, "execution_time": 1.0 + i % 50, "timestamp": timestamp or int(time.time()),
                          "token": token}
                sock.sendto(json.dumps(sample).encode("utf-8"), ("127.0.0.1", self.udp_port))

    def count(self, key, token=None, secret=ADMIN):
        params = {"key": key}
        if token is not None:
            params["token"] = token
        response = self.session.get(self.url("/api/stats"), params=params, timeout=10,
                                    headers={"Authorization": "Bearer " + secret})
        return response.json().get("count", 0) if response.status_code == 200 else 0

    def wait_for(self, key, count, token=None):
        deadline = time.monotonic() + 20
        while self.count(key, token) != count:
            if time.monotonic() > deadline:
                raise AssertionError("%s: not %d calls\n%s" % (key, count, "".join(self.output)))
            time.sleep(0.1)

    def delete(self, secret=None, **params):
        headers = {"Authorization": "Bearer " + secret} if secret else {}
        return self.session.delete(self.url("/api/series"), params=params, headers=headers, timeout=30)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(30)
        self.folder.cleanup()


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class Deletion(unittest.TestCase):
    def setUp(self):
        env = dict(os.environ, KODEMON_API_TOKEN="%s %s:shop" % (ADMIN, SHOP))
        self.server = Kodemon(env=env)
        self.key = "/srv/my shop/app.py-c++ handler"
        for token, count in (("shop", 40), ("blog", 25)):
            self.server.send(self.key, token, count)
        self.server.wait_for(self.key, 65)

    def tearDown(self):
        self.server.stop()

    def test_refusals(self):
        self.assertEqual(self.server.delete(key=self.key).status_code, 401)  # no API token
        self.assertEqual(self.server.delete("not-the-secret-000000", key=self.key).status_code, 401)
        # A token limited to "shop" may not delete every token's calls, nor blog's.
        self.assertEqual(self.server.delete(SHOP, key=self.key).status_code, 403)
        self.assertEqual(self.server.delete(SHOP, key=self.key, token="blog").status_code, 403)
        self.assertEqual(self.server.delete(ADMIN).status_code, 400)  # neither key nor token
        self.assertEqual(self.server.delete(ADMIN, key="/nope.py-f").status_code, 404)
        self.assertEqual(self.server.delete(ADMIN, key=self.key, **{"from": "200", "to": "100"}).status_code, 400)
        self.assertEqual(self.server.count(self.key), 65)  # nothing went

    def test_scoped_token_deletes_its_own(self):
        response = self.server.delete(SHOP, key=self.key, token="shop")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["deleted"], 40)
        self.assertEqual(self.server.count(self.key), 25)
        self.assertEqual(self.server.count(self.key, "blog"), 25)

    def test_a_token_and_a_range(self):
        old = int(time.time()) - 7200
        self.server.send("/srv/other.py-g", "shop", 10, timestamp=old)
        self.server.wait_for("/srv/other.py-g", 10)
        # The last hour of shop's calls: the old ones of the other function stay.
        response = self.server.delete(ADMIN, token="shop", **{"from": "now-1h"})
        self.assertEqual(response.json()["deleted"], 40, response.text)
        self.assertEqual(self.server.count("/srv/other.py-g"), 10)
        self.assertEqual(self.server.count(self.key), 25)
        keys = self.server.session.get(self.server.url("/api/keys"), headers={"Authorization": "Bearer " + ADMIN}).json()
        self.assertEqual({(k["key"], k["token"], k["count"]) for k in keys["keys"]},
                         {(self.key, "blog", 25), ("/srv/other.py-g", "shop", 10)})


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class OpenServer(unittest.TestCase):
    def test_an_open_non_loopback_server_takes_no_writes(self):
        server = Kodemon("--http-address", "0.0.0.0", "--http-insecure")
        try:
            server.send("/srv/a.py-f", "t", 5)
            server.wait_for("/srv/a.py-f", 5)
            response = server.delete(key="/srv/a.py-f")
            self.assertEqual(response.status_code, 403)
            self.assertIn("API token", response.json()["detail"])
            self.assertEqual(server.count("/srv/a.py-f"), 5)
        finally:
            server.stop()

    def test_loopback_without_tokens_may_delete(self):
        server = Kodemon()
        try:
            server.send("/srv/a.py-f", "t", 5)
            server.wait_for("/srv/a.py-f", 5)
            self.assertEqual(server.delete(key="/srv/a.py-f").json()["deleted"], 5)
            self.assertEqual(server.count("/srv/a.py-f"), 0)
        finally:
            server.stop()


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class Retention(unittest.TestCase):
    def test_calls_become_summaries(self):
        server = Kodemon("--retention-raw", "2s", "--retention", "0")
        try:
            status = server.session.get(server.url("/api/status")).json()["retention"]
            self.assertEqual((status["raw_seconds"], status["summary_seconds"]), (2, None))
            server.send("/srv/a.py-f", "t", 300)
            server.wait_for("/srv/a.py-f", 300)
            # Compacted within 30 s, then summarized at the next retention step.
            deadline = time.monotonic() + 60
            while server.session.get(server.url("/api/status")).json()["retention"]["summarized_calls"] < 300:
                self.assertLess(time.monotonic(), deadline, "".join(server.output))
                time.sleep(0.5)
            stats = server.session.get(server.url("/api/stats"), params={"key": "/srv/a.py-f"}).json()
            self.assertEqual((stats["count"], stats["min"], stats["max"], stats["exact"]), (300, 1.0, 50.0, False))
            rows = server.session.get(server.url("/api/executions"), params={"key": "/srv/a.py-f"}).json()
            self.assertEqual(rows["executions"], [])
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
