"""The policy pack started and driven as `pulumi preview --policy-pack policy` starts and drives it.

The engine boots a Python pack with `python -u -m pulumi.policy ENGINE_ADDRESS .` in the pack's directory (the
`pulumi-analyzer-policy-python` shim), reads the port it prints, then calls Handshake, ConfigureStack, GetPluginInfo,
GetAnalyzerInfo and, when a policy config is given, Configure; then Remediate and Analyze for each resource as it is
registered, and AnalyzeStack once with every resource (pulumi/pulumi sdk/go/common/resource/plugin/analyzer_plugin.go,
pkg/resource/deploy/step_generator.go).
"""

from __future__ import annotations

import os
import select
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from policy import analyzer, pack, rules
from preview.inventory import Inventory
from preview.mocks import Registration
from preview.run import Run

POLICY_DIR = Path(__file__).resolve().parent.parent / "policy"
STARTUP_SECONDS = 60
CALL_SECONDS = 60
LEVELS = {analyzer_pb2.ADVISORY: "advisory", analyzer_pb2.MANDATORY: "mandatory",
          analyzer_pb2.REMEDIATE: "remediate", analyzer_pb2.DISABLED: "disabled"}
LEVEL_VALUES = {name: value for value, name in LEVELS.items()}


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic as the engine shows it: the rule's message without the description pulumi_policy prefixes."""

    policy: str
    urn: str
    level: str
    message: str


class RunningPack:
    """The pack as its own process, with a gRPC client on the port it printed."""

    def __init__(self, interpreter: str = sys.executable, directory: Path = POLICY_DIR):
        environment = {**os.environ, "PULUMI_PROJECT": "landing-zone", "PULUMI_STACK": "dev", "PULUMI_DRY_RUN": "true"}
        # The engine's own address: the pack only dials it to log, which a healthy pack never does.
        self.errors = tempfile.TemporaryFile()  # a file, not a pipe: a chatty pack must not block on a full pipe
        self.process = subprocess.Popen([interpreter, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."], cwd=directory,
                                        stdout=subprocess.PIPE, stderr=self.errors, env=environment)
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], STARTUP_SECONDS)
        line = self.process.stdout.readline().decode().strip() if ready else ""
        if not line.isdigit():
            self.close()
            raise AssertionError(f"the pack printed {line!r} instead of its port: {self.stderr()}")
        self.port = int(line)
        self.channel = grpc.insecure_channel(f"127.0.0.1:{self.port}")
        self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        self.descriptions: dict[str, str] = {}

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode()

    def close(self) -> None:
        if hasattr(self, "channel"):
            self.channel.close()
        self.process.terminate()
        self.process.wait(timeout=30)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.errors.close()

    def load(self, run: Run, policy_config: Mapping[str, analyzer_pb2.PolicyConfig] | None = None
             ) -> analyzer_pb2.AnalyzerInfo:
        """What the engine does once per `pulumi preview` before the first resource; returns the pack's info."""
        try:
            self.stub.Handshake(analyzer_pb2.AnalyzerHandshakeRequest(
                engine_address="127.0.0.1:1", root_directory=str(POLICY_DIR), program_directory=str(POLICY_DIR)),
                timeout=CALL_SECONDS)
        except grpc.RpcError as error:  # the engine accepts a pack that predates the handshake
            assert error.code() == grpc.StatusCode.UNIMPLEMENTED, error
        self.stub.ConfigureStack(analyzer_pb2.AnalyzerStackConfigureRequest(
            stack=run.stack, project=run.project, organization="organization", dry_run=True, config=run.config),
            timeout=CALL_SECONDS)
        self.stub.GetPluginInfo(empty_pb2.Empty(), timeout=CALL_SECONDS)
        info = self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=CALL_SECONDS)
        self.descriptions = {policy.name: policy.description for policy in info.policies}
        # An empty config resets what an earlier load configured; the engine skips the call when there is none.
        self.stub.Configure(analyzer_pb2.ConfigureAnalyzerRequest(policyConfig=policy_config or {}), timeout=CALL_SECONDS)
        return info

    def analyze(self, request: analyzer_pb2.AnalyzeRequest) -> list[Diagnostic]:
        """Remediate, then Analyze, one resource; the diagnostics carry the resource's URN as the engine shows them."""
        remediated = self.stub.Remediate(request, timeout=CALL_SECONDS)
        assert list(remediated.remediations) == [], f"the pack remediates {request.urn}; it has no remediations"
        return self._diagnostics(self.stub.Analyze(request, timeout=CALL_SECONDS), request.urn)

    def analyze_stack(self, resources: Iterable[analyzer_pb2.AnalyzerResource]) -> list[Diagnostic]:
        return self._diagnostics(self.stub.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=list(resources)),
                                                        timeout=CALL_SECONDS), "")

    def _diagnostics(self, response: analyzer_pb2.AnalyzeResponse, urn: str) -> list[Diagnostic]:
        found = []
        for diagnostic in response.diagnostics:
            prefix = self.descriptions.get(diagnostic.policyName, "") + "\n"
            message = diagnostic.message.removeprefix(prefix)
            found.append(Diagnostic(diagnostic.policyName, diagnostic.urn or urn, LEVELS[diagnostic.enforcementLevel],
                                    message))
        return found


