# SPDX-License-Identifier: MIT
"""The package runs on Python 3.8 and uses only the standard library. No 3.8 interpreter is at hand in
Debian 12, so the grammar is checked with ast's feature_version and the newer APIs by name."""

import ast
import os
import sys
import unittest

import support

# Standard-library names that appeared after Python 3.8.
NEWER_THAN_38 = ("removeprefix", "removesuffix", "nextafter", "functools.cache(", "zoneinfo", "graphlib",
                 "to_thread", "TaskGroup", "ExceptionGroup", "tomllib", "aiter(", "anext(", "zip(strict",
                 "pairwise", "bisect_key", "from typing import Self", "ParamSpec", "TypeAlias")
BUILTIN_GENERICS = ("list", "dict", "tuple", "set", "frozenset", "type")


def package_files():
    folder = os.path.join(support.SOURCE, "kodemon")
    return [os.path.join(folder, name) for name in sorted(os.listdir(folder)) if name.endswith(".py")]


def test_files():
    return [os.path.join(support.HERE, name) for name in sorted(os.listdir(support.HERE)) if name.endswith(".py")]


class Python38(unittest.TestCase):
    def test_grammar(self):
        for path in package_files() + test_files():
            with self.subTest(path=os.path.basename(path)), open(path, encoding="utf-8") as source:
                ast.parse(source.read(), path, feature_version=(3, 8))

    def test_no_newer_library_names(self):
        for path in package_files():
            with open(path, encoding="utf-8") as source:
                text = source.read()
            for name in NEWER_THAN_38:
                with self.subTest(path=os.path.basename(path), name=name):
                    self.assertNotIn(name, text)

    def test_no_subscripted_builtins_or_union_operators_in_annotations(self):
        # list[int] and X | Y are evaluated at run time before 3.9/3.10 unless annotations are postponed.
        for path in package_files():
            with open(path, encoding="utf-8") as source:
                tree = ast.parse(source.read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                    self.assertNotIn(node.value.id, BUILTIN_GENERICS, "%s:%d" % (path, node.lineno))

    def test_only_the_standard_library(self):
        allowed = {"atexit", "errno", "functools", "inspect", "json", "logging", "math", "os", "socket", "urllib",
                   "threading", "time", "weakref"}
        for path in package_files():
            with open(path, encoding="utf-8") as source:
                tree = ast.parse(source.read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name.split(".")[0] for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module.split(".")[0]]
                else:
                    continue
                for name in names:
                    with self.subTest(path=os.path.basename(path), module=name):
                        self.assertIn(name, allowed)

    def test_declared_minimum(self):
        with open(os.path.join(support.PACKAGE_ROOT, "pyproject.toml"), encoding="utf-8") as project:
            self.assertIn('requires-python = ">=3.8"', project.read())
        self.assertGreaterEqual(sys.version_info[:2], (3, 8))


if __name__ == "__main__":
    unittest.main()
