"""Downloads for ``cadata fetch``: http and https only, bounded in size and in time.

- Only ``http`` and ``https`` URLs are opened, redirects included (no ``file:``, ``ftp:``
  or ``data:`` handler is installed, and a redirect elsewhere is refused).
- A body is streamed in chunks and stops one byte past its limit; nothing is read whole.
- Every file has an overall deadline (``$CADATA_DOWNLOAD_DEADLINE`` seconds, default 300,
  or the ``deadline`` argument), not only a socket timeout: when it passes, the connection
  is shut down, however slowly the server drips its headers or body.
"""

from __future__ import annotations

import http.client
import math
import os
import socket
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import IO, Any

from cadata.errors import InvalidArgumentError, PackageError

SCHEMES = ("http", "https")
#: Environment variable: the deadline per downloaded file, in seconds.
DEADLINE_ENV = "CADATA_DOWNLOAD_DEADLINE"
DEFAULT_DEADLINE = 300.0
#: Seconds one connect or read may wait (the deadline bounds the whole download).
SOCKET_TIMEOUT = 60.0
MAX_URL_LENGTH = 4096
CHUNK = 1 << 16


def shown(url: str) -> str:
    """A URL as quoted in a message (shortened)."""
    return url if len(url) <= 200 else url[:200] + "..."


def check_url(url: object) -> str:
    """The URL, if cadata may download it: http(s), with a host, no white space or control characters."""
    if not isinstance(url, str):
        raise InvalidArgumentError(f"{url!r}: a package URL is text, not {type(url).__name__}")
    if len(url) > MAX_URL_LENGTH:
        raise PackageError(f"{shown(url)}: longer than {MAX_URL_LENGTH} characters; not a package URL")
    if any(c.isspace() or not c.isprintable() for c in url):
        raise PackageError(
            f"{shown(url)!r}: a URL cannot hold white space or control characters; percent-encode them (a space is %20)"
        )
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a port out of range)
    except ValueError as exc:
        raise PackageError(f"{shown(url)}: not a valid URL ({exc})") from None
    if parts.scheme.lower() not in SCHEMES:
        raise PackageError(
            f"{shown(url)}: cadata downloads only http and https URLs, not {parts.scheme + ':' if parts.scheme else 'a bare path'}; "
            "give a local package as a path to its folder, datapackage.json or zip"
        )
    if not parts.hostname:
        raise PackageError(f"{shown(url)}: has no host name")
    return url


def deadline_seconds(deadline: float | None = None) -> float:
    """The deadline per file: the argument, else $CADATA_DOWNLOAD_DEADLINE, else 300 seconds."""
    if deadline is None:
        text = os.environ.get(DEADLINE_ENV)
        if not text:
            return DEFAULT_DEADLINE
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value <= 0:
            raise PackageError(f"${DEADLINE_ENV} is {text[:40]!r}; set it to a number of seconds greater than 0")
        return value
    if isinstance(deadline, bool) or not isinstance(deadline, (int, float)) or not math.isfinite(deadline) or deadline <= 0:
        raise InvalidArgumentError(f"deadline must be a number of seconds greater than 0, not {deadline!r}")
    return float(deadline)


class _Deadline:
    """Shuts down every socket of one download when its time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


_current = threading.local()  # the _Deadline of this thread's download


class _TrackedHTTP(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        deadline: _Deadline | None = getattr(_current, "deadline", None)
        if deadline is not None and self.sock is not None:
            deadline.track(self.sock)


class _TrackedHTTPS(http.client.HTTPSConnection, _TrackedHTTP):
    """HTTPS whose plain socket is tracked before the TLS handshake (MRO: HTTPS, tracked, HTTP)."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_TrackedHTTP, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_TrackedHTTPS, req)


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) URLs only, without reading the redirect's body."""

    def redirect_request(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: http.client.HTTPMessage, newurl: str
    ) -> urllib.request.Request | None:
        _refuse_elsewhere(req.full_url, newurl)
        fp.close()  # never read a redirect's body (it could be endless)
        return super().redirect_request(req, fp, code, msg, headers, newurl)

    def http_error_302(self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: http.client.HTTPMessage) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            _refuse_elsewhere(req.full_url, urllib.parse.urljoin(req.full_url, str(location)))
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _refuse_elsewhere(url: str, target: str) -> None:
    try:
        check_url(target)
    except PackageError:
        raise PackageError(
            f"{shown(url)}: redirects to {shown(target)!r}, which cadata does not follow (only http and https URLs)"
        ) from None


def _opener() -> urllib.request.OpenerDirector:
    opener = urllib.request.OpenerDirector()
    proxies = {k: v for k, v in urllib.request.getproxies().items() if k in SCHEMES}
    for handler in (
        urllib.request.ProxyHandler(proxies), urllib.request.UnknownHandler(), _HTTPHandler(), _HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(), _Redirects(), urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def stream(url: str, sink: Callable[[bytes], object], *, limit: int, seconds: float, too_large: str) -> int:
    """Download ``url`` into ``sink`` chunk by chunk; returns the byte count.

    Stops with PackageError ``too_large`` once more than ``limit`` bytes arrive (reading at
    most ``limit + 1``), and with PackageError when ``seconds`` pass.
    """
    check_url(url)
    from cadata import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"cadata/{__version__}", "Accept-Encoding": "identity"})
    size = 0
    deadline = _Deadline(seconds)
    _current.deadline = deadline
    try:
        with deadline, _opener().open(request, timeout=min(SOCKET_TIMEOUT, seconds)) as response:
            length = response.headers.get("Content-Length")
            if length is not None and length.strip().isdigit() and int(length) > limit:
                raise PackageError(too_large)
            while chunk := response.read1(min(CHUNK, limit + 1 - size)):
                size += len(chunk)
                if size > limit:
                    raise PackageError(too_large)
                sink(chunk)
                if deadline.expired:
                    break
    except PackageError:
        raise
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
        if deadline.expired:
            raise _late(url, seconds) from None
        reason = exc.reason if isinstance(exc, urllib.error.URLError) and not isinstance(exc, urllib.error.HTTPError) else exc
        raise PackageError(f"{shown(url)}: cannot download ({reason}); check the address and the network") from None
    finally:
        _current.deadline = None
    if deadline.expired:
        raise _late(url, seconds)
    return size


def _late(url: str, seconds: float) -> PackageError:
    return PackageError(
        f"{shown(url)}: not downloaded within {seconds:g} s, the deadline per file; the server is too slow "
        f"or stalling (allow longer with ${DEADLINE_ENV} or fetch(..., deadline=SECONDS))"
    )


def get(url: str, *, limit: int, seconds: float, what: str) -> bytes:
    """A small download (a datapackage.json) in memory, at most ``limit`` bytes."""
    parts: list[bytes] = []
    stream(url, parts.append, limit=limit, seconds=seconds, too_large=f"{shown(url)}: larger than {limit} bytes; not {what}")
    return b"".join(parts)
