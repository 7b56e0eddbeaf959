# SPDX-License-Identifier: MIT
"""The ``kodemon`` object: a decorator with the original's behaviour and wire format, plus a timer, batching
and counters on the same object."""

import functools
import inspect
import json
import os
import time
import urllib.error
import urllib.request

from . import _sender, _wire


class Kodemon:
    """``@kodemon``, ``@kodemon()`` and ``@kodemon(field=value, ...)`` time each call of a function and send
    one sample to Kodemon; ``kodemon.timer(key)`` does the same for a block of code."""

    def __init__(self, sender=None, environ=None):
        self._environ = os.environ if environ is None else environ
        self._sender = _sender.Sender(self._environ) if sender is None else sender
        # Seams for the wire-format tests, which replay recorded calls with their recorded clocks.
        self._wall_clock = time.time
        self._perf_clock = time.perf_counter

    def __call__(self, *args, **kwargs):
        # The original's rule: one callable argument and no keywords is `@kodemon` without parentheses;
        # anything else returns a decorator (positional arguments are ignored, as they were).
        if len(args) == 1 and not kwargs and _is_decoratable(args[0]):
            return self._decorate(args[0], {})
        fields = dict(kwargs)

        def decorator(func):
            return self._decorate(func, fields)

        return decorator

    def timer(self, key, **fields):
        """A context manager (``with`` or ``async with``) that sends one sample for ``key`` when the block
        ends, with the block's execution time and ``fields`` merged in like the decorator's keywords."""
        return Timer(self, key, fields)

    def configure(self, batch=None, max_datagram_bytes=None, max_delay=None):
        """``batch=True`` packs several samples into one datagram (newline-separated), sent when the next
        sample would not fit into ``max_datagram_bytes`` (default 1400), when the oldest has waited
        ``max_delay`` seconds (default 1.0), on ``flush()`` and at exit."""
        self._sender.configure(batch=batch, max_datagram_bytes=max_datagram_bytes, max_delay=max_delay)

    def flush(self):
        """Sends the samples waiting in the batch now."""
        self._sender.flush()

    def annotate(self, text, time=None, end=None, tags=None, token=None, url=None, api_token=None, timeout=2.0):
        """Puts a marker on Kodemon's timeline, e.g. ``kodemon.annotate("deploy 1.4.2")`` from a deploy
        script: POST /api/annotations on ``url`` (default KODEMON_URL, else http://KODEMON_HOST:4000) with the
        API token of KODEMON_API_TOKEN. ``time`` and ``end`` (a period) are epoch seconds (default now),
        ``token`` the project (default KODEMON_TOKEN; none: every project). Returns the stored annotation (a
        dict with its ``id``), or None when it could not be stored; never raises: the reason is in
        ``stats()["last_error"]``."""
        try:
            body = {"text": text}
            if time is not None:
                body["time"] = time
            if end is not None:
                body["end"] = end
            if tags:
                body["tags"] = list(tags)
            token = token if token is not None else self._environ.get("KODEMON_TOKEN")
            if token:
                body["token"] = token
            base = url or self._environ.get("KODEMON_URL") or "http://%s:4000" % self._environ.get(
                "KODEMON_HOST", _wire.DEFAULT_HOST)
            request = urllib.request.Request(base.rstrip("/") + "/api/annotations", method="POST",
                                             data=json.dumps(body).encode("utf-8"),
                                             headers={"Content-Type": "application/json"})
            secret = api_token if api_token is not None else self._environ.get("KODEMON_API_TOKEN", "")
            secret = secret.split()[0].split(":")[0] if secret.strip() else ""
            if secret:
                request.add_header("Authorization", "Bearer " + secret)
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}) if _is_loopback(base) else
                                                 urllib.request.ProxyHandler())
            with opener.open(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            try:
                detail = json.loads(error.read().decode("utf-8")).get("detail", "")
            except Exception:  # noqa: BLE001 - never raise into the program
                detail = ""
            self._note("kodemon: annotation not stored: HTTP %d %s" % (error.code, detail))
        except Exception as error:  # noqa: BLE001 - never raise into the program
            self._note("kodemon: annotation not stored: %s" % (error,))
        return None

    def _note(self, message):
        note = getattr(self._sender, "note_error", None)
        if note is not None:
            note(message)

    def stats(self):
        """This process's counters: ``sent``, ``datagrams``, ``dropped`` (kernel buffer full), ``errors``,
        ``queued`` and ``last_error``."""
        return self._sender.stats()

    # -- internals -----------------------------------------------------------------------------------------

    def _decorate(self, func, fields):
        if isinstance(func, (staticmethod, classmethod)):
            return type(func)(self._decorate(func.__func__, fields))
        key = _default_key(func)
        if inspect.iscoroutinefunction(func):
            return self._wrap_coroutine_function(func, key, fields)
        return self._wrap_function(func, key, fields)

    def _wrap_function(self, func, key, fields):
        def wrapper(*args, **kwargs):
            started = self._start()
            try:
                result = func(*args, **kwargs)
            except BaseException as error:
                self._record(key, fields, started, type(error))
                raise
            self._record(key, fields, started)
            return result

        return _wraps(func, wrapper)

    def _wrap_coroutine_function(self, func, key, fields):
        async def wrapper(*args, **kwargs):
            started = self._start()
            try:
                result = await func(*args, **kwargs)
            except BaseException as error:
                self._record(key, fields, started, type(error))
                raise
            self._record(key, fields, started)
            return result

        return _wraps(func, wrapper)

    def _start(self):
        return self._wall_clock(), self._perf_clock()

    def _record(self, key, fields, started, error_type=None):
        # Runs after every measured call, also while an exception is on its way up: nothing may escape.
        try:
            wall, perf = started
            elapsed_ms = (self._perf_clock() - perf) * 1000
            token = self._environ.get("KODEMON_TOKEN", _wire.DEFAULT_TOKEN)
            error_name = None if error_type is None else error_type.__name__
            message = _wire.build_message(key, elapsed_ms, int(wall), fields, token, error_name)
            payload = _wire.encode(message)
        except Exception as failure:
            self._sender._count_error("encode", "kodemon: cannot build the sample: %r" % (failure,), 1)
            return
        if payload is None:
            self._sender._count_error("encode", "kodemon: a sample for %r cannot be encoded as JSON" % (key,), 1)
            return
        self._sender.send(payload)


class Timer:
    """Times a block: ``with kodemon.timer("checkout"):``. Exceptions in the block propagate unchanged; the
    sample then carries ``"error": "<ExceptionClass>"``. One Timer can be entered again after it ended."""

    def __init__(self, client, key, fields):
        self._client = client
        self._key = key
        self._fields = fields
        self._started = None

    def __enter__(self):
        self._started = self._client._start()
        return self

    def __exit__(self, exc_type, exc, traceback):
        started, self._started = self._started, None
        if started is not None:
            self._client._record(self._key, self._fields, started, exc_type)
        return False

    async def __aenter__(self):
        return self.__enter__()

    async def __aexit__(self, exc_type, exc, traceback):
        return self.__exit__(exc_type, exc, traceback)


def _is_loopback(url):
    host = urllib.request.urlparse(url).hostname or ""
    return host in ("localhost", "::1") or host.startswith("127.")


def _is_decoratable(obj):
    return callable(obj) or isinstance(obj, (staticmethod, classmethod))


def _default_key(func):
    """The original's key: the function's source file as Python was given it, '-', the function's name."""
    try:
        source = inspect.getfile(func)
    except Exception:  # builtins, partials, callable objects: the original raised here, we do not
        source = _module_name(func)
    try:
        name = getattr(func, "__name__", None) or type(func).__name__
    except Exception:
        name = "<unknown>"
    return "%s-%s" % (source, name)


def _module_name(func):
    try:
        return getattr(inspect.getmodule(func), "__name__", None) or "<unknown>"
    except Exception:
        return "<unknown>"


def _wraps(func, wrapper):
    try:
        return functools.wraps(func)(wrapper)
    except Exception:  # an object whose attributes cannot be read or copied still gets measured
        return wrapper
