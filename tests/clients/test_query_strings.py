# SPDX-License-Identifier: MIT
"""Query strings as real HTTP clients write them, against the real `kodemon --headless`.

Python's urlencode (quote_plus, its default) and requests' params= write a space as "+", as HTML forms and
URLSearchParams do (the web page is checked in headless Chromium by tests/e2e); curl --data-urlencode and
urlencode(quote_via=quote) write %20. Every one of them must find keys that hold spaces, plus signs, slashes
and non-ASCII text. KODEMON_BINARY (set by CTest) names the binary."""

import json
import os
import socket
import subprocess
import sys
import time
import unittest
import urllib.parse

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python", "tests"))
from test_end_to_end import BINARY, KodemonServer, get_json as urllib_get  # noqa: E402  (one way to start kodemon for every Python test)

TOKEN = "query strings"
# Each key is stored with a different number of calls, so a lookup that finds the wrong key is caught.
KEYS = {
    "/srv/my shop/util.py-a+b": 3,
    "/srv/my shop/util.py-a b": 5,
    "c ++ x.py-f": 2,
    "/srv/caf\u00e9 \u20ac/views.py-fetch": 4,
    "../up/one.py-100%": 1,
}
TIMESTAMP = int(time.time()) - 60


class Kodemon(KodemonServer):
    """The Python client's end-to-end server (`kodemon --headless` on free ports), with raw datagrams to send."""

    def __init__(self):
        super().__init__()
        self.base = "http://127.0.0.1:%d" % self.http_port

    def send(self, key, count):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for i in range(count):
                sample = {"key": key, "execution_time": 1.5 + i, "timestamp": TIMESTAMP, "token": TOKEN}
                sock.sendto(json.dumps(sample).encode("utf-8"), ("127.0.0.1", self.udp_port))


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class QueryStrings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Kodemon()
        cls.session = requests.Session()
        cls.session.trust_env = False  # loopback, never a proxy from the environment
        for key, count in KEYS.items():
            cls.server.send(key, count)
        deadline = time.monotonic() + 20
        while True:
            body = cls.session.get(cls.server.base + "/api/keys", params={"token": TOKEN}, timeout=10).json()
            if len(body.get("keys", [])) >= len(KEYS) and cls.stored_everything():
                break
            if time.monotonic() > deadline:
                cls.server.stop()
                raise AssertionError("the samples were not stored: %r\n%s" % (body, cls.server.text()))
            time.sleep(0.1)

    @classmethod
    def stored_everything(cls):
        for key, count in KEYS.items():
            response = cls.session.get(cls.server.base + "/api/stats", params={"key": key}, timeout=10)
            if response.status_code != 200 or response.json().get("count") != count:
                return False
        return True

    @classmethod
    def tearDownClass(cls):
        cls.session.close()
        cls.server.stop()

    def assert_count(self, status_and_body, key):
        status, body = status_and_body
        self.assertEqual(status, 200, body)
        self.assertEqual(body["count"], KEYS[key], key)

    def test_requests_params(self):
        for key in KEYS:
            with self.subTest(key=key):
                response = self.session.get(self.server.base + "/api/stats", params={"key": key, "token": TOKEN})
                self.assertNotIn("%20", response.request.url)  # requests writes a space as "+"
                self.assert_count((response.status_code, response.json()), key)

    def test_urlencode_default_writes_plus(self):
        for key in KEYS:
            with self.subTest(key=key):
                query = urllib.parse.urlencode({"key": key, "token": TOKEN})
                self.assertNotIn("%20", query)
                self.assert_count(urllib_get(self.server.base + "/api/stats?" + query), key)

    def test_urlencode_quote_writes_percent20(self):
        for key in KEYS:
            with self.subTest(key=key):
                query = urllib.parse.urlencode({"key": key, "token": TOKEN}, quote_via=urllib.parse.quote)
                self.assertNotIn("+", query)
                self.assert_count(urllib_get(self.server.base + "/api/stats?" + query), key)

    def test_curl_data_urlencode(self):
        for key in KEYS:
            with self.subTest(key=key):
                output = subprocess.run(
                    ["curl", "--silent", "--noproxy", "*", "--get", "--write-out", "\n%{http_code}",
                     "--data-urlencode", "key=" + key, "--data-urlencode", "token=" + TOKEN,
                     self.server.base + "/api/stats"],
                    capture_output=True, check=True, timeout=30).stdout.decode("utf-8")
                body, _, status = output.rpartition("\n")
                self.assert_count((int(status), json.loads(body)), key)

    def test_executions_and_csv_with_requests(self):
        key = "/srv/my shop/util.py-a+b"
        response = self.session.get(self.server.base + "/api/executions", params={"key": key, "token": TOKEN})
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(len(response.json()["executions"]), KEYS[key])
        csv = self.session.get(self.server.base + "/api/executions",
                               params={"key": key, "token": TOKEN, "format": "csv"})
        self.assertEqual(csv.status_code, 200, csv.text)
        self.assertEqual(len(csv.text.strip().splitlines()), KEYS[key] + 1)  # the header and one line per call

    def test_a_literal_plus_is_a_space(self):
        # "a+b" unencoded is the key "a b", as every form would mean it: the two keys stay apart.
        status, body = urllib_get(self.server.base + "/api/stats?key=/srv/my+shop/util.py-a+b")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["count"], KEYS["/srv/my shop/util.py-a b"])

    def test_an_unknown_key_is_404(self):
        status, body = urllib_get(self.server.base + "/api/stats?key=" + urllib.parse.quote_plus("no such-key"))
        self.assertEqual(status, 404, body)

    def test_times_typed_by_hand_and_encoded(self):
        key = urllib.parse.quote_plus("/srv/my shop/util.py-a b")
        for written in ("now-1h", "now%2B1h", "now+1h", urllib.parse.quote_plus("1970-01-01T00:00:00+00:00"),
                        "1970-01-01T00:00:00+00:00", "1970-01-01+00:00:00"):
            with self.subTest(time=written):
                lower = written.startswith("now-") or written.startswith("1970")
                param = "from" if lower else "to"
                self.assert_count(urllib_get("%s/api/stats?key=%s&%s=%s" % (self.server.base, key, param, written)),
                                  "/srv/my shop/util.py-a b")

    def test_a_space_in_a_time_is_an_error(self):
        key = urllib.parse.quote_plus("/srv/my shop/util.py-a b")
        status, body = urllib_get("%s/api/stats?key=%s&from=now%%201h" % (self.server.base, key))
        self.assertEqual(status, 400, body)
        self.assertEqual(body.get("parameter"), "from", body)


if __name__ == "__main__":
    unittest.main()
