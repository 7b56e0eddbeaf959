# SPDX-License-Identifier: MIT
"""StatsD and DogStatsD from real clients into the real `kodemon --headless`: Debian's python3-statsd (plain
StatsD, one timer per datagram and pipelines of several lines) and npm's hot-shots (DogStatsD tags). The API must
return every timer exactly: key, milliseconds, token, tags. Bad lines beside good ones are refused one by one and
counted per reason in /api/status. KODEMON_BINARY (set by CTest) names the binary."""

import socket
import time
import unittest

import json

import statsd

from ecosystem import BINARY, Kodemon, KodemonServer, free_port, run_node


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class StatsdClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kodemon = Kodemon(("--statsd-token", "python-statsd"))

    @classmethod
    def tearDownClass(cls):
        cls.kodemon.stop()

    def test_python_statsd_timers(self):
        client = statsd.StatsClient("127.0.0.1", self.kodemon.statsd_port)
        values = [0.5, 1, 12.25, 320, 4999.875]
        for value in values:
            client.timing("shop.checkout", value)
        with client.pipeline() as pipe:  # several lines in one datagram
            for value in values:
                pipe.timing("shop.pipeline", value)
        client.incr("shop.hits")
        client.gauge("shop.queue", 3)
        client.set("shop.users", "alice")
        for key in ("shop.checkout", "shop.pipeline"):
            executions = self.kodemon.executions(key, len(values), token="python-statsd")
            self.assertEqual(sorted(e["execution_time"] for e in executions), values)
            self.assertTrue(all(e["token"] == "python-statsd" and e["extra"] == {} for e in executions))
            now = time.time()
            self.assertTrue(all(abs(e["timestamp"] - now) < 60 for e in executions), executions)
        lines = self.kodemon.wait_for("the counter, gauge and set counted", lambda: (
            lambda l: l if l["counter"] >= 1 and l["gauge"] >= 1 and l["set"] >= 1 else None)(
            self.kodemon.listener("statsd")["lines"]))
        self.assertGreaterEqual(lines["timer"], 2 * len(values))
        client.close()
        status, keys = self.kodemon.json("/api/keys", token="python-statsd")
        self.assertEqual(sorted(k["key"] for k in keys["keys"] if k["key"].startswith("shop.")),
                         ["shop.checkout", "shop.pipeline"])  # counters, gauges and sets are not stored

    def test_hot_shots_dogstatsd_tags(self):
        sent = run_node("hotshots_send.mjs", self.kodemon.statsd_port, "hs")
        by_key = {}
        for item in sent:
            by_key.setdefault(item["name"], []).append(item)
        for key, items in by_key.items():
            executions = self.kodemon.executions(key, len(items), token="hot-shots")
            got = sorted((e["execution_time"], e["extra"]["attempt"], e["extra"]["route"], e["extra"]["env"])
                         for e in executions)
            want = sorted((i["value"], i["tags"]["attempt"], i["tags"]["route"], "test") for i in items)
            self.assertEqual(got, want)
            self.assertTrue(all("token" not in e["extra"] for e in executions))
        self.kodemon.wait_for("the hot-shots counter counted",
                              lambda: self.kodemon.listener("statsd")["lines"]["counter"] >= 1)

    def test_bad_lines_are_refused_one_by_one(self):
        before = self.kodemon.listener("statsd")["rejected"]
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.sendto(b"bad.first:1|ms\ngarbage\nbad.value:fast|ms\nbad.type:1|zz\n\xff\xfe:1|ms\nbad.rate:1|ms|@7\n"
                        b"bad.ts:1|ms|Tnever\nbad.last:2|ms", ("127.0.0.1", self.kodemon.statsd_port))
            sock.sendto(b"", ("127.0.0.1", self.kodemon.statsd_port))
            sock.sendto(bytes(range(256)) * 200, ("127.0.0.1", self.kodemon.statsd_port))
        self.assertEqual([e["execution_time"] for e in self.kodemon.executions("bad.first", 1, token="python-statsd")],
                         [1])
        self.assertEqual([e["execution_time"] for e in self.kodemon.executions("bad.last", 1, token="python-statsd")],
                         [2])
        expected = {"bad_line": 1, "bad_value": 1, "unknown_type": 1, "bad_name": 1, "bad_sample_rate": 1,
                    "bad_timestamp": 1, "empty": 1}

        def counted():
            after = self.kodemon.listener("statsd")["rejected"]
            grown = {reason: after[reason] - before[reason] for reason in after}
            return grown if all(grown[r] >= n for r, n in expected.items()) else None

        grown = self.kodemon.wait_for("the rejections counted", counted)
        for reason, count in expected.items():
            self.assertGreaterEqual(grown[reason], count, grown)
        self.assertEqual(self.kodemon.process.poll(), None, "kodemon must survive garbage")


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class OptionalListeners(unittest.TestCase):
    """A StatsD server or OpenTelemetry collector already holds the port: Kodemon says so (log, /api/status,
    /metrics) and runs without that listener, never refusing to start."""

    def test_taken_ports_do_not_stop_kodemon(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as statsd_holder, \
                socket.socket(socket.AF_INET, socket.SOCK_STREAM) as otlp_holder:
            statsd_holder.bind(("127.0.0.1", 0))
            otlp_holder.bind(("127.0.0.1", 0))
            otlp_holder.listen(1)
            statsd_port, otlp_port = statsd_holder.getsockname()[1], otlp_holder.getsockname()[1]
            kodemon = KodemonServer(("--statsd-port", str(statsd_port), "--otlp-port", str(otlp_port)))
            try:
                self.assertIn("no StatsD, no OTLP", kodemon.text())
                self.assertIn("running without the StatsD listener", kodemon.text())
                self.assertIn("running without the OTLP/HTTP receiver", kodemon.text())
                status, body = kodemon.get("/api/status")
                self.assertEqual(status, 200)
                for protocol, port in (("statsd", statsd_port), ("otlp", otlp_port)):
                    listener = body["listeners"][protocol]
                    self.assertEqual(listener["state"], "unavailable")
                    self.assertEqual(listener["address"], "127.0.0.1:%d" % port)
                    self.assertIn("in use", listener["problem"])
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                    sock.sendto(json.dumps({"key": "still-works", "execution_time": 4.5, "timestamp": int(time.time()),
                                            "token": "t"}).encode(), ("127.0.0.1", kodemon.udp_port))
                self.assertEqual(kodemon.executions("still-works", 1, token="t")["executions"][0]["execution_time"],
                                 4.5)
            finally:
                kodemon.stop()
        # Off is off: port 0 turns both listeners off.
        kodemon = KodemonServer(("--statsd-port", "0", "--otlp-port", "0"))
        try:
            status, body = kodemon.get("/api/status")
            self.assertEqual([body["listeners"][p]["state"] for p in ("statsd", "otlp")], ["off", "off"])
        finally:
            kodemon.stop()


if __name__ == "__main__":
    unittest.main()
