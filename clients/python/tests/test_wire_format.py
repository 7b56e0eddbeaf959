# SPDX-License-Identifier: MIT
"""The datagrams are byte for byte those of the original decorator for the same inputs.

Two references: the datagrams captured from the original (tests/data/decorator-datagrams.txt, replayed here
with their recorded clocks and file names), and the original's code with its two-line Python 3 fix, run side
by side with this client on many inputs.

Why the token is last and always wins: the Python 3 captures put it after the keyword arguments, and under
Python 2 the field order of the "custom-key" capture is only what CPython 2.7's dict produces when the
keywords were (key, timestamp, token) and the token was set after merging them, i.e. a `token=` keyword was
given and overridden by KODEMON_TOKEN.
"""

import inspect
import json
import os
import socket
import time
import unittest
from unittest import mock

import support

CAPTURES = os.path.join(support.REPOSITORY, "tests", "data", "decorator-datagrams.txt")

# How each captured function was decorated (tests/data: the capture script emit.py and its package).
DECORATIONS = {
    "plain": "@kodemon",
    "with_parens": "@kodemon()",
    "with_kwargs": '@kodemon(project="demo", version=3, tags=["a", "b"], ratio=0.5)',
    "custom-key": '@kodemon(key="custom-key", timestamp=0, token="overridden-by-KODEMON_TOKEN")',
    "nested_job": "@kodemon",
    "run": '@kodemon(component="worker")',
    "unicode_name": "@kodemon",
}

ULP_NEAR_NOW = 2.0 ** -22  # the spacing of time.time() values around 2027: every recorded duration is a multiple


def read_captures():
    blocks = {}
    current = None
    with open(CAPTURES, encoding="utf-8") as captures:
        for line in captures:
            line = line.rstrip("\n")
            if line.startswith("# python"):
                current = blocks.setdefault(line[2:], [])
            elif line and not line.startswith("#") and current is not None:
                current.append(line)
    return blocks


def recorded_duration(execution_time_ms):
    """A duration in seconds that reproduces the recorded milliseconds exactly: the original computed
    (time.time() - start) * 1000, and such a difference is a whole number of ULP_NEAR_NOW."""
    steps = round(execution_time_ms / 1000 / ULP_NEAR_NOW)
    duration = steps * ULP_NEAR_NOW
    assert duration * 1000 == execution_time_ms, execution_time_ms
    return duration


def replay(client, line):
    """Defines the captured function under its recorded file name, and calls it with the recorded clocks."""
    recorded = json.loads(line)
    if recorded["key"] == "custom-key":
        source_file, name = "emit.py", "custom"
        decoration = DECORATIONS["custom-key"]
    else:
        source_file, name = recorded["key"].rsplit("-", 1)
        decoration = DECORATIONS[name]
    source = "%s\ndef %s():\n    return 42\n" % (decoration, name)
    namespace = {"kodemon": client}
    exec(compile(source, source_file, "exec"), namespace)
    timestamp = 1795608118 if recorded["timestamp"] == 0 else recorded["timestamp"]
    client._wall_clock = lambda: timestamp + 0.734
    client._perf_clock = mock.Mock(side_effect=[5000.0, 5000.0 + recorded_duration(recorded["execution_time"])])
    return namespace[name]()


