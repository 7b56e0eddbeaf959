# SPDX-License-Identifier: MIT
"""The decorator's forms, methods, coroutines, the timer, and the error field."""

import asyncio
import json
import os
import time
import unittest

import support



class Forms(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def test_without_parentheses(self):
        @self.kodemon
        def plain(a, b=2):
            return a + b

        self.assertEqual(plain(1, b=5), 6)
        message = self.receiver.message()
        self.assertEqual(message["key"], __file__ + "-plain")
        self.assertEqual(list(message), ["key", "execution_time", "timestamp", "token"])
        self.assertEqual(message["token"], "test-token")

    def test_with_empty_parentheses(self):
        @self.kodemon()
        def with_parens():
            time.sleep(0.02)

        before = int(time.time())
        with_parens()
        message = self.receiver.message()
        self.assertEqual(message["key"], __file__ + "-with_parens")
        self.assertGreaterEqual(message["execution_time"], 20.0)  # milliseconds
        self.assertLess(message["execution_time"], 2000.0)
        self.assertIsInstance(message["timestamp"], int)
        self.assertIn(message["timestamp"], (before, before + 1))

    def test_keywords_are_merged_and_may_override(self):
        @self.kodemon(key="custom", timestamp=0, project="demo")
        def f():
            pass

        f()
        message = self.receiver.message()
        self.assertEqual(message["key"], "custom")
        self.assertEqual(message["timestamp"], 0)
        self.assertEqual(message["project"], "demo")

    def test_callable_with_keywords_returns_a_decorator_as_the_original(self):
        def g():
            return 1

        decorator = self.kodemon(g, project="x")
        self.assertTrue(callable(decorator))
        self.assertEqual(decorator(g)(), 1)
        self.assertEqual(self.receiver.message()["project"], "x")

    def test_metadata_is_kept(self):
        @self.kodemon
        def documented(x: int) -> int:
            """Doubles."""
            return 2 * x

        self.assertEqual(documented.__name__, "documented")
        self.assertEqual(documented.__doc__, "Doubles.")
        self.assertEqual(documented.__annotations__, {"x": int, "return": int})
        self.assertEqual(documented.__wrapped__(4), 8)

    def test_each_call_sends_one_datagram(self):
        @self.kodemon
        def f():
            pass

        for _ in range(5):
            f()
        self.assertEqual(len(self.receiver.datagrams(5)), 5)
        self.assertTrue(self.receiver.nothing())
        self.assertEqual(self.kodemon.stats()["sent"], 5)

    def test_callable_objects_and_builtins_get_a_key_instead_of_an_exception(self):
        wrapped = self.kodemon(len)
        self.assertEqual(wrapped([1, 2]), 2)
        self.assertEqual(self.receiver.message()["key"], "builtins-len")


class Methods(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def test_instance_static_and_class_methods(self):
        kodemon = self.kodemon

        class Shop:
            factor = 3

            def __init__(self):
                self.items = [1, 2]

            @kodemon
            def total(self):
                return sum(self.items)

            @kodemon(kind="static")
            @staticmethod
            def tax(x):
                return x * 2

            @staticmethod
            @kodemon
            def tax_inner(x):
                return x * 4

            @kodemon
            @classmethod
            def scaled(cls, x):
                return cls.factor * x

            @classmethod
            @kodemon()
            def scaled_inner(cls, x):
                return cls.factor * x + 1

        shop = Shop()
        self.assertEqual(shop.total(), 3)
        self.assertEqual(Shop.tax(5), 10)
        self.assertEqual(shop.tax_inner(5), 20)
        self.assertEqual(Shop.scaled(2), 6)
        self.assertEqual(shop.scaled_inner(2), 7)
        keys = [json.loads(d)["key"] for d in self.receiver.datagrams(5)]
        self.assertEqual(keys, [__file__ + "-" + name
                                for name in ("total", "tax", "tax_inner", "scaled", "scaled_inner")])

    def test_async_method(self):
        kodemon = self.kodemon

        class Client:
            @kodemon
            async def fetch(self, delay):
                await asyncio.sleep(delay)
                return "done"

        self.assertEqual(asyncio.run(Client().fetch(0.02)), "done")
        message = self.receiver.message()
        self.assertEqual(message["key"], __file__ + "-fetch")
        self.assertGreaterEqual(message["execution_time"], 19.0)  # the event loop may wake a hair early


class Coroutines(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def test_async_function_is_timed_until_it_finishes(self):
        @self.kodemon(stage="io")
        async def slow():
            await asyncio.sleep(0.05)
            return 5

        import inspect

        self.assertTrue(inspect.iscoroutinefunction(slow))
        self.assertEqual(asyncio.run(slow()), 5)
        message = self.receiver.message()
        self.assertGreaterEqual(message["execution_time"], 49.0)  # the event loop may wake a hair early
        self.assertEqual(message["stage"], "io")

    def test_concurrent_calls_each_send(self):
        @self.kodemon
        async def job(i):
            await asyncio.sleep(0.01 * i)
            return i

        async def main():
            return await asyncio.gather(*(job(i) for i in range(4)))

        self.assertEqual(asyncio.run(main()), [0, 1, 2, 3])
        self.assertEqual(len(self.receiver.datagrams(4)), 4)

    def test_async_error_and_cancellation(self):
        @self.kodemon
        async def fails():
            raise KeyError("x")

        @self.kodemon
        async def waits():
            await asyncio.sleep(10)

        async def main():
            task = asyncio.ensure_future(waits())
            await asyncio.sleep(0.01)
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                return "cancelled"

        with self.assertRaises(KeyError):
            asyncio.run(fails())
        self.assertEqual(self.receiver.message()["error"], "KeyError")
        self.assertEqual(asyncio.run(main()), "cancelled")
        self.assertEqual(self.receiver.message()["error"], "CancelledError")


class Errors(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def test_exception_propagates_unchanged_and_the_sample_says_which(self):
        class PaymentDeclined(Exception):
            pass

        original = PaymentDeclined("card 42")

        @self.kodemon(shop="eu")
        def pay():
            raise original

        try:
            pay()
            self.fail("the exception did not propagate")
        except PaymentDeclined as error:
            caught = error
        self.assertIs(caught, original)
        self.assertIsNone(caught.__context__)
        # The traceback still ends where the exception was raised.
        frames = []
        tb = caught.__traceback__
        while tb is not None:
            frames.append(tb.tb_frame.f_code.co_name)
            tb = tb.tb_next
        self.assertEqual(frames[-2:], ["wrapper", "pay"])
        message = self.receiver.message()
        self.assertEqual(list(message), ["key", "execution_time", "timestamp", "shop", "error", "token"])
        self.assertEqual(message["error"], "PaymentDeclined")

    def test_system_exit_and_keyboard_interrupt_are_reported_and_reraised(self):
        @self.kodemon
        def stop():
            raise SystemExit(3)

        with self.assertRaises(SystemExit) as caught:
            stop()
        self.assertEqual(caught.exception.code, 3)
        self.assertEqual(self.receiver.message()["error"], "SystemExit")

    def test_no_error_field_on_success(self):
        @self.kodemon
        def ok():
            return None

        ok()
        self.assertNotIn("error", self.receiver.message())


class TimerBlocks(unittest.TestCase):
    def setUp(self):
        self.receiver = support.Receiver()
        self.kodemon = support.client_for(self.receiver)

    def tearDown(self):
        self.kodemon._sender.close()
        self.receiver.close()

    def test_with_block(self):
        with self.kodemon.timer("checkout", shop="eu") as timer:
            time.sleep(0.02)
        self.assertIsNotNone(timer)
        message = self.receiver.message()
        self.assertEqual(list(message), ["key", "execution_time", "timestamp", "shop", "token"])
        self.assertEqual(message["key"], "checkout")
        self.assertGreaterEqual(message["execution_time"], 20.0)

    def test_block_that_raises(self):
        with self.assertRaises(ZeroDivisionError):
            with self.kodemon.timer("divide"):
                1 / 0
        self.assertEqual(self.receiver.message()["error"], "ZeroDivisionError")

    def test_async_with(self):
        async def main():
            async with self.kodemon.timer("async-block"):
                await asyncio.sleep(0.02)

        asyncio.run(main())
        message = self.receiver.message()
        self.assertEqual(message["key"], "async-block")
        self.assertGreaterEqual(message["execution_time"], 19.0)

    def test_a_timer_can_be_used_again(self):
        timer = self.kodemon.timer("again")
        for _ in range(2):
            with timer:
                pass
        self.assertEqual([json.loads(d)["key"] for d in self.receiver.datagrams(2)], ["again", "again"])

    def test_public_object_has_timer(self):
        from kodemon import kodemon

        self.assertTrue(callable(kodemon))
        self.assertTrue(callable(kodemon.timer))


@unittest.skipUnless(hasattr(os, "fork"), "needs fork")
class Fork(unittest.TestCase):
    def test_child_uses_its_own_socket(self):
        receiver = support.Receiver()
        kodemon = support.client_for(receiver)
        try:
            @kodemon
            def work(who):
                return who

            work("parent")
            parent_socket = kodemon._sender._socket
            self.assertIsNotNone(parent_socket)
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # the child reports what it saw through the pipe and leaves without cleanup
                try:
                    work("child")
                    fresh = kodemon._sender._socket is not parent_socket
                    sent = kodemon.stats()["sent"]
                    os.write(write_end, json.dumps({"fresh": fresh, "sent": sent}).encode())
                finally:
                    os._exit(0)
            os.close(write_end)
            _, status = os.waitpid(pid, 0)
            report = json.loads(os.read(read_end, 1000).decode())
            os.close(read_end)
            self.assertEqual(status, 0)
            self.assertEqual(report, {"fresh": True, "sent": 1})  # counters start again in the child
            self.assertEqual(len(receiver.datagrams(2)), 2)
            work("parent again")
            receiver.datagram()
            self.assertIs(kodemon._sender._socket, parent_socket)
            self.assertEqual(kodemon.stats()["sent"], 2)
        finally:
            kodemon._sender.close()
            receiver.close()


if __name__ == "__main__":
    unittest.main()
