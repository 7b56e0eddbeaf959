# SPDX-License-Identifier: MIT
"""OTLP/HTTP traces from the real OpenTelemetry JS SDK (NodeTracerProvider, BatchSpanProcessor, and both
@opentelemetry/exporter-trace-otlp-proto and -otlp-http, with and without gzip) into the real
`kodemon --headless`: the API returns every span as a call with its duration, start, attributes and error status.
Then bad input of every kind, from Python: clear errors, counted refusals, no valid span lost.
KODEMON_BINARY (set by CTest) names the binary."""

import gzip
import json
import unittest
import urllib.error
import urllib.request

from ecosystem import BINARY, Kodemon, run_node

SPANS = 60


def post(url, body, content_type, headers=None):
    """(status, body, headers) of POST url."""
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": content_type, **(headers or {})})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers


def span_json(name, start_ns=1795608000000000000, duration_ns=31900000, **extra):
    span = {"traceId": "5B8EFFF798038103D269B633813FC60C", "spanId": "EEE19B7EC3C1B174", "name": name,
            "startTimeUnixNano": str(start_ns), "endTimeUnixNano": str(start_ns + duration_ns)}
    span.update(extra)
    return span


def request_json(spans, service="bad-input"):
    return json.dumps({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]},
        "scopeSpans": [{"scope": {"name": "python"}, "spans": spans}]}]}).encode()


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class OtlpClients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.kodemon = Kodemon()

    @classmethod
    def tearDownClass(cls):
        cls.kodemon.stop()

    def check_export(self, encoding, compression):
        service = "otel-%s-%s" % (encoding, compression)
        result = run_node("otel_export.mjs", self.kodemon.otlp, encoding, compression, service, SPANS)
        self.assertGreaterEqual(result["exports"], 1)
        by_name = {}
        for span in result["spans"]:
            by_name.setdefault(span["name"], []).append(span)
        for name, spans in by_name.items():
            executions = self.kodemon.executions(name, len(spans), token=service)
            got = sorted((e["timestamp"], e["execution_time"], e["extra"]["http.route"], e["extra"]["retry.count"],
                          e["extra"]["cache.hit"], e["extra"]["ratio"], e["extra"].get("error"),
                          e["extra"]["deployment.environment"], e["extra"]["otel.scope.name"],
                          e["extra"]["otel.scope.version"]) for e in executions)
            want = sorted((s["start"], s["ms"], s["attributes"]["http.route"], s["attributes"]["retry.count"],
                           s["attributes"]["cache.hit"], s["attributes"]["ratio"],
                           "ValueError" if s["failed"] else None, "test", "kodemon-tests", "1.2.3") for s in spans)
            self.assertEqual(got, want)
            self.assertTrue(all("service.name" not in e["extra"] for e in executions))

    def test_proto_exporter(self):
        self.check_export("proto", "none")

    def test_proto_exporter_gzip(self):
        self.check_export("proto", "gzip")

    def test_http_json_exporter(self):
        self.check_export("json", "none")

    def test_http_json_exporter_gzip(self):
        self.check_export("json", "gzip")

    def test_bad_input(self):
        url = self.kodemon.otlp
        good = request_json([span_json("kept-1")])
        cases = [
            ("garbage protobuf", b"\xff\xff\xff\xff garbage", "application/x-protobuf", {}, 400),
            ("truncated protobuf", bytes.fromhex("0a0512030a01"), "application/x-protobuf", {}, 400),
            ("not JSON", b"{\"resourceSpans\": [", "application/json", {}, 400),
            ("JSON of the wrong shape", b"{\"resourceSpans\": 5}", "application/json", {}, 400),
            ("deep JSON", b"[" * 100000 + b"]" * 100000, "application/json", {}, 400),
            ("invalid UTF-8 JSON", b"{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"name\": \"\xff\"}]}]}]}",
             "application/json", {}, 400),
            ("wrong content type", good, "text/plain", {}, 415),
            ("unknown encoding", good, "application/json", {"Content-Encoding": "br"}, 415),
            ("corrupt gzip", b"\x1f\x8b\x08\x00garbage", "application/json", {"Content-Encoding": "gzip"}, 400),
            ("huge body", b" " * (21 * 1024 * 1024), "application/json", {}, 413),
            ("gzip bomb", gzip.compress(b" " * (30 * 1024 * 1024)), "application/json", {"Content-Encoding": "gzip"},
             413),
        ]
        for name, body, content_type, headers, expected in cases:
            with self.subTest(name):
                status, answer, response_headers = post(url, body, content_type, headers)
                self.assertEqual(status, expected, answer[:300])
                if content_type == "application/json" or expected == 415:
                    self.assertEqual(response_headers["Content-Type"], "application/json")
                    self.assertTrue(json.loads(answer)["message"], answer)
        status, answer, _ = post(url, good, "application/json")
        self.assertEqual((status, json.loads(answer)), (200, {}))
        # One bad span among good ones: 200 with partialSuccess, the good ones kept.
        mixed = request_json([span_json("kept-2"), span_json(""), span_json("late", duration_ns=-5),
                              span_json("kept-2", start_ns=1795608001000000000)])
        status, answer, _ = post(url, mixed, "application/json")
        self.assertEqual(status, 200)
        partial = json.loads(answer)["partialSuccess"]
        self.assertEqual(partial["rejectedSpans"], "2")
        self.assertIn("no name", partial["errorMessage"])
        self.assertEqual(len(self.kodemon.executions("kept-1", 1, token="bad-input")), 1)
        self.assertEqual(len(self.kodemon.executions("kept-2", 2, token="bad-input")), 2)
        # Wrong methods and paths.
        self.assertEqual(post(url.replace("/v1/traces", "/v1/metrics"), good, "application/json")[0], 404)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with self.assertRaises(urllib.error.HTTPError) as get:
            opener.open(url, timeout=10)
        self.assertEqual((get.exception.code, get.exception.headers["Allow"]), (405, "POST"))
        listener = self.kodemon.listener("otlp")
        self.assertEqual(listener["state"], "listening")
        self.assertGreaterEqual(listener["refused"]["bad_request"], 6)
        self.assertGreaterEqual(listener["refused"]["too_large"], 2)
        self.assertGreaterEqual(listener["refused"]["unsupported_media_type"], 2)
        self.assertGreaterEqual(listener["rejected"]["missing_name"], 1)
        self.assertGreaterEqual(listener["rejected"]["bad_time"], 1)
        self.assertEqual(self.kodemon.process.poll(), None)


if __name__ == "__main__":
    unittest.main()
