"""The Slack bot token: read from Secrets Manager with a SigV4-signed call, cached for a while per container."""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime

from . import logs, retry, sigv4, transport
from .retry import Budget, TransientError

CACHE_TTL_S = 15 * 60  # a rotated token reaches every warm container within this
TARGET = "secretsmanager.GetSecretValue"
# Error types worth another attempt; everything else (not found, access denied, ...) will not heal by waiting.
_TRANSIENT = {"ThrottlingException", "InternalServiceError", "InternalFailure", "ServiceUnavailable", "RequestTimeout"}

_cached: tuple[str, float] | None = None  # (token, monotonic time fetched)


class TokenUnavailableError(RuntimeError):
    """The bot token could not be read; the message says why and never contains the secret."""


def forget() -> None:
    """Drop the cached token, e.g. after Slack answered invalid_auth."""
    global _cached  # noqa: PLW0603 - the cache must outlive the invocation
    _cached = None


def bot_token(budget: Budget) -> str:
    global _cached  # noqa: PLW0603 - the cache must outlive the invocation
    if _cached is not None and retry.now() - _cached[1] < CACHE_TTL_S:
        return _cached[0]
    token = fetch(_setting("SLACK_TOKEN_SECRET_ARN"), budget)
    _cached = (token, retry.now())
    return token


def _setting(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise TokenUnavailableError(f"environment variable {name} is not set")
    return value


def _credentials() -> sigv4.Credentials:
    credentials = sigv4.Credentials(_setting("AWS_ACCESS_KEY_ID"), _setting("AWS_SECRET_ACCESS_KEY"),
                                    os.environ.get("AWS_SESSION_TOKEN") or None)
    logs.register_secret(credentials.secret_key)
    if credentials.session_token:
        logs.register_secret(credentials.session_token)
    return credentials


def _region(secret_id: str) -> str:
    # A full ARN names its region; a bare name or partial ARN lives in the function's own region.
    parts = secret_id.split(":")
    if secret_id.startswith("arn:") and len(parts) > 3 and parts[3]:
        return parts[3]
    return _setting("AWS_REGION")


def fetch(secret_id: str, budget: Budget) -> str:
    region = _region(secret_id)
    endpoint = os.environ.get("SECRETS_MANAGER_ENDPOINT") or f"https://secretsmanager.{region}.amazonaws.com"
    url = endpoint.rstrip("/") + "/"
    transport.check_endpoint(url)
    credentials = _credentials()
    body = json.dumps({"SecretId": secret_id}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": TARGET}

    def attempt(timeout: float) -> str:
        signed = sigv4.sign("POST", url, headers, body=body, service="secretsmanager", region=region,
                            credentials=credentials, when=datetime.now(UTC))
        response = transport.post(url, body, signed, timeout=timeout)
        if response.status == 200:
            return parse_secret(response.body, secret_id)
        error_type, message = _error(response.body)
        if response.status >= 500 or error_type in _TRANSIENT:
            raise TransientError(f"Secrets Manager HTTP {response.status} {error_type}")
        raise TokenUnavailableError(f"Secrets Manager GetSecretValue for {secret_id} failed: HTTP {response.status} "
                                    f"{error_type}: {logs.redact(message)[:300]}")

    token = retry.with_retries("Secrets Manager GetSecretValue", attempt, budget)
    logs.log(logging.INFO, "token_fetched", secret=secret_id)
    return token


def _error(body: bytes) -> tuple[str, str]:
    try:
        reply = json.loads(body)
    except ValueError:
        return "UnreadableResponse", ""
    if not isinstance(reply, dict):
        return "UnreadableResponse", ""
    error_type = str(reply.get("__type", "UnknownError")).rsplit("#", 1)[-1]
    return error_type, str(reply.get("Message") or reply.get("message") or "")


def parse_secret(body: bytes, secret_id: str) -> str:
    """The token from a GetSecretValue reply: the secret string itself, or its JSON `token` key."""
    try:
        secret = json.loads(body).get("SecretString")
    except (ValueError, AttributeError):
        raise TokenUnavailableError(f"Secrets Manager returned an unreadable reply for {secret_id}") from None
    if not isinstance(secret, str):
        raise TokenUnavailableError(f"secret {secret_id} has no SecretString (binary secrets are not supported)")
    token = secret.strip()
    if token.startswith("{"):
        try:
            token = str(json.loads(token).get("token", "")).strip()
        except (ValueError, AttributeError):
            raise TokenUnavailableError(f"secret {secret_id} looks like JSON but does not parse") from None
        if not token:
            raise TokenUnavailableError(f'secret {secret_id} is JSON without a "token" key')
    logs.register_secret(token)
    if not token or any(ch.isspace() or not ch.isprintable() for ch in token):
        raise TokenUnavailableError(f"secret {secret_id} does not hold a usable token (empty or contains whitespace)")
    return token
