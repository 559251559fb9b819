"""Browser fixtures for the view tests: Debian's chromium driven by Playwright, every non-file request blocked.

Test modules import ``browser_fixture`` and ``open_view_fixture`` (pytest finds fixtures imported into a module;
they are named ``browser`` and ``open_view``) and set ``pytestmark = BROWSER``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

__all__ = ["BROWSER", "Session", "browser_fixture", "hover_node", "open_view_fixture"]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
#: The marks of a browser test module: run alone with ``-m browser``; skipped where chromium is missing.
BROWSER = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt install chromium)"
    ),
]


@dataclass
class Session:
    """A loaded page plus what happened while it ran."""

    page: Any
    outgoing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)


@pytest.fixture(scope="module", name="browser")
def browser_fixture() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs Playwright for Python")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(name="open_view")
def open_view_fixture(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts = []

    def load(view: Any, name: str = "view.html") -> Session:
        path = view.write(tmp_path / name)
        context = browser.new_context(viewport={"width": 1300, "height": 850})
        contexts.append(context)
        page = context.new_page()
        session = Session(page)

        def route(route: Any) -> None:
            url = route.request.url
            if url.startswith("file://"):
                route.continue_()
            else:
                session.outgoing.append(url)
                route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: session.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: session.errors.append(str(e)))

        def on_dialog(dialog: Any) -> None:
            session.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.sgReady === true", timeout=30000)
        return session

    yield load
    for context in contexts:
        context.close()


def hover_node(session: Session, node_id: str) -> str:
    """Move the mouse onto a node and return the tooltip's text."""
    point = session.js(
        """id => {
            const p = network.canvasToDOM(network.getPositions([id])[id]);
            const box = document.getElementById('sg-network').getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y};
        }""",
        node_id,
    )
    session.page.mouse.move(point["x"] - 30, point["y"] - 30)
    session.page.mouse.move(point["x"], point["y"], steps=5)
    session.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    return session.page.inner_text("div.vis-tooltip")
