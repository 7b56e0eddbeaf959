# SPDX-License-Identifier: MIT
"""`pip install --no-build-isolation` builds and installs the package offline, and the installed copy passes
the wire-format and decorator tests. Skipped where pip, setuptools or wheel are missing."""

import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import support

TOOLS = ("pip", "setuptools", "wheel")


@unittest.skipUnless(all(importlib.util.find_spec(tool) for tool in TOOLS),
                     "needs %s for this Python (Debian: python3-pip python3-setuptools python3-wheel)"
                     % ", ".join(TOOLS))
class Install(unittest.TestCase):
    def test_offline_install_and_tests_against_it(self):
        with tempfile.TemporaryDirectory(prefix="kodemon-install-") as folder:
            # A copy, so that the build's leftovers (build/, *.egg-info) never land in the source tree.
            source = os.path.join(folder, "source")
            shutil.copytree(support.PACKAGE_ROOT, source,
                            ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info", "dist"))
            target = os.path.join(folder, "site")
            env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONDONTWRITEBYTECODE="1")
            done = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
                 "--target", target, source],
                env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            self.assertEqual(done.returncode, 0, done.stdout.decode(errors="replace"))
            installed = sorted(set(os.listdir(os.path.join(target, "kodemon"))) - {"__pycache__"})
            self.assertEqual(installed,
                             ["__init__.py", "_client.py", "_sender.py", "_wire.py"])

            env.update(PYTHONPATH=target, KODEMON_CLIENT_INSTALLED="1")
            env.pop("KODEMON_BINARY", None)
            done = subprocess.run(
                [sys.executable, "-c",
                 "import kodemon, sys; assert kodemon.__file__.startswith(sys.argv[1]), kodemon.__file__",
                 target], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
            self.assertEqual(done.returncode, 0, done.stdout.decode(errors="replace"))
            done = subprocess.run(
                [sys.executable, "-m", "unittest", "test_wire_format", "test_decorator"],
                cwd=support.HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
            self.assertEqual(done.returncode, 0, done.stdout.decode(errors="replace"))


if __name__ == "__main__":
    unittest.main()
