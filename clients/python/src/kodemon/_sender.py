# SPDX-License-Identifier: MIT
"""The process-wide UDP sender: one non-blocking socket per process, optional batching, counters.

Nothing here raises into the caller: every failure is counted (see Sender.stats()) and logged once per kind
on the ``kodemon`` logger, and the sample is dropped. A full kernel send buffer drops the sample instead of
waiting, so a slow or absent Kodemon never slows the program it measures.
"""

import errno
import logging
import os
import socket
import threading
import time
import weakref

from . import _wire

_log = logging.getLogger("kodemon")

# Fits one Ethernet frame over IPv4 or IPv6 (1500 - 40 - 8), so a batch is never fragmented on the way.
DEFAULT_BATCH_BYTES = 1400
DEFAULT_BATCH_DELAY = 1.0
# How long a failed name lookup is remembered before it is tried again, so a bad KODEMON_HOST does not put
# a DNS query into every decorated call.
RESOLVE_RETRY_SECONDS = 5.0

COUNTERS = ("sent", "datagrams", "dropped", "errors")


class Sender:
    """Sends encoded samples to KODEMON_HOST:KODEMON_PORT (read at each send, so tests and forks can change
    them), from a socket that belongs to the current process."""

    def __init__(self, environ=None):
        self._environ = os.environ if environ is None else environ
        self._lock = threading.Lock()
        self._reset_process_state()
        self._batching = False
        self._batch_bytes = DEFAULT_BATCH_BYTES
        self._batch_delay = DEFAULT_BATCH_DELAY
        self._closed = False
        _register_fork_handler(self)

    # -- configuration -------------------------------------------------------------------------------------

    def configure(self, batch=None, max_datagram_bytes=None, max_delay=None):
        """Turns batching on or off and sets its limits. Raises ValueError for impossible limits (this is
        set up once by the developer, not called on the hot path)."""
        if max_datagram_bytes is not None:
            size = int(max_datagram_bytes)
            if not 64 <= size <= _wire.MAX_DATAGRAM_BYTES:
                raise ValueError("max_datagram_bytes must be between 64 and %d" % _wire.MAX_DATAGRAM_BYTES)
        if max_delay is not None and not float(max_delay) > 0:
            raise ValueError("max_delay must be more than 0 seconds")
        with self._lock:
            if max_datagram_bytes is not None:
                self._batch_bytes = int(max_datagram_bytes)
            if max_delay is not None:
                self._batch_delay = float(max_delay)
            if batch is not None:
                self._batching = bool(batch)
            if not self._batching:
                self._flush_locked()
            self._wakeup.set()  # the flusher picks up the new delay, or ends
        self._emit_logs()

    # -- sending -------------------------------------------------------------------------------------------

    def send(self, payload):
        """Queues or sends one encoded sample. Never raises."""
        try:
            with self._lock:
                self._check_process()
                if self._batching:
                    self._enqueue_locked(payload)
                else:
                    self._transmit_locked(payload, 1)
        except Exception as error:  # a bug here must still not reach the measured program
            self._count_error("internal", "kodemon: sample lost: %r" % (error,), 1)
        self._emit_logs()

    def flush(self):
        """Sends what the batch holds now. Never raises."""
        try:
            with self._lock:
                self._check_process()
                self._flush_locked()
        except Exception as error:
            self._count_error("internal", "kodemon: flush failed: %r" % (error,), 0)
        self._emit_logs()

    def close(self):
        """Flushes, stops the flusher thread and closes the socket (tests; a program never needs it)."""
        self.flush()
        with self._lock:
            self._closed = True
            self._wakeup.set()
            self._drop_socket_locked()

    def stats(self):
        """Counters of this process: samples sent, datagrams sent, samples dropped because the kernel buffer was
        full, samples lost to errors (bad host, socket errors, unencodable data), samples queued in the batch,
        and the last error in words."""
        with self._lock:
            result = dict(self._counters)
            result["queued"] = len(self._batch)
            result["last_error"] = self._last_error
            return result

    # -- batching ------------------------------------------------------------------------------------------

    def _enqueue_locked(self, payload):
        added = len(payload) + (1 if self._batch else 0)
        if self._batch and self._batch_size + added > self._batch_bytes:
            self._flush_locked()
            added = len(payload)
        if not self._batch:
            self._batch_started = time.monotonic()
        self._batch.append(payload)
        self._batch_size += added
        full = self._batch_size >= self._batch_bytes
        if full or time.monotonic() - self._batch_started >= self._batch_delay:
            self._flush_locked()
        else:
            self._start_flusher_locked()

    def _flush_locked(self):
        if not self._batch:
            return
        batch, self._batch, self._batch_size = self._batch, [], 0
        self._transmit_locked(_wire.join_batch(batch), len(batch))

    def _start_flusher_locked(self):
        # A batch must not wait for the next call or for exit: a thread sends batches older than the delay.
        if self._flusher is not None and self._flusher.is_alive():
            return
        try:
            flusher = threading.Thread(target=_flush_loop, args=(weakref.ref(self),), name="kodemon-flush",
                                       daemon=True)
            flusher.start()
            self._flusher = flusher
        except Exception:  # e.g. at interpreter shutdown; the next call or atexit flushes instead
            self._flusher = None

    def _flush_if_old(self):
        """One round of the flusher thread; returns how long to sleep, or None to end the thread."""
        with self._lock:
            if self._closed or not self._batching or self._pid != os.getpid():
                return None
            self._wakeup.clear()
            if not self._batch:
                return self._batch_delay
            age = time.monotonic() - self._batch_started
            if age >= self._batch_delay:
                self._flush_locked()
                return self._batch_delay
            return self._batch_delay - age

    # -- the socket ----------------------------------------------------------------------------------------

    def _transmit_locked(self, data, samples):
        target = self._target_locked()
        if target is None:
            self._count_error_locked("resolve", self._target_error, samples)
            return
        family, address = target
        sock = self._socket_locked(family, samples)
        if sock is None:
            return
        try:
            sock.sendto(data, address)
        except (BlockingIOError, InterruptedError):
            self._counters["dropped"] += samples
            self._note_once_locked("dropped", "kodemon: the socket's send buffer is full; samples are dropped "
                                   "and counted instead of slowing the program down")
            return
        except OSError as error:
            if error.errno == errno.ENOBUFS:  # the interface queue is full: the same as a full buffer
                self._counters["dropped"] += samples
                return
            self._count_error_locked("send", "kodemon: cannot send to %s: %s" % (_describe(address), error),
                                     samples)
            self._drop_socket_locked()  # e.g. closed under us: the next sample gets a fresh one
            return
        self._counters["sent"] += samples
        self._counters["datagrams"] += 1

    def _target_locked(self):
        host = self._environ.get("KODEMON_HOST", _wire.DEFAULT_HOST)
        port_text = self._environ.get("KODEMON_PORT", str(_wire.DEFAULT_PORT))
        wanted = (host, port_text)
        if wanted == self._target_for and (self._target is not None or time.monotonic() < self._retry_at):
            return self._target
        self._target_for = wanted
        self._target = _resolve(host, port_text)
        if isinstance(self._target, str):
            self._target_error = self._target
            self._target = None
            self._retry_at = time.monotonic() + RESOLVE_RETRY_SECONDS
        return self._target

    def _socket_locked(self, family, samples):
        if self._socket is not None and self._socket.family == family:
            return self._socket
        self._drop_socket_locked()
        try:
            sock = socket.socket(family, socket.SOCK_DGRAM)
            sock.setblocking(False)
        except OSError as error:
            self._count_error_locked("socket", "kodemon: cannot create a UDP socket: %s" % error, samples)
            return None
        self._socket = sock
        return sock

    def _drop_socket_locked(self):
        sock, self._socket = self._socket, None
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass

    # -- processes -----------------------------------------------------------------------------------------

    def _reset_process_state(self):
        self._pid = os.getpid()
        self._socket = None
        self._target = None
        self._target_for = None
        self._target_error = None
        self._retry_at = 0.0
        self._batch = []
        self._batch_size = 0
        self._batch_started = 0.0
        self._flusher = None
        self._wakeup = threading.Event()
        self._counters = dict.fromkeys(COUNTERS, 0)
        self._last_error = None
        self._logged = set()
        self._pending_logs = []

    def _check_process(self):
        # Normally the fork handler has done this already; this covers forks that bypass it.
        if self._pid != os.getpid():
            self._after_fork_in_child()

    def _after_fork_in_child(self):
        # The parent's socket, batch and flusher are the parent's: the child starts its own. Its lock may have
        # been held by another thread at the fork, so it gets a new one.
        self._lock = threading.Lock()
        old_socket = self._socket
        self._reset_process_state()
        if old_socket is not None:
            try:
                old_socket.close()
            except OSError:
                pass

    # -- errors --------------------------------------------------------------------------------------------

    def note_error(self, message):
        """Records a failure that concerns no sample (an annotation that was not stored): stats()["last_error"]
        says it and it is logged once; the sample counters stay as they are."""
        with self._lock:
            self._last_error = message
            self._note_once_locked("annotate", message)
        self._emit_logs()

    def _count_error(self, kind, message, samples):
        with self._lock:
            self._count_error_locked(kind, message, samples)

    def _count_error_locked(self, kind, message, samples):
        self._counters["errors"] += samples
        self._last_error = message
        self._note_once_locked(kind, message)

    def _note_once_locked(self, kind, message):
        if kind not in self._logged:
            self._logged.add(kind)
            self._pending_logs.append(message)

    def _emit_logs(self):
        # Logged outside the lock: a logging handler may itself be measured and send through this sender.
        while self._pending_logs:
            try:
                _log.warning("%s", self._pending_logs.pop(0))
            except Exception:
                pass


