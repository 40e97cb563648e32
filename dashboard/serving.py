"""How the dashboard's server sends (app.py gives st.App this module's `lifespan`): every response and
websocket message goes out at once, without Nagle's algorithm.

Streamlit 1.67 binds its listening socket as `socket.socket(family)`, whose protocol number is 0, and
asyncio switches Nagle's algorithm off (TCP_NODELAY) only on sockets whose protocol is IPPROTO_TCP.
So every connection the server accepted kept it: on a kept-alive connection the body of a response
waited for the acknowledgement of its headers, which the browser delays by 40 ms. Every script of
Streamlit's front end after the first on a connection, and every API request of a client that keeps
its connection (measured: 44 ms each, 0.3 ms after), took 40 ms more. Connections inherit the option
from the listening socket, so it is set there, once the server has bound it: `streamlit run` binds
before the app's lifespan starts (another ASGI server that binds after it leaves its sockets as they
are: nothing is found). Behind nginx (deploy/) each request to a backend is a new connection, which
the delay did not touch.
"""

from __future__ import annotations

import gc
import logging
import socket
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

LOGGER = logging.getLogger(__name__)
TCP = (socket.AF_INET, socket.AF_INET6)


def listening(sockets: Iterable) -> list[socket.socket]:
    """The open TCP sockets among `sockets` that listen for connections."""
    found = []
    for candidate in sockets:
        if not isinstance(candidate, socket.socket) or candidate.fileno() < 0:
            continue
        try:
            if candidate.family in TCP and candidate.type == socket.SOCK_STREAM and candidate.getsockopt(
                    socket.SOL_SOCKET, socket.SO_ACCEPTCONN):
                found.append(candidate)
        except OSError:  # closed between the two calls
            continue
    return found


def send_at_once(sockets: Iterable[socket.socket]) -> int:
    """Switch Nagle's algorithm off on these sockets (and so on every connection they accept);
    how many."""
    count = 0
    for listener in sockets:
        try:
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            count += 1
        except OSError as err:  # closed meanwhile: nothing to do for it
            LOGGER.debug("TCP_NODELAY not set on %r: %s", listener, err)
    return count


@asynccontextmanager
async def lifespan(_app) -> AsyncIterator[None]:
    """st.App's startup: the server's listening sockets send at once. Streamlit keeps no public
    handle on them, so they are found among the process's objects (once, at startup)."""
    count = send_at_once(listening(gc.get_objects()))
    LOGGER.debug("TCP_NODELAY set on %d listening sockets", count)
    yield
