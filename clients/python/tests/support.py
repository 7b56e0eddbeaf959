# SPDX-License-Identifier: MIT
"""Helpers for the client tests: the package under test on sys.path, a UDP receiver on loopback, clients
whose environment points at it."""

import json
import logging
import os
import socket
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_ROOT = os.path.dirname(HERE)
SOURCE = os.path.join(PACKAGE_ROOT, "src")
REPOSITORY = os.path.dirname(os.path.dirname(PACKAGE_ROOT))

# The source tree is tested unless KODEMON_CLIENT_INSTALLED=1 asks for the installed package.
if os.environ.get("KODEMON_CLIENT_INSTALLED") != "1" and SOURCE not in sys.path:
    sys.path.insert(0, SOURCE)

import kodemon as kodemon_package  # noqa: E402
from kodemon import Kodemon  # noqa: E402

# The client warns once per kind of failure; the tests cause them on purpose (assertLogs still sees them).
logging.getLogger("kodemon").addHandler(logging.NullHandler())


class Receiver:
    """A UDP socket bound to a free loopback port: what Kodemon would receive."""

    def __init__(self, family=socket.AF_INET, address="127.0.0.1"):
        self.socket = socket.socket(family, socket.SOCK_DGRAM)
        self.socket.bind((address, 0))
        self.socket.settimeout(5.0)
        self.port = self.socket.getsockname()[1]

    def datagram(self, timeout=5.0):
        self.socket.settimeout(timeout)
        return self.socket.recvfrom(70000)[0]

    def datagrams(self, count, timeout=5.0):
        return [self.datagram(timeout) for _ in range(count)]

    def nothing(self, timeout=0.3):
        """True when no datagram arrives within timeout."""
        self.socket.settimeout(timeout)
        try:
            self.socket.recvfrom(70000)
        except socket.timeout:
            return True
        return False

    def message(self, timeout=5.0):
        return json.loads(self.datagram(timeout).decode("ascii"))

    def close(self):
        self.socket.close()


def environment(receiver, token="test-token", host="127.0.0.1"):
    env = {"KODEMON_HOST": host, "KODEMON_PORT": str(receiver.port)}
    if token is not None:
        env["KODEMON_TOKEN"] = token
    return env


def client_for(receiver, **env_overrides):
    """A Kodemon client (the same class as the public `kodemon`) sending to the receiver."""
    env = environment(receiver)
    env.update(env_overrides)
    return Kodemon(environ=env)


def compile_functions(source, filename, **names):
    """The namespace of `source` run as if it lived in a file called `filename` (what inspect.getfile
    returns for its functions, and so what the decorator puts into the key); `names` are its globals."""
    namespace = dict(names)
    exec(compile(source, filename, "exec"), namespace)
    return namespace
