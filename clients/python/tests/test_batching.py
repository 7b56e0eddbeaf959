# SPDX-License-Identifier: MIT
"""Batching: several samples per datagram, newline-separated, never larger than the limit, sent when the
batch is full, old, flushed, switched off, or the program exits."""

import json
import os
import subprocess
import sys
import textwrap
import time
import unittest

import support


def lines(datagram):
    return [json.loads(line) for line in datagram.decode("ascii").split("\n")]


class Batching(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def timed(self, **fields):
        @self.kodemon(**fields)
        def f():
            return "ok"

        return f

    def test_samples_share_datagrams_up_to_the_limit(self):
        self.kodemon.configure(batch=True, max_datagram_bytes=400, max_delay=60)
        f = self.timed(note="n")
        for _ in range(20):
            self.assertEqual(f(), "ok")
        self.kodemon.flush()
        received = []
        while sum(len(lines(d)) for d in received) < 20:
            received.append(self.receiver.datagram())
        self.assertTrue(self.receiver.nothing())
        self.assertGreater(len(received), 1)
        self.assertLess(len(received), 20)
        for datagram in received:
            self.assertLessEqual(len(datagram), 400)
            self.assertFalse(datagram.endswith(b"\n"))
            for message in lines(datagram):
                self.assertEqual(list(message), ["key", "execution_time", "timestamp", "note", "token"])
        stats = self.kodemon.stats()
        self.assertEqual((stats["sent"], stats["datagrams"], stats["queued"]), (20, len(received), 0))

    def test_samples_of_every_size_never_exceed_the_limit(self):
        limit = 512
        self.kodemon.configure(batch=True, max_datagram_bytes=limit, max_delay=60)
        for size in range(0, limit - 250, 7):
            self.timed(pad="x" * size)()
        self.kodemon.flush()
        count = 0
        while count < len(range(0, limit - 250, 7)):
            datagram = self.receiver.datagram()
            count += len(lines(datagram))
            self.assertLessEqual(len(datagram), limit)
        self.assertTrue(self.receiver.nothing())

    def test_a_sample_larger_than_the_limit_goes_alone(self):
        self.kodemon.configure(batch=True, max_datagram_bytes=200, max_delay=60)
        self.timed()()
        self.timed(pad="y" * 300)()
        first, second = self.receiver.datagram(), self.receiver.datagram()
        self.assertEqual(len(lines(first)), 1)
        self.assertEqual(lines(second)[0]["pad"], "y" * 300)
        self.assertEqual(self.kodemon.stats()["queued"], 0)

    def test_nothing_is_sent_before_the_batch_is_full_or_old(self):
        self.kodemon.configure(batch=True, max_datagram_bytes=1400, max_delay=60)
        self.timed()()
        self.assertTrue(self.receiver.nothing(0.3))
        self.assertEqual(self.kodemon.stats()["queued"], 1)

    def test_an_old_batch_is_sent_without_another_call(self):
        self.kodemon.configure(batch=True, max_delay=0.2)
        started = time.monotonic()
        self.timed()()
        self.timed()()
        datagram = self.receiver.datagram(timeout=3)
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertEqual(len(lines(datagram)), 2)

    def test_switching_batching_off_sends_what_waits(self):
        self.kodemon.configure(batch=True, max_delay=60)
        self.timed()()
        self.kodemon.configure(batch=False)
        self.assertEqual(len(lines(self.receiver.datagram())), 1)
        self.timed()()
        self.assertEqual(len(lines(self.receiver.datagram())), 1)

    def test_bad_limits_are_refused(self):
        for bad in ({"max_datagram_bytes": 10}, {"max_datagram_bytes": 70000}, {"max_delay": 0}):
            with self.subTest(**bad):
                with self.assertRaises(ValueError):
                    self.kodemon.configure(batch=True, **bad)

    @unittest.skipUnless(hasattr(os, "fork"), "needs fork")
    def test_a_forked_child_does_not_send_the_parents_batch(self):
        self.kodemon.configure(batch=True, max_delay=60)
        self.timed(who="parent")()
        pid = os.fork()
        if pid == 0:
            try:
                self.timed(who="child")()
                self.kodemon.flush()
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        self.assertEqual([m["who"] for m in lines(self.receiver.datagram())], ["child"])
        self.kodemon.flush()
        self.assertEqual([m["who"] for m in lines(self.receiver.datagram())], ["parent"])


class FlushAtExit(unittest.TestCase):
    def test_the_batch_is_sent_when_the_program_ends(self):
        receiver = support.Receiver()
        script = textwrap.dedent("""
            import sys
            sys.path.insert(0, sys.argv[1])
            from kodemon import kodemon
            kodemon.configure(batch=True, max_delay=3600)

            @kodemon
            def step(i):
                return i

            for i in range(3):
                step(i)
            print(kodemon.stats()["queued"])
        """)
        env = dict(os.environ, **support.environment(receiver))
        env.pop("KODEMON_CLIENT_INSTALLED", None)
        try:
            done = subprocess.run([sys.executable, "-c", script, support.SOURCE], env=env, timeout=60,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(done.stdout.strip(), b"3")  # nothing had been sent before exit
            messages = lines(receiver.datagram())
            self.assertEqual([m["key"] for m in messages], ["<string>-step"] * 3)
        finally:
            receiver.close()


if __name__ == "__main__":
    unittest.main()
