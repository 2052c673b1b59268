"""The bare SDK under the preview's mocks: register N plain resources and nothing else (the benchmark's yardstick)."""

from __future__ import annotations

import sys

import pulumi
import pulumi_aws as aws
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from preview.mocks import LandingZoneMocks, RecordingMonitor


def main(count: int) -> None:
    mocks = LandingZoneMocks(region="ap-northeast-2", management_account_id="111111111111")
    monitor = RecordingMonitor(mocks)
    pulumi.runtime.set_mocks(mocks, project="landing-zone", stack="bench", preview=False, monitor=monitor)

    def program() -> None:
        for index in range(count):
            aws.s3.Bucket(f"bucket-{index}", bucket=f"bench-bucket-{index}", tags={"Index": str(index)})

    _sync_await(run_pulumi_func(program))
    assert len(monitor.registrations) == count


if __name__ == "__main__":
    main(int(sys.argv[1]))