class StackMessages:
    """A run's registrations as the analyzer messages the engine sends: inputs to Analyze, outputs to AnalyzeStack."""

    def __init__(self, run: Run):
        self.run = run
        self.inventory = Inventory(run)

    def request(self, registration: Registration, provider: Registration | None = None) -> analyzer_pb2.AnalyzeRequest:
        return analyzer.analyze_request(registration, properties=registration.inputs,
                                        provider=provider or self.inventory.provider_of(registration))

    def stack_resource(self, registration: Registration, provider: Registration | None = None,
                       original: Registration | None = None) -> analyzer_pb2.AnalyzerResource:
        """With the outputs the resource would have: `original`'s computed outputs beside `registration`'s inputs."""
        return analyzer.analyzer_resource(registration, properties=outputs(registration, original or registration),
                                          provider=provider or self.inventory.provider_of(registration))

    def offline_resource(self, registration: Registration,
                         provider: Registration | None = None) -> analyzer_pb2.AnalyzerResource:
        """As the offline preview sends it to the rules: with its inputs."""
        return analyzer.analyzer_resource(registration, properties=registration.inputs,
                                          provider=provider or self.inventory.provider_of(registration))


def pack_verdict(running_pack: RunningPack, messages: StackMessages, resources: Sequence[Registration],
                 providers: Mapping[str, Registration | None], stack_rules: bool) -> list[Diagnostic]:
    """What the pack reports on `resources` (possibly mutated copies): Analyze on the first, or AnalyzeStack on all."""
    if not stack_rules:
        return running_pack.analyze(messages.request(resources[0], providers[resources[0].urn]))
    originals = {r.urn: r for r in messages.run.registrations}
    return running_pack.analyze_stack(messages.stack_resource(r, providers[r.urn], originals.get(r.urn))
                                      for r in resources)


def offline_verdict(messages: StackMessages, resources: Sequence[Registration],
                    providers: Mapping[str, Registration | None], stack_rules: bool) -> list[Diagnostic]:
    """What the offline preview reports on the same input, through the same messages and objects, for the same kind
    of rule (resource rules on the first resource alone, stack rules on all)."""
    sent = resources if stack_rules else resources[:1]
    policy_resources = analyzer.policy_resources([messages.offline_resource(r, providers[r.urn]) for r in sent])
    kind = {rule.name for rule in (rules.STACK_RULES if stack_rules else rules.RESOURCE_RULES)}
    found = rules.evaluate([pack.rule_resource(r) for r in policy_resources])
    return [Diagnostic(v.policy, v.urn, v.level, v.message) for v in found if v.policy in kind]


def outputs(registration: Registration, original: Registration) -> dict[str, Any]:
    """The outputs a resource with `registration`'s inputs has: the provider echoes its inputs beside what it computed
    (as the mocks do), so the computed part is what `original` output beyond its own inputs."""
    computed = {key: value for key, value in original.outputs.items() if key not in original.inputs}
    return {**computed, **registration.inputs}


def violations_as_diagnostics(violations: Iterable[rules.Violation]) -> list[Diagnostic]:
    return [Diagnostic(v.policy, v.urn, v.level, v.message) for v in violations]
