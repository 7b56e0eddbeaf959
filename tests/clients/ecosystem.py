# SPDX-License-Identifier: MIT
"""What the ecosystem tests share: a `kodemon --headless` with its StatsD and OTLP listeners on free ports, the
Node.js client programs of tests/clients/node, and polling its API."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "clients", "python", "tests"))
from test_end_to_end import BINARY, KodemonServer  # noqa: E402,F401  (one way to start kodemon for every Python test)

NODE_DIR = os.path.join(HERE, "node")


def free_port(kind):
    """A port nobody listens on right now (kind: socket.SOCK_DGRAM or SOCK_STREAM), for a listener that must not
    take the well-known 8125 or 4318 that a parallel test or a real collector may hold."""
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Kodemon(KodemonServer):
    """kodemon with StatsD on a free UDP port and OTLP/HTTP on a free TCP port, plus `args`; `api_token` is sent
    with every API request."""

    def __init__(self, args=(), api_token=None):
        self.headers = {"Authorization": "Bearer " + api_token} if api_token else {}
        self.statsd_port = free_port(socket.SOCK_DGRAM)
        self.otlp_port = free_port(socket.SOCK_STREAM)
        super().__init__(("--statsd-port", str(self.statsd_port), "--otlp-port", str(self.otlp_port), *args))
        self.base = "http://127.0.0.1:%d" % self.http_port
        self.otlp = "http://127.0.0.1:%d/v1/traces" % self.otlp_port

    def request(self, path, headers=None, **params):
        """(status, body bytes, headers) of GET path?params (form-encoded), error statuses included."""
        url = self.base + path + ("?" + urllib.parse.urlencode(params) if params else "")
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            request = urllib.request.Request(url, headers=self.headers if headers is None else headers)
            with opener.open(request, timeout=10) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def json(self, path, **params):
        status, body, _ = self.request(path, **params)
        return status, json.loads(body.decode("utf-8") or "null")

    def wait_for(self, what, check, timeout=20.0):
        """Polls check() until it returns something true; fails with `what` and the log after timeout."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError("%s did not happen within %g s\n%s" % (what, timeout, self.text()))
            time.sleep(0.1)

    def executions(self, key, count, token=None):
        """The stored executions of key once there are exactly `count` (never more: more would be a defect)."""
        params = {"key": key, "limit": 10000}
        if token is not None:
            params["token"] = token

        def ready():
            status, body = self.json("/api/executions", **params)
            return body if status == 200 and len(body["executions"]) >= count else None

        body = self.wait_for("%d executions of %r" % (count, key), ready)
        if len(body["executions"]) != count:
            raise AssertionError("%r: %d executions, expected %d" % (key, len(body["executions"]), count))
        return body["executions"]

    def listener(self, protocol):
        status, body = self.json("/api/status")
        assert status == 200, body
        return body["listeners"][protocol]


def run_node(script, *args, timeout=120):
    """Runs tests/clients/node/<script> with Node.js; returns its stdout parsed as JSON."""
    node_modules = os.path.join(NODE_DIR, "node_modules")
    if not os.path.isdir(node_modules):
        raise AssertionError("%s is missing: make deps installs the Node.js clients (npm ci)" % node_modules)
    result = subprocess.run(["node", os.path.join(NODE_DIR, script), *map(str, args)], cwd=NODE_DIR,
                            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise AssertionError("%s %s failed (%d):\n%s\n%s" % (script, args, result.returncode, result.stdout,
                                                            result.stderr))
    return json.loads(result.stdout.strip().splitlines()[-1])
