"""Where malformed records go: the failure SQS queue, with the raw record, so nothing is lost.

A malformed record is never reported to Lambda as a failure (it would be retried forever and
hold up its shard). It is logged and sent to the queue as a JSON message:

    {"reason": "type must be one of cart, click, purchase, got 'view'",
     "record": {...the Kinesis record exactly as Lambda delivered it...}}

A record too big for one SQS message (256 KiB) is sent without `kinesis.data`, with
`dataOmitted` saying so; it can be read back from the stream by its sequence number while
the stream retains it. Without a queue (`MALFORMED_QUEUE_URL` unset) the raw record is logged.
"""

from __future__ import annotations

import copy
import json
import logging
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

logger = logging.getLogger(__name__)

SQS_MESSAGE_LIMIT = 256 * 1024


def quarantine_message(record: Mapping[str, Any], reason: str) -> str:
    """The SQS message body for a malformed record."""
    body = json.dumps({"reason": reason, "record": record}, default=str)
    if len(body.encode("utf-8")) <= SQS_MESSAGE_LIMIT:
        return body
    trimmed = copy.deepcopy(dict(record))
    data = trimmed.get("kinesis", {}).pop("data", "")
    omitted = f"{len(str(data))} characters of base64 too big for SQS; read the record from the stream by sequenceNumber"
    return json.dumps({"reason": reason, "dataOmitted": omitted, "record": trimmed}, default=str)


class Quarantine:
    """Keeps malformed records aside; `queue_url` None means logging them is all we can do."""

    def __init__(self, client: Any, queue_url: str | None) -> None:
        self.client = client
        self.queue_url = queue_url

    def hold(self, record: Mapping[str, Any], reason: str) -> bool:
        """Keep the record aside; False when the queue could not take it (a transient failure)."""
        sequence = record.get("kinesis", {}).get("sequenceNumber")
        logger.warning("malformed record %s from %s: %s", sequence, record.get("eventSourceARN"), reason)
        if not self.queue_url:
            logger.warning("no MALFORMED_QUEUE_URL; the raw record: %s", json.dumps(record, default=str))
            return True
        try:
            self.client.send_message(QueueUrl=self.queue_url, MessageBody=quarantine_message(record, reason))
        except (BotoCoreError, ClientError):
            logger.exception("could not send malformed record %s to %s", sequence, self.queue_url)
            return False
        return True
