"""Holds many idle TCP connections through a balancer and checks that every one still answers.

Connections are opened in batches (so the balancer's listen backlog is never the limit), then
each sends one HTTP/1.1 keep-alive request for /1k and must get a complete 200 reply. Every
phase has a deadline, so a balancer that stalls makes the scenario fail instead of hang.
"""
import errno
import selectors
import socket
import ssl
import time

REQUEST = b"GET /1k HTTP/1.1\r\nHost: bench\r\n\r\n"
BODY_BYTES = 1024


def _open_batch(port, size, deadline):
    """Open size non-blocking connections; return the connected sockets and the failure count."""
    sel = selectors.DefaultSelector()
    pending = []
    for _ in range(size):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        rc = s.connect_ex(("127.0.0.1", port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            continue
        sel.register(s, selectors.EVENT_WRITE)
        pending.append(s)
    connected, waiting = [], set(pending)
    while waiting and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            sel.unregister(s)
            waiting.discard(s)
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                connected.append(s)
            else:
                s.close()
    for s in waiting:
        sel.unregister(s)
        s.close()
    sel.close()
    return connected, size - len(connected)


def _reply_complete(buf):
    head, sep, body = buf.partition(b"\r\n\r\n")
    return bool(sep) and len(body) >= BODY_BYTES


def _check_all(socks, deadline):
    """Send one request on every socket; return how many got a complete 200 reply."""
    sel = selectors.DefaultSelector()
    bufs = {}
    for s in socks:
        try:
            s.send(REQUEST)
        except OSError:
            continue
        bufs[s] = b""
        sel.register(s, selectors.EVENT_READ)
    ok = 0
    while bufs and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.5):
            s = key.fileobj
            try:
                chunk = s.recv(65536)
            except OSError:
                chunk = b""
            if chunk:
                bufs[s] += chunk
                if not _reply_complete(bufs[s]):
                    continue
                if bufs[s].startswith(b"HTTP/1.1 200"):
                    ok += 1
            sel.unregister(s)
            del bufs[s]
    sel.close()
    return ok


def hold_and_check(port, count, timeout_s, while_held, batch=250):
    """Open count connections to port, check them, call while_held() with all of them open.

    Returns a dict with opened, alive, open_seconds and whatever while_held returned.
    """
    start = time.monotonic()
    deadline = start + timeout_s
    socks, failed = [], 0
    try:
        while len(socks) + failed < count and time.monotonic() < deadline:
            got, lost = _open_batch(port, min(batch, count - len(socks) - failed), deadline)
            socks.extend(got)
            failed += lost
        opened_at = time.monotonic()
        alive = _check_all(socks, deadline + 30)
        result = {"opened": len(socks), "alive": alive, "open_seconds": opened_at - start}
        result.update(while_held())
        return result
    finally:
        for s in socks:
            s.close()


def hold_and_check_tls(port, count, timeout_s, while_held):
    """As hold_and_check, through TLS: one blocking handshake and keep-alive request per connection.

    Sequential on purpose: the client's own handshake work stays on its core and the balancer is
    measured holding the connections, not racing through them. The certificate is not verified.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    start = time.monotonic()
    deadline = start + timeout_s
    socks, alive = [], 0
    try:
        while len(socks) < count and time.monotonic() < deadline:
            raw = socket.create_connection(("127.0.0.1", port), timeout=5)
            s = context.wrap_socket(raw)
            socks.append(s)
            s.sendall(REQUEST)
            buf = b""
            while not _reply_complete(buf):
                chunk = s.recv(65536)
                if not chunk:
                    break
                buf += chunk
            alive += buf.startswith(b"HTTP/1.1 200") and _reply_complete(buf)
        result = {"opened": len(socks), "alive": alive, "open_seconds": time.monotonic() - start}
        result.update(while_held())
        return result
    finally:
        for s in socks:
            s.close()