def _flush_loop(sender_ref):
    while True:
        sender = sender_ref()
        if sender is None:
            return
        try:
            delay = sender._flush_if_old()
            wakeup = sender._wakeup
            sender._emit_logs()
        except Exception:
            return
        if delay is None:
            return
        del sender  # lets the sender be collected while this thread sleeps
        wakeup.wait(max(delay, 0.01))


def _resolve(host, port_text):
    """(family, sockaddr) for host and port, preferring IPv4 as the original's AF_INET socket did; a message
    in words when it cannot be used."""
    try:
        port = int(port_text)
    except (TypeError, ValueError):
        return "kodemon: KODEMON_PORT=%r is not a port number" % (port_text,)
    if not 0 < port < 65536:
        return "kodemon: KODEMON_PORT=%r is not a port number" % (port_text,)
    try:
        infos = socket.getaddrinfo(host, port, 0, socket.SOCK_DGRAM)
    except Exception as error:  # gaierror, and ValueError/UnicodeError for names that cannot be names
        return "kodemon: cannot resolve KODEMON_HOST=%r: %s" % (host, error)
    for family in (socket.AF_INET, socket.AF_INET6):
        for info in infos:
            if info[0] == family:
                return family, info[4]
    return "kodemon: KODEMON_HOST=%r has no IPv4 or IPv6 address" % (host,)


def _describe(address):
    return "%s:%s" % (address[0], address[1])


_senders = weakref.WeakSet()
_fork_handler_registered = False


def _register_fork_handler(sender):
    global _fork_handler_registered
    _senders.add(sender)
    if not _fork_handler_registered and hasattr(os, "register_at_fork"):
        os.register_at_fork(after_in_child=_after_fork_in_child)
        _fork_handler_registered = True


def _after_fork_in_child():
    for sender in list(_senders):
        sender._after_fork_in_child()
