"""AWS Signature Version 4 for one request: the standard library's answer to botocore's SigV4Auth."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime
from urllib.parse import parse_qsl, quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
_DEFAULT_PORTS = {"http": 80, "https": 443}


class Credentials:
    __slots__ = ("access_key", "secret_key", "session_token")

    def __init__(self, access_key: str, secret_key: str, session_token: str | None = None):
        self.access_key = access_key
        self.secret_key = secret_key
        self.session_token = session_token

    def __repr__(self) -> str:  # never print the keys, even in a debugger or a traceback
        return f"Credentials(access_key={self.access_key[:4]}..., secret_key=[redacted])"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    if parts.port and parts.port != _DEFAULT_PORTS.get(parts.scheme):
        host = f"{host}:{parts.port}"
    return host


def _canonical_query(query: str) -> str:
    pairs = [(quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in parse_qsl(query, keep_blank_values=True)]
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def sign(method: str, url: str, headers: dict[str, str], *, body: bytes, service: str, region: str,
         credentials: Credentials, when: datetime) -> dict[str, str]:
    """The headers to send: `headers` plus Host, X-Amz-Date, X-Amz-Security-Token and Authorization.

    `when` must be in UTC. Every header given is signed, so pass only the ones the request carries.
    """
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    signed = dict(headers)
    signed["Host"] = _host(url)
    signed["X-Amz-Date"] = amz_date
    if credentials.session_token:
        signed["X-Amz-Security-Token"] = credentials.session_token
    canonical = {name.lower(): " ".join(value.split()) for name, value in signed.items()}
    names = sorted(canonical)
    signed_headers = ";".join(names)
    parts = urlsplit(url)
    canonical_request = "\n".join([
        method.upper(),
        quote(parts.path or "/", safe="/~"),
        _canonical_query(parts.query),
        "".join(f"{name}:{canonical[name]}\n" for name in names),
        signed_headers,
        _sha256(body),
    ])
    scope = f"{amz_date[:8]}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join([ALGORITHM, amz_date, scope, _sha256(canonical_request.encode())])
    key = _hmac(f"AWS4{credentials.secret_key}".encode(), amz_date[:8])
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    signed["Authorization"] = (f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
                               f"SignedHeaders={signed_headers}, Signature={signature}")
    return signed
