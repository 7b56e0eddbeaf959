# SPDX-License-Identifier: MIT
"""Send the execution times of Python functions to Kodemon.

    from kodemon import kodemon

    @kodemon
    def fetch_latest_entries():
        ...

    with kodemon.timer("checkout"):
        ...

Every call sends one UDP datagram to KODEMON_HOST:KODEMON_PORT (default localhost:4000) with the token from
KODEMON_TOKEN, in the wire format of the original Kodemon decorator. Nothing here ever raises into the
measured program: failures are counted in ``kodemon.stats()``.
"""

import atexit

from ._client import Kodemon, Timer

__all__ = ["kodemon", "Kodemon", "Timer"]
__version__ = "1.0.0"

kodemon = Kodemon()

# Batched samples still waiting when the program ends are sent on the way out.
atexit.register(kodemon.flush)
