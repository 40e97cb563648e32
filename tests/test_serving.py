"""The server sends at once (dashboard/serving.py): the listening socket Streamlit binds, and so every
connection it accepts, has Nagle's algorithm off once the app's lifespan has started. (What that
saves is timed in the benchmark, README "Performance", never here.)"""

from __future__ import annotations

import asyncio
import socket

import pytest
from streamlit.web.server.starlette import starlette_server

from dashboard import serving


def no_delay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


def accepted(listener: socket.socket) -> tuple[socket.socket, socket.socket]:
    """A client connected to `listener`, and the server's end of that connection."""
    client = socket.create_connection(listener.getsockname()[:2], timeout=5)
    listener.setblocking(True)
    server_end, _address = listener.accept()
    return client, server_end


def started(lifespan) -> None:
    async def run():
        async with lifespan(None):
            pass

    asyncio.run(run())


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_every_connection_the_server_accepts_sends_at_once(address):
    if address == "::1" and not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    # The socket as Streamlit binds it (protocol 0: asyncio leaves Nagle's algorithm on).
    try:
        listener = starlette_server._bind_socket(address, 0, 8)
    except OSError as err:
        pytest.skip(f"cannot bind {address}: {err}")
    with listener:
        started(serving.lifespan)
        assert no_delay(listener)
        client, server_end = accepted(listener)
        with client, server_end:
            assert no_delay(server_end), "a connection the server accepted still waits (Nagle's algorithm)"


def test_only_listening_tcp_sockets_are_touched():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener, \
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as datagram, \
            socket.socket(socket.AF_INET, socket.SOCK_STREAM) as unbound:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        closed = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        closed.close()
        assert serving.listening([listener, datagram, unbound, closed, "not a socket", None]) == [listener]
        assert serving.send_at_once([listener, closed]) == 1 and no_delay(listener)
        assert not no_delay(unbound)


def test_the_app_starts_with_it():
    """app.py gives st.App this lifespan (the server runs it once it has bound its socket)."""
    from dashboard import app

    assert app.app._user_lifespan is serving.lifespan
