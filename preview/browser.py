"""The report as a person sees it: opened from the file system in headless Chromium (Debian's `chromium`), driven
through Playwright's Python API with that executable, so no browser is downloaded.

`python -m preview.browser REPORT.html IMAGE.png` writes a screenshot of the report's diagram (`make screenshot`).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

# Playwright adds --headless and a fresh --user-data-dir of its own; these keep Chromium off the network.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
DIAGRAM = "#diagram svg"
INSTALL_HINT = "install Debian's chromium (apt-get install chromium) or set CHROMIUM to a Chromium executable"


class ChromiumMissingError(RuntimeError):
    pass


def chromium() -> str | None:
    """The Chromium executable: $CHROMIUM, else `chromium` or `chromium-browser` on PATH; None when there is none."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class PageView:
    """What the browser made of a page: its complaints, what it fetched, and what it showed."""

    console_errors: list[str]  # console messages of level error, and uncaught exceptions
    fetches: list[str]  # every URL requested besides the page itself and data: URLs
    diagram_visible: bool
    diagram_size: tuple[float, float]  # CSS pixels
    diagram_png: bytes  # a screenshot of the whole diagram
    diagram_accounts: list[str]  # `data-account` of the diagram's visible elements
    table_accounts: list[str]  # `data-account` of the resource table's rows


class Session:
    """One headless Chromium for several pages; use as a context manager."""

    def __enter__(self) -> Session:
        executable = chromium()
        if executable is None:
            raise ChromiumMissingError(f"no Chromium found: {INSTALL_HINT}")
        self._playwright = sync_playwright().start()
        self.browser: Browser = self._playwright.chromium.launch(executable_path=executable, args=FLAGS)
        return self

    def __exit__(self, *exc: object) -> None:
        self.browser.close()
        self._playwright.stop()

    def view(self, report: Path, width: int = 1440) -> PageView:
        """Open `report` (a file) in a `width`-pixel window, let it load, and look."""
        page = self.browser.new_page(viewport={"width": width, "height": 900})
        errors: list[str] = []
        fetches: list[str] = []
        url = report.resolve().as_uri()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: fetches.append(request.url)
                if request.url != url and not request.url.startswith("data:") else None)
        page.goto(url, wait_until="load")
        diagram = page.locator(DIAGRAM)
        box = diagram.bounding_box() or {"width": 0.0, "height": 0.0}
        png = _whole(page, box["width"]) if box["width"] else b""
        visible = diagram.is_visible()
        view = PageView(
            console_errors=errors, fetches=fetches, diagram_visible=visible,
            diagram_size=(box["width"], box["height"]), diagram_png=png,
            diagram_accounts=page.eval_on_selector_all(
                f"{DIAGRAM} [data-account]", "nodes => nodes.filter(n => n.getBBox().width > 0)"
                ".map(n => n.dataset.account)"),
            table_accounts=page.eval_on_selector_all("#accounts tr[data-account]", "rows => rows.map(r => r.dataset.account)"),
        )
        page.close()
        return view


def _whole(page: Page, width: float) -> bytes:
    """The diagram at its own size: the window widened to hold it, then the element's screenshot."""
    page.set_viewport_size({"width": int(width) + 120, "height": 900})
    return page.locator(DIAGRAM).screenshot(type="png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m preview.browser", description="Screenshot a report's diagram.")
    parser.add_argument("report", type=Path, help="a page written by `python -m preview STACK --html`")
    parser.add_argument("image", type=Path, help="where to write the PNG")
    args = parser.parse_args(argv)
    try:
        with Session() as session:
            view = session.view(args.report)
    except ChromiumMissingError as error:
        print(error, file=sys.stderr)
        return 2
    if view.console_errors or not view.diagram_png:
        print(f"the page did not render cleanly: {view.console_errors or 'no diagram'}", file=sys.stderr)
        return 1
    args.image.parent.mkdir(parents=True, exist_ok=True)
    args.image.write_bytes(view.diagram_png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
