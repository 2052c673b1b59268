"""What the web app may do and what it is told: statements only from the data tier's and SES's grant_* methods,
and an environment of endpoints, names and secret ARNs (never a secret's value).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi

from components.curation import Curation
from components.data.tier import DataTier
from components.email.service import EmailService
from components.policy_document import Statement
from config.services import SearchAccessConfig


@dataclass
class AppAccess:
    statements: list[Statement] = field(default_factory=list)
    environment: dict[str, pulumi.Input[str]] = field(default_factory=dict)


def app_access(search_access: SearchAccessConfig, *, region: str, data: DataTier | None, email: EmailService | None,
               curation: Curation | None = None) -> AppAccess:
    """The grants and variables of the parts that exist in the account (a disabled part gives neither)."""
    access = AppAccess(environment={"AWS_REGION": region})
    if data is not None and data.database is not None:
        database = data.database
        access.statements += database.grant_read_secret()
        access.environment |= {"DATABASE_READER_ENDPOINT": database.reader_endpoint,
                               "DATABASE_PORT": str(database.port),
                               "DATABASE_SECRET_ARN": database.secret_arn}
    if data is not None and data.search is not None:
        access.statements += data.search.grant_query(search_access.paths, search_access.methods)
        access.environment["SEARCH_ENDPOINT"] = data.search.endpoint
    if data is not None and data.stream is not None:
        access.statements += data.stream.grant_write()
        access.environment["EVENT_STREAM_NAME"] = data.stream.stream_name
    if email is not None:
        access.statements += email.grant_send_templated_email()
        access.environment |= email.app_environment()
    if curation is not None:
        access.statements += curation.grant_invoke_api()
        access.environment["RECOMMENDATIONS_URL"] = curation.api_url
    return access
