"""One HTTPS POST through urllib: any HTTP status comes back as a Response, a broken connection as TransientError."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import urlsplit

from .retry import TransientError

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class Response:
    __slots__ = ("body", "headers", "status")

    def __init__(self, status: int, headers: Message, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body


class InsecureEndpointError(ValueError):
    """Credentials would travel in clear text: only loopback stand-ins may use plain http."""


def check_endpoint(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return
    raise InsecureEndpointError(f"refusing {parts.scheme}://{parts.hostname}: use an https URL (plain http only for 127.0.0.1)")


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float) -> Response:
    check_endpoint(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as reply:  # noqa: S310 - scheme checked above
            return Response(reply.status, reply.headers, reply.read())
    except urllib.error.HTTPError as error:
        body = _read(error)
        error.close()
        return Response(error.code, error.headers, body)
    except (urllib.error.URLError, http.client.HTTPException, OSError) as error:
        reason = getattr(error, "reason", None) or type(error).__name__
        raise TransientError(f"connection to {urlsplit(url).hostname} failed: {reason}") from None


def _read(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except (http.client.HTTPException, OSError):
        return b""
