"""The floor for the offline preview: the bare Pulumi SDK replaying an inventory's registrations under mocks.

Same resource modules imported, same types, names and inputs registered; no config, no program logic, no policy,
no output. The preview's cost over this is the program's own overhead. The method is the one the team measured the
preview against from the start (the clock starts before `import pulumi` and stops once every URN is resolved);
keep it so, or the ratio stops meaning what it did.

    .venv/bin/python -m preview prod --json out/prod.json
    .venv/bin/python bench/replay.py out/prod.json     # prints its seconds
"""
import asyncio
import importlib
import json
import sys
import time

started = time.perf_counter()
import pulumi  # noqa: E402  (the import is part of what is timed)


class ReplayMocks(pulumi.runtime.Mocks):
    def new_resource(self, args):
        return [args.name + "-id", dict(args.inputs, arn="arn:aws:x:::" + args.name)]

    def call(self, args):
        return {}


def main(path: str) -> None:
    inventory = json.load(open(path))
    pulumi.runtime.set_mocks(ReplayMocks(), project="bare", stack="bare", preview=False)
    registered = []
    for index, resource in enumerate(inventory["resources"]):
        token = resource["type"]
        if not resource.get("custom", True) or token.startswith("pulumi:"):
            continue
        package, rest = token.split(":", 1)
        module = rest.split("/")[0].split(":")[0]
        if package == "aws":  # import the class's module, as a program must
            try:
                loaded = importlib.import_module("pulumi_aws." + ("lambda_" if module == "lambda" else module))
                getattr(loaded, token.rsplit(":", 1)[1], None)
            except ImportError:
                pass
        registered.append(pulumi.CustomResource(token, f"{resource['name']}-{index}",
                                                props=dict(resource.get("inputs") or {})))
    asyncio.get_event_loop().run_until_complete(asyncio.gather(*[r.urn.future() for r in registered]))
    print(f"{time.perf_counter() - started:.3f}")


if __name__ == "__main__":
    main(sys.argv[1])
