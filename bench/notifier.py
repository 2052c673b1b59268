"""Slack notifier: cold start (import plus one formatted post) and deployment package size.

`python -m bench.notifier`. Each run is a fresh interpreter importing the function as Lambda unpacks it
(a `slack_notifier/` folder of .py files, no bytecode cache: /var/task is read-only on Lambda), then
invoking it once against a loopback stand-in for Slack and Secrets Manager. The clock starts just
before the import and stops when the handler returns, so interpreter start-up is not counted, nor the modules
the Lambda runtime has imported before it imports a handler (awslambdaric's bootstrap.py:
github.com/aws/aws-lambda-python-runtime-interface-client/blob/0184e90396bbb34fafa2feedae2b4f65a24efb2f/
awslambdaric/bootstrap.py imports importlib, json, logging, os, sys, time and traceback, then sets up logging).

The target applies to wall-clock time. On a machine whose cores are shared with other work the wall clock
also counts time spent waiting for a core, so the CPU time of the same span is printed beside it: it is what
the function itself costs, and it moves little with the machine's load.
"""

from __future__ import annotations

import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import zipfile
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.goals import Figure

SOURCE = Path(__file__).resolve().parent.parent / "functions" / "slack_notifier"
RUNS = 7
TARGET_MS = 50.0
TARGET_KB = 50.0

_ALARM = {
    "AlarmName": "bench-web-5xx", "AWSAccountId": "111122223333", "NewStateValue": "ALARM", "OldStateValue": "OK",
    "NewStateReason": "Threshold Crossed: 1 datapoint [7.5] was greater than the threshold (5.0).",
    "StateChangeTime": "2026-03-14T09:26:53.412+0000", "Region": "EU (Frankfurt)",
    "AlarmArn": "arn:aws:cloudwatch:eu-central-1:111122223333:alarm:bench-web-5xx",
    "Trigger": {"MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB", "Statistic": "AVERAGE",
                "Dimensions": [{"name": "LoadBalancer", "value": "app/bench/1"}], "Period": 60,
                "EvaluationPeriods": 3, "ComparisonOperator": "GreaterThanThreshold", "Threshold": 5.0},
}
EVENT = {"Records": [{"EventSource": "aws:sns", "Sns": {
    "TopicArn": "arn:aws:sns:eu-central-1:111122223333:bench-alerts-critical", "Message": json.dumps(_ALARM),
    "Timestamp": "2026-03-14T09:27:00.000Z", "MessageId": "bench"}}]}

# Runs in the fresh interpreter: argv[1] is the folder holding slack_notifier/.
_CHILD = """
import importlib, json, logging, os, sys, time, traceback  # loaded by the Lambda runtime before the handler
started = time.perf_counter()
started_cpu = time.process_time()
import sys
sys.path.insert(0, sys.argv[1])
from slack_notifier import handler
imported = time.perf_counter()
class Context:
    def get_remaining_time_in_millis(self):
        return 10_000
result = handler.handler(json.loads(sys.stdin.read()), Context())
done = time.perf_counter()
cpu = time.process_time() - started_cpu
assert result["posted"], result
print(json.dumps({"import_ms": (imported - started) * 1000, "total_ms": (done - started) * 1000, "cpu_ms": cpu * 1000}))
"""


@dataclass(frozen=True)
class Results:
    cold_ms: float  # median, import plus the first post (which includes fetching the token)
    import_ms: float  # median, import alone
    cold_cpu_ms: float  # median CPU time of the same span as cold_ms
    package_kb: float
    files: int


class _StandIn(BaseHTTPRequestHandler):
    """Slack's chat.postMessage under /api/, Secrets Manager anywhere else; both always succeed."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/api/"):
            reply = {"ok": True, "channel": "C0BENCH", "ts": "1773480413.000100"}
        else:
            reply = {"SecretString": "xoxb-bench-token-0000000000"}
        body = json.dumps(reply).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def package_size() -> tuple[float, int]:
    """Kilobytes of the folder's .py files zipped as the deployment package, and how many files."""
    sources = sorted(SOURCE.glob("*.py"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for source in sources:
            package.write(source, f"slack_notifier/{source.name}")
    return len(buffer.getvalue()) / 1024, len(sources)


def _one_cold_start(url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as root:
        shutil.copytree(SOURCE, Path(root) / "slack_notifier", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        environment = {
            "SLACK_API_URL": f"{url}/api", "SECRETS_MANAGER_ENDPOINT": url,
            "SLACK_TOKEN_SECRET_ARN": "arn:aws:secretsmanager:eu-central-1:111122223333:secret:bench-AbCdEf",
            "SLACK_CHANNELS": json.dumps({"critical": "C0BENCH", "warning": "C0BENCH", "security": "C0BENCH"}),
            "AWS_ACCESS_KEY_ID": "AKIDBENCH", "AWS_SECRET_ACCESS_KEY": "bench-secret-key", "AWS_REGION": "eu-central-1",
            "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "LOG_LEVEL": "WARNING",
        }
        run = subprocess.run([sys.executable, "-I", "-B", "-c", _CHILD, root], input=json.dumps(EVENT),
                             capture_output=True, text=True, env=environment, timeout=60, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"the notifier failed in the benchmark child:\n{run.stderr}")
    timings: dict[str, float] = json.loads(run.stdout.strip().splitlines()[-1])
    return timings


def measure(runs: int = RUNS) -> Results:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        samples = [_one_cold_start(url) for _ in range(runs)]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    kilobytes, files = package_size()
    return Results(cold_ms=statistics.median(s["total_ms"] for s in samples),
                   import_ms=statistics.median(s["import_ms"] for s in samples),
                   cold_cpu_ms=statistics.median(s["cpu_ms"] for s in samples), package_kb=kilobytes, files=files)


def main() -> int:
    """Print the figures against their targets; 0 when both are met, 1 otherwise."""
    return 0 if all(figure.met for figure in figures()) else 1


def figures() -> list[Figure]:
    """Measure and print; return the goals' figures (cold start and package size)."""
    results = measure()
    cold_ok = results.cold_ms < TARGET_MS
    size_ok = results.package_kb < TARGET_KB
    print("slack notifier")
    print(f"  cold import + first post  {results.cold_ms:6.1f} ms  (median of {RUNS}; import alone "
          f"{results.import_ms:.1f} ms)  target < {TARGET_MS:.0f} ms  {'met' if cold_ok else 'NOT MET'}")
    print(f"    of which CPU time       {results.cold_cpu_ms:6.1f} ms  (what the load of the machine does not add to)")
    print(f"  deployment package        {results.package_kb:6.1f} KB  ({results.files} .py files, zipped)"
          f"  target < {TARGET_KB:.0f} KB  {'met' if size_ok else 'NOT MET'}")
    return [Figure("notifier cold start (median)", results.cold_ms, "ms", "<", TARGET_MS),
            Figure("notifier deployment package", results.package_kb, "KB", "<", TARGET_KB)]


if __name__ == "__main__":
    raise SystemExit(main())
