"""Lambda handler behind a function URL (IAM auth): `GET /recommendations?item=ID&limit=N`.

Entry point: `curation.api.handler`; the event is the API Gateway HTTP API payload v2 that
function URLs send. Environment: `TABLE_NAME` (required).

    200 {"item": "sku-1", "recommendations": [{"item": "sku-2", "score": 8.5}], "source": "co-occurrence"}

Scores are decayed to the time of the request, best first, equal scores by item id. `source`
is `co-occurrence` when the item has neighbours, else `popular`: the most popular items other
than the one asked about. Errors answer `{"error": "..."}`: 400 for a missing or malformed
`item` or a `limit` outside 1-50 (default 10), 404 for any other path, 405 for any method
but GET, 503 when DynamoDB cannot be read.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import time
from collections.abc import Mapping
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from .events import is_item_id
from .recommend import recommend
from .store import CurationTable

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)

PATH = "/recommendations"
DEFAULT_LIMIT = 10
MAX_LIMIT = 50

Response = dict[str, Any]


class BadRequestError(ValueError):
    """A query the caller has to correct; the message says how."""


@functools.cache
def table_from_env() -> CurationTable:
    """Built once per Lambda container from its environment."""
    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=2, read_timeout=2)
    return CurationTable(boto3.client("dynamodb", config=config), os.environ["TABLE_NAME"])


def handler(event: Mapping[str, Any], context: object) -> Response:
    """Lambda entry point for the function URL."""
    return answer(event, table_from_env(), time.time())


def answer(event: Mapping[str, Any], table: CurationTable, now: float) -> Response:
    """The HTTP response to one function URL request."""
    http = event.get("requestContext", {}).get("http", {})
    path = event.get("rawPath") or http.get("path") or "/"
    if path.rstrip("/") != PATH:
        return respond(404, {"error": f"no such path {path}; ask GET {PATH}?item=ID&limit=N"})
    if http.get("method") != "GET":
        return respond(405, {"error": f"{PATH} only answers GET"}, {"allow": "GET"})
    try:
        item, limit = parse_query(event.get("queryStringParameters") or {})
    except BadRequestError as error:
        return respond(400, {"error": str(error)})
    try:
        product = table.product(item)
        board = None if product is not None and product.neighbours else table.leaderboard()
    except (BotoCoreError, ClientError):
        logger.exception("could not read recommendations for %s from %s", item, table.name)
        return respond(503, {"error": "recommendations are unavailable for the moment; try again"})
    return respond(200, recommend(item, product, board, limit=limit, now=now).as_json())


def parse_query(query: Mapping[str, str]) -> tuple[str, int]:
    """The item asked about and how many recommendations, or BadRequestError saying what to fix."""
    item = query.get("item")
    if not item:
        raise BadRequestError("query parameter item is required, e.g. /recommendations?item=sku-1")
    if not is_item_id(item):
        raise BadRequestError("item must be one item id: 1-128 of A-Z a-z 0-9 . _ - starting with a letter or digit")
    raw = query.get("limit")
    if raw is None:
        return item, DEFAULT_LIMIT
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequestError(f"limit must be a whole number from 1 to {MAX_LIMIT}, got {raw!r}")
    return item, int(raw)


def respond(status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> Response:
    """A function URL response with a JSON body."""
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json", "cache-control": "no-store", **(headers or {})},
        "body": json.dumps(body),
    }
