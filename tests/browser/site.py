"""The site under test, run as a real server process on its own SQLite file.

pytest-django's live_server flushes the database after each test, which
would also wipe the regions that a data migration loads; a separate process
on a throwaway database keeps the data as `scripts/start` has it.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Response

from demo.credentials import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, and the
# network here is closed.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The demo's national administrator (accounts/demo.py) logs in to staff pages.
DEMO_LOGIN = "national"


# new_page(width=…, display=…, javascript=…, bypass_csp=…), the fixture in conftest.
NewPage = Callable[..., Page]


@dataclass(frozen=True)
class Site:
    url: str
    username: str
    password: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], log: Path, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env,
        capture_output=True, text=True, check=False,
    )
    with log.open("a") as handle:
        handle.write(f"$ manage.py {' '.join(args)}\n{result.stdout}{result.stderr}\n")
    if result.returncode:
        output = (result.stdout + result.stderr)[-4000:]
        raise RuntimeError(f"manage.py {' '.join(args)} failed (log: {log}):\n…{output}")
    return result.stdout


@contextmanager
def run_site(workdir: Path) -> Iterator[Site]:
    """Migrate, load demo data, collect static files and serve; stop on exit."""
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / "site.log"
    # The project's settings, but static files collected into workdir, so that
    # concurrent runs (pytest-xdist workers, scripts/start) do not share them.
    (workdir / "browser_site_settings.py").write_text(
        "from baeumteo.settings import *  # noqa: F403\n"
        f"STATIC_ROOT = {str(workdir / 'static')!r}\n",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "browser_site_settings",
        "PYTHONPATH": os.pathsep.join([str(workdir), str(ROOT)]),
        "DATABASE_URL": f"sqlite:///{workdir / 'site.sqlite3'}",
        "DEBUG": "0",
        "HTTPS": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    _manage(env, log, "migrate", "--noinput")
    _manage(env, log, "demo", "--scale", "small")
    _manage(env, log, "collectstatic", "--noinput")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("a") as output:
        server = subprocess.Popen(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_up(url, server, log)
        yield Site(url=url, username=DEMO_LOGIN, password=DEMO_PASSWORD)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _wait_until_up(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the site server exited:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the site did not answer at {url} within 60 s:\n{log.read_text()}")


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk"
    return None


def page_errors(page: Page, *, http: bool = False) -> list[str]:
    """A list that fills with the page's script errors and console errors (CSP refusals
    included) from now on; with http, also every answer of 400 or more, by address."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # With http, failed loads are reported, with their address, by on_response.
        if message.type == "error" and not (http and message.text.startswith("Failed to load")):
            errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    if http:
        page.on("response", on_response)
    return errors
