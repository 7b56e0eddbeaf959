# SPDX-License-Identifier: MIT
"""`kodemon compare`, the regression check for CI, end to end: a real `kodemon --headless` receives two releases'
calls as the decorator sends them (one function 15% slower in release 1.4.2, one unchanged, one called too
rarely to judge), then `kodemon compare` reads its database file, and the running server over HTTP (--remote):
a 15% regression above --fail-above p95:10% exits 1 and names the function, none exits 0, usage and data errors
exit 2. KODEMON_BINARY (set by CTest) names the binary."""

import json
import os
import random
import socket
import subprocess
import time
import unittest

from test_retention_delete import ADMIN, Kodemon

BINARY = os.environ.get("KODEMON_BINARY", "")
SLOWED = "/srv/app/cart.py-checkout"
STEADY = "/srv/app/cart.py-total"
RARE = "/srv/app/admin.py-export"
PER_SIDE = 600


def compare(*arguments, env=None):
    result = subprocess.run([BINARY, "compare", *arguments], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, **(env or {})))
    return result.returncode, result.stdout, result.stderr


@unittest.skipUnless(BINARY, "KODEMON_BINARY is not set (CTest sets it)")
class Compare(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = Kodemon(env=dict(os.environ, KODEMON_API_TOKEN=ADMIN))
        cls.db = os.path.join(cls.server.folder.name, "k.sqlite")
        now = int(time.time())
        rng = random.Random(16)
        samples = []
        for release, start, factor in (("1.4.1", now - 7200, 1.0), ("1.4.2", now - 3600, 1.15)):
            for i in range(PER_SIDE):
                t = start + i * 3600 // PER_SIDE
                samples.append({"key": SLOWED, "execution_time": rng.lognormvariate(3.7, 0.4) * factor,
                                "timestamp": t, "token": "shop", "release": release})
                samples.append({"key": STEADY, "execution_time": rng.lognormvariate(2.3, 0.4),
                                "timestamp": t, "token": "shop", "release": release})
                if i % 60 == 0:
                    samples.append({"key": RARE, "execution_time": rng.lognormvariate(5, 0.4),
                                    "timestamp": t, "token": "shop", "release": release})
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            for n, sample in enumerate(samples):
                sock.sendto(json.dumps(sample).encode("utf-8"), ("127.0.0.1", cls.server.udp_port))
                if n % 500 == 0:
                    time.sleep(0.02)
        for key, count in ((SLOWED, 2 * PER_SIDE), (STEADY, 2 * PER_SIDE), (RARE, 20)):
            cls.server.wait_for(key, count)

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_a_15_percent_regression_fails(self):
        code, out, err = compare("--db", self.db, "--baseline", "release=1.4.1", "--candidate", "release=1.4.2",
                                 "--fail-above", "p95:10%")
        self.assertEqual(code, 1, out + err)
        lines = [line for line in out.splitlines() if SLOWED in line]
        self.assertEqual(len(lines), 1, out)
        self.assertIn("regression: p95 +", lines[0])
        steady = [line for line in out.splitlines() if STEADY in line]
        self.assertNotIn("regression", steady[0])
        rare = [line for line in out.splitlines() if RARE in line]
        self.assertIn("too few calls", rare[0])
        self.assertIn("1 regression(s)", out)
        print("\n" + out)

    def test_below_the_threshold_passes(self):
        code, out, err = compare("--db", self.db, "--baseline", "release=1.4.1", "--candidate", "release=1.4.2",
                                 "--fail-above", "p95:40%", "--fail-above", "mean:40%")
        self.assertEqual(code, 0, out + err)
        self.assertIn("0 regression(s)", out)
        self.assertIn("slower", [line for line in out.splitlines() if SLOWED in line][0])

    def test_an_unchanged_function_passes(self):
        code, out, err = compare("--db", self.db, "--baseline", "release=1.4.1", "--candidate", "release=1.4.2",
                                 "--key", STEADY, "--fail-above", "p95:10%", "--fail-above", "errors:10%")
        self.assertEqual(code, 0, out + err)
        self.assertNotIn(SLOWED, out)

    def test_time_ranges_and_json(self):
        code, out, err = compare("--db", self.db, "--baseline", "now-2h..now-1h", "--candidate", "now-1h..now",
                                 "--fail-above", "p50:10%", "--json")
        self.assertEqual(code, 1, out + err)
        report = json.loads(out)
        self.assertEqual((report["regressions"], report["exit_code"]), (1, 1))
        rows = {row["key"]: row for row in report["functions"]}
        self.assertEqual(rows[SLOWED]["verdict"], "regression")
        self.assertGreater(rows[SLOWED]["change"]["p50_pct"], 10)
        self.assertLess(rows[SLOWED]["p_value"], 0.01)
        self.assertEqual(rows[STEADY]["verdict"], "no change")
        self.assertEqual(rows[RARE]["verdict"], "too few calls")

    def test_remote(self):
        url = "http://127.0.0.1:%d" % self.server.http_port
        code, out, err = compare("--remote", url, "--baseline", "release=1.4.1", "--candidate", "release=1.4.2",
                                 "--fail-above", "p95:10%", env={"KODEMON_API_TOKEN": ADMIN})
        self.assertEqual(code, 1, out + err)
        self.assertIn(SLOWED, [line for line in out.splitlines() if "regression:" in line][0])
        code, out, err = compare("--remote", url, "--api-token", "wrong-secret-00000000", "--baseline",
                                 "release=1.4.1", "--candidate", "release=1.4.2")
        self.assertEqual(code, 2, out + err)

    def test_usage_and_data_errors(self):
        for arguments in (("--db", self.db, "--candidate", "release=1.4.2"),
                          ("--db", self.db, "--baseline", "release", "--candidate", "release=1.4.2"),
                          ("--db", self.db, "--baseline", "now..now-1h", "--candidate", "release=1.4.2"),
                          ("--db", self.db, "--baseline", "release=1.4.1", "--candidate", "release=1.4.2",
                           "--fail-above", "p97:10%"),
                          ("--db", self.db, "--baseline", "release=1.4.1", "--candidate", "release=9.9"),
                          ("--db", os.path.join(self.server.folder.name, "none.sqlite"), "--baseline",
                           "release=1.4.1", "--candidate", "release=1.4.2"),
                          ("--db", self.db, "--remote", "http://127.0.0.1:1", "--baseline", "a=1", "--candidate",
                           "a=2"),
                          ("--bogus",)):
            code, out, err = compare(*arguments)
            self.assertEqual(code, 2, (arguments, out, err))
            self.assertIn("kodemon compare:", err)
        code, out, err = compare("--help")
        self.assertEqual(code, 0)
        self.assertIn("--fail-above", out)


if __name__ == "__main__":
    unittest.main()
