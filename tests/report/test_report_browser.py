"""End-to-end: open the report in headless Chromium, offline.

Checks that the page raises no console message (a blocked request, a CSP
violation or a script error all log one), that every image decoded, and saves
a screenshot to ``test-artifacts/report-screenshot.png``. Skipped when
Chromium is not installed (``.ci/run`` installs Debian's ``chromium``; locally:
``apt-get update && apt-get install -y chromium``).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not installed (apt-get install chromium)"),
]

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-logging=stderr",
    "--v=0",
]

PROBE = """<script>
document.addEventListener('securitypolicyviolation', function (e) {
  var b = document.body; b.setAttribute('data-csp', (b.getAttribute('data-csp') || '') + e.violatedDirective + ' ' + e.blockedURI + ';');
});
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  document.body.setAttribute('data-images', imgs.length);
  document.body.setAttribute('data-loaded', imgs.filter(function (i) { return i.complete && i.naturalWidth > 0; }).length);
  document.body.setAttribute('data-done', '1');
});
</script>"""


def _chromium(args, tmp_path, timeout=120):
    profile = tmp_path / "profile"
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)


def _console(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if ":CONSOLE" in ln]


def test_report_opens_offline_without_console_errors(sample_report, tmp_path):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "report-screenshot.png"
    shot.unlink(missing_ok=True)
    res = _chromium([f"--screenshot={shot}", "--window-size=1280,4000", sample_report.as_uri()], tmp_path)
    assert _console(res.stderr) == [], res.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 20_000


def test_every_image_loads(sample_report, tmp_path):
    html = sample_report.read_text(encoding="utf-8")
    # the report has no script (its CSP forbids them); the copy allows only this probe
    probe = html.replace("default-src 'none';", "default-src 'none'; script-src 'unsafe-inline';", 1)
    probe = probe.replace("</body>", PROBE + "</body>", 1)
    page = tmp_path / "probe.html"
    page.write_text(probe, encoding="utf-8")
    res = _chromium(["--virtual-time-budget=10000", "--dump-dom", page.as_uri()], tmp_path)
    dom = res.stdout
    assert 'data-done="1"' in dom, res.stderr[-2000:]
    n = int(re.search(r'data-images="(\d+)"', dom).group(1))
    loaded = int(re.search(r'data-loaded="(\d+)"', dom).group(1))
    assert n == html.count("<img ") and n >= 5
    assert loaded == n
    assert 'data-csp="' not in dom  # nothing blocked
    assert _console(res.stderr) == [], res.stderr[-2000:]


def test_the_probe_can_fail(tmp_path):
    """A broken image and an external request are caught by the same checks."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "img-src data:; script-src 'unsafe-inline'\"></head><body><img src='data:image/png;base64,AAAA'>"
        "<img src='https://example.org/x.png'>" + PROBE + "</body></html>"
    )
    res = _chromium(["--virtual-time-budget=5000", "--dump-dom", page.as_uri()], tmp_path)
    assert 'data-loaded="0"' in res.stdout
    assert 'data-csp="' in res.stdout
    assert _console(res.stderr)
