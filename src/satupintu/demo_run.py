"""Running the demo: the portals and the hub's workers (events, mail) as child processes on loopback,
next to the hub served in the foreground; Ctrl-C (or SIGTERM) stops them all together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import typing
import urllib.error
import urllib.request
from pathlib import Path

from satupintu.hub.demo import PORTAL_ADMIN_PASSWORD, DemoPortal

# The command installed next to this interpreter, so that children run the same code.
SATUPINTU = str(Path(sys.executable).with_name("satupintu"))
STARTUP_SECONDS = 90


class DemoFailed(RuntimeError):
    """A child process did not come up; the message holds the end of its output."""


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


class Children:
    """The demo's child processes, each writing its output to a log file in the data folder. While they
    run, SIGTERM interrupts the demo as Ctrl-C does, so that the caller's ``finally`` stops them all (by
    default SIGTERM would end this process at once and leave them running)."""

    def __init__(self, logs: Path) -> None:
        signal.signal(signal.SIGTERM, _interrupt)
        self.logs = logs
        self.logs.mkdir(parents=True, exist_ok=True)
        self.running: dict[str, subprocess.Popen] = {}
        self.log_files: list[typing.BinaryIO] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.log_files.append(log)
        self.running[name] = subprocess.Popen(
            [SATUPINTU, *args], env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )

    def wait_until_serving(self, name: str, url: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.running[name].poll() is not None:
                raise DemoFailed(f"{name} stopped while starting:\n{self.tail(name)}")
            try:
                with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - a loopback address we built
                    return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.5)
        raise DemoFailed(f"{name} did not answer at {url} within {STARTUP_SECONDS} s:\n{self.tail(name)}")

    def wait_for_any(self) -> None:
        """Block until one child stops (Ctrl-C interrupts the wait)."""
        while all(process.poll() is None for process in self.running.values()):
            time.sleep(1)

    def tail(self, name: str, lines: int = 30) -> str:
        text = (self.logs / f"{name}.log").read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        for log in self.log_files:
            log.close()
        self.log_files.clear()


def start_hub(children: Children, port: int) -> None:
    children.start("hub", ["serve", "--port", str(port)], dict(os.environ))
    children.wait_until_serving("hub", f"http://127.0.0.1:{port}/")


def start_portals(children: Children, portals: list[DemoPortal], hub_url: str) -> None:
    for portal in portals:
        args = ["portal", "--code", portal.code, "--port", str(portal.port), "--name", portal.name]
        args += ["--accounts", str(portal.export)]
        # Secrets go through the environment, which other users cannot read (a command line they can: ps).
        env = {
            **os.environ,
            "SATUPINTU_PORTAL_HUB": hub_url,
            "SATUPINTU_PORTAL_ADMIN_PASSWORD": PORTAL_ADMIN_PASSWORD,
        }
        if portal.aggregated:
            args += ["--client-id", portal.client_id]
            env["SATUPINTU_PORTAL_CLIENT_SECRET"] = portal.client_secret
            env["SATUPINTU_PORTAL_WEBHOOK_SECRET"] = portal.webhook_secret
        else:
            args.append("--not-aggregated")
        children.start(portal.code, args, env)
    for portal in portals:
        children.wait_until_serving(portal.code, portal.url + "/")


def start_workers(children: Children) -> None:
    """The workers that push the events to the portals and send the hub's emails."""
    children.start("events", ["events", "deliver", "--watch", "--interval", "2"], dict(os.environ))
    children.start("mail", ["mail", "deliver", "--watch", "--interval", "5"], dict(os.environ))
