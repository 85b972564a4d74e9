"""Real servers for end-to-end tests: reference portals run as `satupintu portal` subprocesses, each on
its own loopback port with its own data folder and SQLite database. Nothing here touches the hub's
database: `conftest.py` joins these to the hub served by pytest-django's live server."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from export_rows import write_export
from network import free_port

# The command installed next to this interpreter (the project's virtual environment).
SATUPINTU = str(Path(sys.executable).with_name("satupintu"))
CALLBACK_PATH = "/masuk/inaproc/callback"
HOOK_PATH = "/hooks/satupintu"
STARTUP_SECONDS = 60


def closed_url() -> str:
    """The address of a hub that is down: a loopback port with nothing listening."""
    return f"http://127.0.0.1:{free_port()}"


class PortalFailed(RuntimeError):
    """The portal process did not come up; the message holds its output."""


@dataclass
class RunningPortal:
    """A reference portal served by its own `satupintu portal` process.

    ``url`` is its base address (``http://127.0.0.1:PORT``, no trailing slash); ``admin_user_id`` /
    ``admin_password`` sign in its LPSE administrator; ``webhook_secret`` signs events for its
    ``hook_url``; ``accounts`` are the export rows it was loaded with (password:
    `export_rows.password_of`). Its secrets reach the process through the environment, as in production
    (a command line is readable by every user of the machine)."""

    code: str
    port: int
    data_dir: Path
    hub_url: str
    aggregated: bool = True
    name: str = ""
    client_id: str = ""
    client_secret: str = ""
    webhook_secret: str = ""
    admin_password: str = "Admin#Pw1portal"
    accounts: list[dict] = field(default_factory=list)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def callback_url(self) -> str:
        return self.url + CALLBACK_PATH

    @property
    def hook_url(self) -> str:
        return self.url + HOOK_PATH

    @property
    def admin_user_id(self) -> str:
        return f"admin_{self.code}"

    @property
    def export_path(self) -> Path:
        return self.data_dir / f"{self.code}-export.csv"

    def command(self) -> list[str]:
        command = [SATUPINTU, "portal", "--code", self.code, "--port", str(self.port), "--hub", self.hub_url]
        if self.name:
            command += ["--name", self.name]
        if not self.aggregated:
            command.append("--not-aggregated")
        if self.accounts:
            command += ["--accounts", str(write_export(self.accounts, self.export_path))]
        if self.client_id:
            command += ["--client-id", self.client_id]
        return command

    def environment(self) -> dict[str, str]:
        """The test run's environment without the hub's settings, with this portal's data folder and
        secrets."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SATUPINTU_"))}
        env.pop("DATABASE_URL", None)
        env |= {
            "SATUPINTU_DATA_DIR": str(self.data_dir),
            "PYTHONUNBUFFERED": "1",
            "SATUPINTU_PORTAL_ADMIN_PASSWORD": self.admin_password,
            "SATUPINTU_PORTAL_CLIENT_SECRET": self.client_secret,
            "SATUPINTU_PORTAL_WEBHOOK_SECRET": self.webhook_secret,
        }
        return env

    @property
    def database_path(self) -> Path:
        """The portal's SQLite database (for a test to change what no page changes, e.g. a date)."""
        return self.data_dir / f"portal-{self.code}.sqlite3"

    def start(self) -> RunningPortal:
        """Start the process and wait until it answers; `PortalFailed` with its output otherwise."""
        env = self.environment()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._log_path.open("ab") as log:
            self.process = subprocess.Popen(self.command(), env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise PortalFailed(
                    f"portal {self.code} exited with {self.process.returncode}:\n{self.output()}"
                )
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.url + "/", timeout=2).status_code == 200:
                    return self
            time.sleep(0.2)
        self.stop()
        raise PortalFailed(f"portal {self.code} did not answer in {STARTUP_SECONDS}s:\n{self.output()}")

    def stop(self) -> None:
        """SIGTERM (gunicorn stops gracefully), then SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()  # its worker notices its parent is gone and exits too
            self.process.wait(timeout=5)

    @property
    def _log_path(self) -> Path:
        return self.data_dir / "portal.log"

    def output(self) -> str:
        """What the process has printed (stdout and stderr), for failure messages."""
        return self._log_path.read_text(errors="replace") if self._log_path.exists() else ""


def sign_in_locally(
    portal: RunningPortal, user_id: str, password: str
) -> tuple[requests.Session, requests.Response]:
    """A `requests` session that has posted the portal's local sign-in form; the caller closes it."""
    browser = requests.Session()
    form = browser.get(f"{portal.url}/masuk/", timeout=10)
    assert form.status_code == 200
    token = browser.cookies[f"portal_{portal.code}_csrftoken"]
    response = browser.post(
        f"{portal.url}/masuk/",
        data={"user_id": user_id, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{portal.url}/masuk/", "Accept-Language": "en"},
        timeout=30,
    )
    return browser, response