class CapturedDatagrams(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.client = support.client_for(self.receiver, KODEMON_TOKEN="test-token")
        self.captures = read_captures()

    def tearDown(self):
        self.client._sender.close()
        self.receiver.close()

    def test_captures_are_there(self):
        self.assertEqual(len(self.captures["python3"]), 4)
        self.assertEqual(len(self.captures["python2.7" if "python2.7" in self.captures else "python2"]), 11)

    def test_python3_captures_byte_for_byte(self):
        for line in self.captures["python3"]:
            with self.subTest(line=line):
                self.assertEqual(replay(self.client, line), 42)
                self.assertEqual(self.receiver.datagram().decode("ascii"), line)

    def test_python2_captures_same_fields_and_values(self):
        # Python 2 wrote the fields in its dict's hash order; the fields and values are the same.
        python2 = self.captures.get("python2.7") or self.captures["python2"]
        for line in python2:
            with self.subTest(line=line):
                replay(self.client, line)
                sent = self.receiver.datagram().decode("ascii")
                self.assertEqual(json.loads(sent), json.loads(line))
                self.assertEqual(list(json.loads(sent))[:3], ["key", "execution_time", "timestamp"])
                self.assertEqual(list(json.loads(sent))[-1], "token")

    def test_the_public_object_sends_the_same(self):
        from kodemon import kodemon

        line = self.captures["python3"][2]
        env = {"KODEMON_HOST": "127.0.0.1", "KODEMON_PORT": str(self.receiver.port), "KODEMON_TOKEN": "test-token"}
        with mock.patch.dict(os.environ, env), \
                mock.patch.object(kodemon, "_wall_clock"), mock.patch.object(kodemon, "_perf_clock"):
            replay(kodemon, line)
            self.assertEqual(self.receiver.datagram().decode("ascii"), line)
            kodemon._sender._drop_socket_locked()


# The original decorator with the two-line Python 3 fix (bytes for sendto), as the captures show it.
def original_kodemon(*args, **kwargs):
    def decorator(func):
        def wrapper(*a, **kw):
            start = time.time()
            result = func(*a, **kw)
            elapsed = (time.time() - start) * 1000
            data = {"key": inspect.getfile(func) + "-" + func.__name__, "execution_time": elapsed,
                    "timestamp": int(start)}
            data.update(kwargs)
            data["token"] = os.environ.get("KODEMON_TOKEN", "test-token")
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.sendto(json.dumps(data).encode(), (os.environ.get("KODEMON_HOST", "localhost"),
                                                    int(os.environ.get("KODEMON_PORT", 4000))))
            sock.close()
            return result
        return wrapper

    if len(args) == 1 and callable(args[0]) and not kwargs:
        return decorator(args[0])
    return decorator


SIDE_BY_SIDE = [
    ("emit.py", "plain", "@kodemon"),
    ("../emit.py", "plain", "@kodemon"),
    ("/srv/app/emit.py", "with_parens", "@kodemon()"),
    ("/srv/my app/views.py", "fetch_latest", '@kodemon(project="shop", version=3)'),
    ("emit.py", "overrides", '@kodemon(key="custom-key", timestamp=0, execution_time=1.5)'),
    ("emit.py", "token_keyword", '@kodemon(token="mine", region="eu")'),
    ("emit.py", "token_first", '@kodemon(token="mine", key="k")'),
    ("emit.py", "values", '@kodemon(n=None, t=True, f=False, big=10**20, small=-1e-300, nested={"a": [1, {"b": None}]})'),
    ("/srv/caf\u00e9/\u00e9mit.py", "na\u00efve", '@kodemon(label="\u2603 snow \\"quoted\\" \\\\ back\\nslash", emoji="\U0001f600")'),
    ("emit.py", "tabs", '@kodemon(text="tab\\t cr\\r nul\\x00 del\\x7f")'),
]


class SideBySideWithTheOriginal(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()

    def tearDown(self):
        self.receiver.close()

    def send_both(self, source_file, name, decoration, env):
        start, duration = 1795608118.375, 4321 * ULP_NEAR_NOW
        sent = []
        for decorator in (original_kodemon, support.Kodemon(environ=os.environ)):
            namespace = {"kodemon": decorator}
            exec(compile("%s\ndef %s():\n    return 7\n" % (decoration, name), source_file, "exec"), namespace)
            with mock.patch.dict(os.environ, env, clear=True), \
                    mock.patch.object(time, "time", side_effect=[start, start + duration]):
                if isinstance(decorator, support.Kodemon):
                    decorator._perf_clock = mock.Mock(side_effect=[0.0, duration])
                    decorator._wall_clock = lambda: start
                self.assertEqual(namespace[name](), 7)
                sent.append(self.receiver.datagram())
            if isinstance(decorator, support.Kodemon):
                decorator._sender.close()
        return sent

    def test_same_bytes_for_the_same_inputs(self):
        for env_token in ("test-token", "customer \u00e9", None):
            env = {"KODEMON_HOST": "127.0.0.1", "KODEMON_PORT": str(self.receiver.port)}
            if env_token is not None:
                env["KODEMON_TOKEN"] = env_token
            for source_file, name, decoration in SIDE_BY_SIDE:
                with self.subTest(decoration=decoration, file=source_file, token=env_token):
                    original, ours = self.send_both(source_file, name, decoration, env)
                    self.assertEqual(ours, original)

    def test_token_keyword_is_overridden_like_the_original(self):
        env = {"KODEMON_HOST": "127.0.0.1", "KODEMON_PORT": str(self.receiver.port), "KODEMON_TOKEN": "env"}
        _, ours = self.send_both("emit.py", "f", '@kodemon(token="mine", region="eu")', env)
        self.assertEqual(list(json.loads(ours).items())[3:], [("token", "env"), ("region", "eu")])

    def test_default_token_is_the_originals(self):
        env = {"KODEMON_HOST": "127.0.0.1", "KODEMON_PORT": str(self.receiver.port)}
        _, ours = self.send_both("emit.py", "f", "@kodemon", env)
        self.assertEqual(json.loads(ours)["token"], "test-token")


class Defaults(unittest.TestCase):
    def test_localhost_4000_over_ipv4_when_nothing_is_set(self):
        sender = support.kodemon_package._sender.Sender(environ={})
        try:
            family, address = sender._target_locked()
        finally:
            sender.close()
        self.assertEqual(family, socket.AF_INET)
        self.assertEqual(address, ("127.0.0.1", 4000))

    def test_separators_and_escapes_are_json_dumps_defaults(self):
        from kodemon import _wire

        message = _wire.build_message("a\u00e9-\u2603", 1.5, 2, {"x": [1, 2]}, "t")
        self.assertEqual(_wire.encode(message),
                         b'{"key": "a\\u00e9-\\u2603", "execution_time": 1.5, "timestamp": 2, "x": [1, 2], '
                         b'"token": "t"}')


if __name__ == "__main__":
    unittest.main()
