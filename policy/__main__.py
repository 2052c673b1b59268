"""The CrossGuard pack: `pulumi preview --policy-pack policy`. It only wraps the rules (see pack.py, rules/)."""

import os
import sys

from pulumi_policy import EnforcementLevel, PolicyPack

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pack  # the pack directory is the import root when the CLI runs it

PolicyPack(name="landing-zone", enforcement_level=EnforcementLevel.MANDATORY, policies=pack.policies())
