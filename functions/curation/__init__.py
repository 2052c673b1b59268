"""Curation: "bought together" recommendations from the shop's purchase, cart and click events.

Two Lambda handlers share this package:

- `ingest.handler` reads the Kinesis stream of events, aggregates each batch (`aggregate`)
  and merges it into the DynamoDB table (`store`, `records`);
- `api.handler` answers `GET /recommendations?item=ID` behind a function URL.

Deploy the package as a directory named `curation` at the root of the archive so the
handlers are `curation.ingest.handler` and `curation.api.handler`.
"""
