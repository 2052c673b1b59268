"""Text the stack config hands to AWS as it is: tags, descriptions. Each type admits what the API that receives it does.

The facts come from AWS's API models (botocore/data/<service>/<version>/service-2.json, which the SDKs are generated
from) and, where a model is silent (EC2), from the API reference; tests/test_aws_api_values.py checks every value the
program registers against the same models.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

# Tag keys and values across AWS (Organizations, IAM and most services' models: `[\p{L}\p{Z}\p{N}_.:/=+\-@]*`):
# letters, digits and spaces of any script, and these marks.
TAG_MARKS = "_.:/=+-@"
TAG_TEXT_ALLOWED = f"letters, digits, spaces and {' '.join(TAG_MARKS)}"

# EC2 security group names, descriptions and rule descriptions in a VPC (EC2 API reference, CreateSecurityGroup).
EC2_DESCRIPTION_MARKS = "._-:/()#,@[]+=&;{}!$*"
EC2_DESCRIPTION_ALLOWED = f"a-z A-Z 0-9, spaces and {' '.join(EC2_DESCRIPTION_MARKS)}"

# IAM role descriptions (iam model, roleDescriptionType): tab, newline and printable Latin-1.
IAM_DESCRIPTION_ALLOWED = "printable ASCII and Latin-1 letters (no emoji or other scripts)"


def _tag_character(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNZ" or char in TAG_MARKS


def _tag_text(value: str) -> str:
    bad = sorted({char for char in value if not _tag_character(char)})
    if bad:
        raise ValueError(f"AWS tags may hold only {TAG_TEXT_ALLOWED}; remove {' '.join(repr(c) for c in bad)}")
    return value


def _tag_key(value: str) -> str:
    if value.lower().startswith("aws:"):
        raise ValueError("tag keys starting with `aws:` are reserved for AWS; choose another key")
    return _tag_text(value)


def _ec2_description(value: str) -> str:
    bad = sorted({char for char in value if not (char.isascii() and (char.isalnum() or char == " "
                                                                           or char in EC2_DESCRIPTION_MARKS))})
    if bad:
        raise ValueError(f"EC2 accepts only {EC2_DESCRIPTION_ALLOWED} here; remove {' '.join(repr(c) for c in bad)}")
    return value


def _iam_description(value: str) -> str:
    bad = sorted({char for char in value
                  if not (char in "\t\n\r" or " " <= char <= "~" or "\u00a1" <= char <= "\u00ff")})
    if bad:
        raise ValueError(f"IAM descriptions may hold only {IAM_DESCRIPTION_ALLOWED}; remove "
                         f"{' '.join(repr(c) for c in bad)}")
    return value


TagKey = Annotated[str, StringConstraints(min_length=1, max_length=128), AfterValidator(_tag_key),
                   Field(description=f"A tag key (1-128 chars of {TAG_TEXT_ALLOWED}; not starting with `aws:`).")]
TagValue = Annotated[str, StringConstraints(max_length=256), AfterValidator(_tag_text),
                     Field(description=f"A tag value (at most 256 chars of {TAG_TEXT_ALLOWED}).")]
Ec2Description = Annotated[str, StringConstraints(max_length=255), AfterValidator(_ec2_description),
                           Field(description=f"Shown in the EC2 console (at most 255 chars of {EC2_DESCRIPTION_ALLOWED}).")]
IamDescription = Annotated[str, StringConstraints(max_length=1000), AfterValidator(_iam_description),
                           Field(description=f"An IAM description (at most 1000 chars of {IAM_DESCRIPTION_ALLOWED}).")]
