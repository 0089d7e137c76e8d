"""Loads a static page in headless Chromium (no network, a fresh profile each time) and returns what
it rendered: the DOM after load, the console messages, and a screenshot.

    python -m data_quality.browser PAGE.html SCREENSHOT.png

Console messages are read from Chromium's own log (--enable-logging=stderr prints every console
call and uncaught error as an INFO:CONSOLE line), so no DevTools connection is needed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
BASE_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
    "--enable-logging=stderr", "--v=0",
    # Nothing may be fetched from elsewhere: any host name fails to resolve, so a page that tries
    # logs an error (the tests require none).
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
CONSOLE_LINE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(.*)")
TIMEOUT_SECONDS = 90


@dataclass(frozen=True)
class Rendered:
    dom: str
    console: list[str]
    screenshot: Path


def find_chromium() -> str | None:
    """The Chromium executable on this machine, or None."""
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _run(executable: str, page: Path, extra: list[str]) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        return subprocess.run(
            [executable, *BASE_FLAGS, f"--user-data-dir={profile}", *extra, page.resolve().as_uri()],
            capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False,
        )


def render(page: Path, screenshot: Path, executable: str | None = None, window: tuple[int, int] = (1200, 2400)) -> Rendered:
    """Load page twice (DOM, then screenshot), each in a fresh profile."""
    exe = executable or find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium not found")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    dom_run = _run(exe, page, ["--dump-dom", "--virtual-time-budget=2000"])
    shot_run = _run(exe, page, [f"--screenshot={screenshot.resolve()}", f"--window-size={window[0]},{window[1]}",
                                "--hide-scrollbars"])
    console = [m.group(1) for line in (dom_run.stderr + shot_run.stderr).splitlines() if (m := CONSOLE_LINE.search(line))]
    if dom_run.returncode != 0 or not screenshot.exists():
        raise RuntimeError(f"chromium failed ({dom_run.returncode}/{shot_run.returncode}): {dom_run.stderr[-2000:]}")
    return Rendered(dom_run.stdout, console, screenshot)


AXE_RUNNER = """
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(function (r) {
  var out = document.createElement("pre");
  out.id = "axe-results";
  out.textContent = JSON.stringify(r.violations.map(function (v) {
    return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
            targets: v.nodes.slice(0, 3).map(function (n) { return n.target.join(" "); })};
  }));
  document.body.appendChild(out);
});
"""
_AXE_RESULTS = re.compile(r'<pre id="axe-results">(.*?)</pre>', re.DOTALL)


def accessibility_violations(page: Path, axe_script: Path, executable: str | None = None) -> list[dict[str, object]]:
    """axe-core's WCAG 2.1 A/AA violations of a page: the page is copied beside itself with axe
    inlined (nothing is fetched), loaded in headless Chromium, and the results read from the DOM."""
    import html
    import json

    exe = executable or find_chromium()
    if exe is None:
        raise FileNotFoundError("chromium not found")
    source = page.read_text(encoding="utf-8")
    inlined = f"<script>{axe_script.read_text(encoding='utf-8')}</script><script>{AXE_RUNNER}</script>"
    audited = page.with_name(f".axe-{page.name}")
    audited.write_text(source.replace("</body>", inlined + "</body>"), encoding="utf-8")
    try:
        run = _run(exe, audited, ["--dump-dom", "--virtual-time-budget=20000"])
    finally:
        audited.unlink(missing_ok=True)
    found = _AXE_RESULTS.search(run.stdout)
    if found is None:
        raise RuntimeError(f"axe-core gave no results for {page} ({run.returncode}): {run.stderr[-1500:]}")
    return json.loads(html.unescape(found.group(1)))


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print(__doc__)
        return 2
    rendered = render(Path(args[0]), Path(args[1]))
    print(f"DOM: {len(rendered.dom):,} characters, {rendered.dom.count('<svg')} charts; "
          f"console messages: {len(rendered.console)}; screenshot: {rendered.screenshot}")
    for line in rendered.console:
        print(f"  console: {line}")
    return 1 if rendered.console else 0


if __name__ == "__main__":
    raise SystemExit(main())
