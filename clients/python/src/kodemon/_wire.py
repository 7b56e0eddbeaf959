# SPDX-License-Identifier: MIT
"""Kodemon's wire format: which fields a sample has, in which order, and how it becomes bytes.

Pure functions, no I/O. The order and separators are those of the original decorator under Python 3
(``json.dumps`` with its default ``", "``/``": "`` separators and ASCII escapes), so a server that
compared bytes would not see a difference.
"""

import json
import math

DEFAULT_HOST = "localhost"
DEFAULT_PORT = 4000
# The original decorator's documented default when KODEMON_TOKEN is not set.
DEFAULT_TOKEN = "test-token"

# The largest UDP payload over IPv4, and what Kodemon accepts.
MAX_DATAGRAM_BYTES = 65507

# Keyword arguments nested deeper, or larger, than this are cut off when they have to be sanitized.
_MAX_DEPTH = 32
_MAX_NODES = 10000


def build_message(key, execution_time_ms, timestamp, fields, token, error=None):
    """The sample as a dict in wire order: key, execution_time, timestamp, the keyword arguments (which may
    override any of these three, keeping their position), error, token (always last and always wins, as in
    the original)."""
    message = {"key": key, "execution_time": execution_time_ms, "timestamp": timestamp}
    message.update(fields)
    if error is not None:
        message["error"] = error
    message["token"] = token
    return message


def as_string(value):
    """The default= hook: what JSON cannot encode is sent as its str(), or repr() if str() fails."""
    for convert in (str, repr):
        try:
            return convert(value)
        except Exception:
            pass
    return "<unprintable %s>" % type(value).__name__


def _sanitize(value, path=(), budget=None):
    # Only reached when plain json.dumps failed: non-string keys, NaN/Infinity (not JSON; Kodemon rejects
    # them), or cycles. Rebuilds the value into something json.dumps always accepts. `path` holds the ids of
    # the containers above, so a cycle becomes a string; `budget` bounds the walk of shared sub-structures.
    if budget is None:
        budget = [_MAX_NODES]
    budget[0] -= 1
    if isinstance(value, float) and not math.isfinite(value):
        return as_string(value)
    if isinstance(value, (dict, list, tuple)):
        if id(value) in path:
            return "<cycle>"
        if len(path) >= _MAX_DEPTH or budget[0] <= 0:
            return "<%s too large>" % type(value).__name__
        inner = path + (id(value),)
        if isinstance(value, dict):
            return {_sanitize_key(k): _sanitize(v, inner, budget) for k, v in list(value.items())}
        return [_sanitize(v, inner, budget) for v in list(value)]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return as_string(value)


def _sanitize_key(key):
    if isinstance(key, str):
        return key
    if isinstance(key, float) and not math.isfinite(key):
        return as_string(key)
    if isinstance(key, (int, float, bool)) or key is None:
        return key
    return as_string(key)


def encode(message):
    """The message as the bytes of one JSON object. Never raises for anything a caller can put in keyword
    arguments; returns None only when even the sanitized form cannot be encoded."""
    try:
        return json.dumps(message, default=as_string, allow_nan=False).encode("ascii")
    except Exception:
        pass
    try:
        return json.dumps(_sanitize(message), default=as_string, allow_nan=False).encode("ascii")
    except Exception:
        return None


def join_batch(payloads):
    """Several encoded objects in one datagram: newline-separated, as Kodemon's parser expects."""
    return b"\n".join(payloads)
