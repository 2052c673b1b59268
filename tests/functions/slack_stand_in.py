"""A loopback stand-in for Slack's Web API and Secrets Manager, and a clock that never really sleeps."""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .notifier_samples import ACCESS_KEY, CHANNELS, REGION, SECRET_ARN, SECRET_KEY, SESSION_TOKEN, TOKEN


@dataclass
class Reply:
    status: int = 200
    body: Any = None  # a dict is sent as JSON; None means "the default success"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class StandIn:
    """Slack's Web API under /api/ and Secrets Manager at /, each answering from a script, then with success."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.slack_script: deque[Reply] = deque()
        self.secret_script: deque[Reply] = deque()
        self.secret_string = TOKEN
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                request = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                with stand_in.lock:
                    stand_in.received.append(request)
                    reply = stand_in.answer(request)
                payload = json.dumps(reply.body).encode() if not isinstance(reply.body, bytes) else reply.body
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, request: Received) -> Reply:
        if request.path.startswith("/api/"):
            reply = self.slack_script.popleft() if self.slack_script else Reply()
            if reply.body is None:
                reply.body = {"ok": True, "channel": request.json.get("channel"), "ts": "1773480413.000100"}
            return reply
        reply = self.secret_script.popleft() if self.secret_script else Reply()
        if reply.body is None:
            reply.body = {"ARN": SECRET_ARN, "Name": "lz-ops-slack-bot-token", "SecretString": self.secret_string,
                          "VersionId": "v1"}
        return reply

    @property
    def posts(self) -> list[Received]:
        return [r for r in self.received if r.path == "/api/chat.postMessage"]

    @property
    def secret_calls(self) -> list[Received]:
        return [r for r in self.received if r.path == "/"]


class FakeClock:
    """retry.now and retry.sleep: sleeping is recorded and moves the clock, nothing really waits."""

    def __init__(self) -> None:
        self.time = 1000.0
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.time

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.time += seconds


class Context:
    def __init__(self, remaining_ms: int = 30_000):
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@contextmanager
def serving() -> Iterator[StandIn]:
    """A StandIn answering on 127.0.0.1 (an ephemeral port) in a thread, shut down afterwards."""
    stand_in = StandIn()
    thread = threading.Thread(target=stand_in.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield stand_in
    finally:
        stand_in.server.shutdown()
        stand_in.server.server_close()
        thread.join(timeout=5)


def environment(url: str) -> dict[str, str]:
    """The notifier's environment with Slack and Secrets Manager at the stand-in on `url`."""
    return {
        "SLACK_API_URL": f"{url}/api", "SECRETS_MANAGER_ENDPOINT": url, "SLACK_TOKEN_SECRET_ARN": SECRET_ARN,
        "SLACK_CHANNELS": json.dumps(CHANNELS), "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_SESSION_TOKEN": SESSION_TOKEN, "AWS_REGION": REGION, "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }


def texts(payload: dict[str, Any]) -> str:
    """Every piece of text in a message's blocks, one per line."""
    found: list[str] = []
    for block in payload["blocks"]:
        if "text" in block:
            found.append(block["text"]["text"])
        found += [f["text"] for f in block.get("fields", [])]
        found += [e["text"] for e in block.get("elements", [])]
    return "\n".join(found)


def slack_length(text: str) -> int:
    """Characters as Slack may count them: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def assert_within_slack_limits(payload: dict[str, Any]) -> None:
    """Slack's Block Kit limits (docs.slack.dev/reference/block-kit/blocks), every text sendable as UTF-8."""
    json.dumps(payload, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    assert payload["text"] and slack_length(payload["text"]) <= 3000
    assert 0 < len(payload["blocks"]) <= 50
    for block in payload["blocks"]:
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and 0 < slack_length(block["text"]["text"]) <= 150
        elif block["type"] == "section":
            assert 0 < slack_length(block["text"]["text"]) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(0 < slack_length(f["text"]) <= 2000 for f in block.get("fields", []))
        else:
            assert block["type"] == "context" and 0 < len(block["elements"]) <= 10
            assert all(0 < slack_length(e["text"]) <= 3000 for e in block["elements"])


def only_post(stand_in: StandIn) -> dict[str, Any]:
    """The one message posted, as Slack would take it: with the token, as JSON, within Slack's limits."""
    assert len(stand_in.posts) == 1
    post = stand_in.posts[0]
    assert post.headers["authorization"] == f"Bearer {TOKEN}"
    assert post.headers["content-type"].startswith("application/json")
    payload: dict[str, Any] = post.json
    assert_within_slack_limits(payload)
    return payload
