# SPDX-License-Identifier: MIT
"""Nothing the client does can raise into the measured program: bad data, bad settings, broken sockets."""

import datetime
import decimal
import errno
import json
import socket
import unittest
from unittest import mock

import support
from kodemon import _wire


def strict_json(datagram):
    """Parses like Kodemon does: NaN and Infinity are not JSON."""
    def reject(constant):
        raise ValueError("not JSON: " + constant)

    return json.loads(datagram.decode("ascii"), parse_constant=reject)


class Unprintable:
    def __str__(self):
        raise RuntimeError("no str")

    def __repr__(self):
        raise RuntimeError("no repr")


class UnencodableValues(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def send_with(self, **fields):
        @self.kodemon(**fields)
        def measured():
            return "result"

        self.assertEqual(measured(), "result")
        return strict_json(self.receiver.datagram())

    def test_objects_are_sent_as_strings(self):
        when = datetime.datetime(2024, 5, 17, 12, 30)
        message = self.send_with(when=when, amount=decimal.Decimal("1.10"), tags={"a"}, raw=b"\x00\xff",
                                 thing=object(), fn=len)
        self.assertEqual(message["when"], str(when))
        self.assertEqual(message["amount"], "1.10")
        self.assertEqual(message["tags"], "{'a'}")
        self.assertEqual(message["raw"], "b'\\x00\\xff'")
        self.assertTrue(message["thing"].startswith("<object object"))
        self.assertEqual(message["fn"], "<built-in function len>")
        self.assertEqual(message["token"], "test-token")

    def test_unprintable_objects(self):
        message = self.send_with(bad=Unprintable())
        self.assertEqual(message["bad"], "<unprintable Unprintable>")

    def test_nan_and_infinity_become_strings_instead_of_invalid_json(self):
        message = self.send_with(ratio=float("nan"), limit=float("inf"), nested=[1.5, float("-inf")])
        self.assertEqual((message["ratio"], message["limit"], message["nested"]), ("nan", "inf", [1.5, "-inf"]))
        self.assertIsInstance(message["execution_time"], float)

    def test_keys_json_cannot_encode(self):
        message = self.send_with(table={(1, 2): "pair", None: 1, 3: "three"})
        self.assertEqual(message["table"], {"(1, 2)": "pair", "null": 1, "3": "three"})

    def test_cycles(self):
        loop = [1]
        loop.append(loop)
        looped = {"name": "x"}
        looped["self"] = looped
        message = self.send_with(loop=loop, looped=looped)
        self.assertEqual(message["loop"], [1, "<cycle>"])
        self.assertEqual(message["looped"], {"name": "x", "self": "<cycle>"})

    def test_encoder_failure_is_counted(self):
        with mock.patch.object(_wire, "encode", side_effect=RuntimeError("bug")):
            @self.kodemon
            def f():
                return 1

            self.assertEqual(f(), 1)
        self.assertEqual(self.kodemon.stats()["errors"], 1)
        self.assertTrue(self.receiver.nothing())


class BadDestinations(unittest.TestCase):
    def measured(self, kodemon):
        @kodemon
        def f():
            return "still returned"

        return f

    def test_name_that_does_not_resolve(self):
        kodemon = support.Kodemon(environ={"KODEMON_HOST": "no-such-host.invalid", "KODEMON_PORT": "4000"})
        failure = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        try:
            with mock.patch.object(socket, "getaddrinfo", side_effect=failure) as lookup, \
                    self.assertLogs("kodemon", "WARNING") as logs:
                f = self.measured(kodemon)
                for _ in range(3):
                    self.assertEqual(f(), "still returned")
            self.assertEqual(lookup.call_count, 1)  # remembered for a while, not looked up on every call
            stats = kodemon.stats()
            self.assertEqual((stats["errors"], stats["sent"]), (3, 0))
            self.assertIn("no-such-host.invalid", stats["last_error"])
            self.assertEqual(len(logs.output), 1)  # logged once, not per call
        finally:
            kodemon._sender.close()

    def test_names_that_are_not_names(self):
        for host in ("", "a\x00b", "x" * 300, "\udcff"):
            with self.subTest(host=host):
                kodemon = support.Kodemon(environ={"KODEMON_HOST": host, "KODEMON_PORT": "4000"})
                try:
                    with mock.patch.object(socket, "getaddrinfo", side_effect=ValueError("bad")):
                        self.assertEqual(self.measured(kodemon)(), "still returned")
                    self.assertEqual(kodemon.stats()["errors"], 1)
                finally:
                    kodemon._sender.close()

    def test_bad_port_numbers(self):
        for port in ("abc", "70000", "0", "-1", ""):
            with self.subTest(port=port):
                kodemon = support.Kodemon(environ={"KODEMON_HOST": "127.0.0.1", "KODEMON_PORT": port})
                try:
                    self.assertEqual(self.measured(kodemon)(), "still returned")
                    self.assertEqual(kodemon.stats()["errors"], 1)
                    self.assertIn("KODEMON_PORT", kodemon.stats()["last_error"])
                finally:
                    kodemon._sender.close()

    def test_nobody_listening_on_loopback(self):
        receiver = support.Receiver()
        port = receiver.port
        receiver.close()  # the port is now closed: the kernel answers with ICMP, the sender never waits
        kodemon = support.Kodemon(environ={"KODEMON_HOST": "127.0.0.1", "KODEMON_PORT": str(port)})
        try:
            f = self.measured(kodemon)
            for _ in range(3):
                self.assertEqual(f(), "still returned")
            stats = kodemon.stats()
            self.assertEqual(stats["sent"] + stats["errors"], 3)
        finally:
            kodemon._sender.close()

    def test_ipv6_loopback(self):
        if not socket.has_ipv6:
            self.skipTest("no IPv6")
        try:
            receiver = support.Receiver(socket.AF_INET6, "::1")
        except OSError:
            self.skipTest("no IPv6 loopback here")
        kodemon = support.Kodemon(environ={"KODEMON_HOST": "::1", "KODEMON_PORT": str(receiver.port)})
        try:
            self.measured(kodemon)()
            self.assertEqual(strict_json(receiver.datagram())["token"], "test-token")
        finally:
            kodemon._sender.close()
            receiver.close()


class BrokenSockets(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

        @self.kodemon
        def f():
            return "ok"

        self.f = f

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def test_socket_closed_under_the_client(self):
        self.f()
        self.receiver.datagram()
        self.kodemon._sender._socket.close()
        self.assertEqual(self.f(), "ok")  # lost and counted
        self.assertEqual(self.kodemon.stats()["errors"], 1)
        self.assertEqual(self.f(), "ok")  # a fresh socket
        self.receiver.datagram()
        self.assertEqual(self.kodemon.stats()["sent"], 2)

    def test_full_send_buffer_drops_and_counts_instead_of_waiting(self):
        class FullSocket:
            family = socket.AF_INET

            def sendto(self, data, address):
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")

            def close(self):
                pass

        self.f()
        self.receiver.datagram()
        self.kodemon._sender._socket.close()
        self.kodemon._sender._socket = FullSocket()
        for _ in range(4):
            self.assertEqual(self.f(), "ok")
        stats = self.kodemon.stats()
        self.assertEqual((stats["sent"], stats["dropped"], stats["errors"]), (1, 4, 0))

    def test_no_buffer_space_is_a_drop_too(self):
        class NoBuffers:
            family = socket.AF_INET

            def sendto(self, data, address):
                raise OSError(errno.ENOBUFS, "No buffer space available")

            def close(self):
                pass

        self.kodemon._sender._socket = NoBuffers()
        self.assertEqual(self.f(), "ok")
        self.assertEqual(self.kodemon.stats()["dropped"], 1)

    def test_the_real_socket_is_non_blocking(self):
        self.f()
        self.assertFalse(self.kodemon._sender._socket.getblocking())

    def test_socket_creation_failure(self):
        with mock.patch.object(socket, "socket", side_effect=OSError(errno.EMFILE, "Too many open files")):
            self.assertEqual(self.f(), "ok")
        self.assertEqual(self.kodemon.stats()["errors"], 1)
        self.assertEqual(self.f(), "ok")
        self.receiver.datagram()

    def test_oversized_sample_is_counted(self):
        @self.kodemon(blob="x" * 70000)
        def big():
            return "big"

        self.assertEqual(big(), "big")
        self.assertEqual(self.kodemon.stats()["errors"], 1)

    def test_wire_encode_never_raises(self):
        self.assertEqual(_wire.encode({"x": 1}), b'{"x": 1}')
        self.assertIsInstance(_wire.encode({"k": Unprintable(), 1.5: float("nan")}), bytes)


if __name__ == "__main__":
    unittest.main()
