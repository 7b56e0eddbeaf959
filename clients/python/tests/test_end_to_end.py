# SPDX-License-Identifier: MIT
"""End to end: the real `kodemon --headless` receives what the decorator sends, and gives it back through
GET /api/executions. KODEMON_BINARY (set by CTest) names the binary; without it these tests are skipped."""

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from unittest import mock

import support

BINARY = os.environ.get("KODEMON_BINARY", "")
STARTUP = re.compile(r"listening on UDP \S+:(\d+) and HTTP http://\S+:(\d+)/")
TOKEN = "e2e-python \u00e9"


def get_json(url):
    """(status, decoded JSON body) of GET url, error statuses included."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback, never a proxy
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8") or "null")


class KodemonServer:
    """`kodemon --headless` on free ports with its database in a temporary folder; `args` are added to its
    command line (the StatsD and OTLP listeners are off unless they ask for them)."""

    def __init__(self, args=("--statsd-port", "0", "--otlp-port", "0")):
        self.folder = tempfile.TemporaryDirectory(prefix="kodemon-e2e-")
        self.database = os.path.join(self.folder.name, "kodemon.sqlite")
        self.output = []
        self.started = threading.Event()
        self.udp_port = self.http_port = None
        self.process = subprocess.Popen(
            [BINARY, "--headless", "--udp-port", "0", "--http-port", "0", "--db", self.database, *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()
        if not self.started.wait(30):
            self.stop()
            raise AssertionError("kodemon did not start:\n" + self.text())

    def _read(self):
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace")
            self.output.append(line)
            match = STARTUP.search(line)
            if match and not self.started.is_set():
                self.udp_port, self.http_port = int(match.group(1)), int(match.group(2))
                self.started.set()

    def text(self):
        return "".join(self.output)

    def get(self, path, **params):
        # As forms encode (a space is "+", a plus sign %2B), which is how Kodemon reads query strings.
        query = urllib.parse.urlencode(params)
        return get_json("http://127.0.0.1:%d%s?%s" % (self.http_port, path, query))

    def executions(self, key, count, token=TOKEN, timeout=15.0):
        """The stored executions of key, once there are at least `count` (samples are committed within
        100 ms of arrival)."""
        deadline = time.monotonic() + timeout
        while True:
            status, body = self.get("/api/executions", key=key, token=token)
            if status == 200 and len(body["executions"]) >= count:
                return body
            if time.monotonic() > deadline:
                raise AssertionError("%s: HTTP %s %r\n%s" % (key, status, body, self.text()))
            time.sleep(0.1)

    def terminate(self):
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(30)

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        self.reader.join(5)
        self.process.stdout.close()
        self.folder.cleanup()


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class EndToEnd(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = KodemonServer()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def setUp(self):
        self.env = {"KODEMON_HOST": "localhost", "KODEMON_PORT": str(self.server.udp_port),
                    "KODEMON_TOKEN": TOKEN}
        self.kodemon = support.Kodemon(environ=self.env)

    def tearDown(self):
        self.kodemon._sender.close()

    def test_decorated_calls_are_stored_with_their_times_and_fields(self):
        source = "@kodemon(project='shop', tags=['a', 'b'])\ndef fetch_latest(n):\n    return list(range(n))\n"
        defined = support.compile_functions(source, "/srv/my app/views.py", kodemon=self.kodemon)
        fetch_latest = defined["fetch_latest"]
        self.kodemon._perf_clock = mock.Mock(side_effect=[10.0, 10.015625, 20.0, 20.03125])
        before = int(time.time())
        self.assertEqual(fetch_latest(3), [0, 1, 2])
        self.assertEqual(fetch_latest(1), [0])
        body = self.server.executions("/srv/my app/views.py-fetch_latest", 2)
        rows = body["executions"]
        self.assertEqual([r["execution_time"] for r in rows], [15.625, 31.25])
        for row in rows:
            self.assertEqual(row["token"], TOKEN)
            self.assertEqual(row["extra"], {"project": "shop", "tags": ["a", "b"]})
            self.assertIn(row["timestamp"], range(before, before + 5))
        self.assertIsNone(body["next"])

    def test_errors_timers_and_coroutines(self):
        @self.kodemon
        def broken():
            raise LookupError("nope")

        async def main():
            @self.kodemon(kind="async")
            async def waits():
                await asyncio.sleep(0.02)

            await waits()
            async with self.kodemon.timer("e2e async block \u2603"):
                await asyncio.sleep(0.01)

        with self.assertRaises(LookupError):
            broken()
        with self.kodemon.timer("e2e/timer key?&#%+", shop="eu"):
            time.sleep(0.01)
        asyncio.run(main())

        row = self.server.executions(__file__ + "-broken", 1)["executions"][0]
        self.assertEqual(row["extra"], {"error": "LookupError"})
        row = self.server.executions("e2e/timer key?&#%+", 1)["executions"][0]
        self.assertEqual(row["extra"], {"shop": "eu"})
        self.assertGreaterEqual(row["execution_time"], 10.0)
        row = self.server.executions(__file__ + "-waits", 1)["executions"][0]
        self.assertEqual(row["extra"], {"kind": "async"})
        self.assertGreaterEqual(row["execution_time"], 19.0)  # the event loop may wake a hair early
        self.server.executions("e2e async block \u2603", 1)

    def test_batched_samples_are_all_stored(self):
        self.kodemon.configure(batch=True, max_datagram_bytes=1400, max_delay=60)

        @self.kodemon(batch="yes")
        def step(i):
            return i

        for i in range(50):
            step(i)
        self.kodemon.flush()
        stats = self.kodemon.stats()
        self.assertEqual(stats["sent"], 50)
        self.assertLess(stats["datagrams"], 10)
        rows = self.server.executions(__file__ + "-step", 50)["executions"]
        self.assertEqual(len(rows), 50)
        self.assertTrue(all(r["extra"] == {"batch": "yes"} for r in rows))

    def test_zz_stored_for_good_after_sigterm(self):
        # Runs last (alphabetical order): stops the server and reads its file.
        @self.kodemon
        def last_call():
            return None

        last_call()
        self.server.executions(__file__ + "-last_call", 1)
        self.assertEqual(self.server.terminate(), 0, self.server.text())
        with sqlite3.connect("file:%s?mode=ro" % self.server.database, uri=True) as database:
            # The series' total and the call's chunk are committed in one transaction.
            stored = database.execute("SELECT sample_count FROM series WHERE key = ? AND token = ?",
                                      (__file__ + "-last_call", TOKEN)).fetchone()[0]
            in_chunks = database.execute("SELECT (SELECT coalesce(sum(sample_count), 0) FROM chunks) + "
                                         "(SELECT coalesce(sum(sample_count), 0) FROM recent)").fetchone()[0]
            in_series = database.execute("SELECT sum(sample_count) FROM series").fetchone()[0]
        self.assertEqual(stored, 1)
        self.assertEqual(in_chunks, in_series)


if __name__ == "__main__":
    unittest.main()
