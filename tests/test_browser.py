"""The report in a real browser: headless Chromium opens each page from the file system; it must render without
console errors or fetches, show a diagram that is visible and not blank, and show every account of the stack."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from preview import browser, report
from preview.inventory import Inventory
from tests.pictures import document, member_accounts, organization

pytestmark = pytest.mark.skipif(
    browser.chromium() is None,
    reason=f"no Chromium on this machine ({browser.INSTALL_HINT}); CI installs it in .ci/run")

PAGES = ("dev", "prod", "100 accounts")


@pytest.fixture(scope="module")
def documents(inventories: dict[str, Inventory]) -> dict[str, dict[str, Any]]:
    return {"dev": document(inventories["dev"]), "prod": document(inventories["prod"]),
            "100 accounts": organization(100)}


@pytest.fixture(scope="module")
def views(tmp_path_factory: pytest.TempPathFactory, documents: dict[str, dict[str, Any]]) -> dict[str, browser.PageView]:
    directory = tmp_path_factory.mktemp("report")
    paths = {}
    for name, doc in documents.items():
        paths[name] = directory / f"{name.replace(' ', '-')}.html"
        paths[name].write_text(report.page(doc))
    broken = directory / "broken.html"
    broken.write_text('<!DOCTYPE html><html><body><figure id="diagram"><svg width="10" height="10"></svg></figure>'
                      '<img src="missing.png"><script>console.error("it broke")</script></body></html>')
    paths["broken"] = broken
    with browser.Session() as session:
        return {name: session.view(path) for name, path in paths.items()}


@pytest.mark.parametrize("name", PAGES)
def test_the_page_renders_without_console_errors_or_fetches(name: str, views: dict[str, browser.PageView]) -> None:
    assert views[name].console_errors == []
    assert views[name].fetches == []


def test_the_checks_see_errors_and_fetches(views: dict[str, browser.PageView]) -> None:
    broken = views["broken"]
    assert "it broke" in broken.console_errors
    assert [Path(url).name for url in broken.fetches] == ["missing.png"]


@pytest.mark.parametrize("name", PAGES)
def test_the_diagram_is_visible_and_not_blank(name: str, views: dict[str, browser.PageView]) -> None:
    view = views[name]
    width, height = view.diagram_size
    assert view.diagram_visible and width > 900 and height > 600
    image = Image.open(BytesIO(view.diagram_png)).convert("RGB")
    assert abs(image.width - width) <= 1 and abs(image.height - height) <= 1
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, "a blank or flat picture"
    inked = image.convert("L").point(lambda level: 255 if level < 235 else 0).histogram()[255]
    assert inked / (image.width * image.height) > 0.05, "too little drawn"


@pytest.mark.parametrize("name", PAGES)
def test_every_account_of_the_stack_appears(name: str, views: dict[str, browser.PageView],
                                           documents: dict[str, dict[str, Any]]) -> None:
    accounts = member_accounts(documents[name])
    assert set(views[name].diagram_accounts) == accounts
    assert set(views[name].table_accounts) - {report.NOT_AWS} == accounts
