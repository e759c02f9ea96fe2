"""One benchmark target: a WSGI app under gunicorn on 127.0.0.1, and the CPU its processes use.

CPU comes from ``/proc/<pid>/stat`` (utime + stime) of the gunicorn master and its workers, so the
client's own work (signing tokens, parsing responses) is never counted against the server.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import requests

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def process_cpu_seconds(pid: int) -> float | None:
    """utime + stime of one process, or None once it has gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may hold spaces or brackets; the fields we want follow its last ')'.
    fields = stat[stat.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def child_pids(parent: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat[stat.rindex(")") + 2:].split()[1]) == parent:
            children.append(int(entry.name))
    return children


def cpu_snapshot(pids: Iterable[int]) -> dict[int, float]:
    snapshot = {}
    for pid in pids:
        seconds = process_cpu_seconds(pid)
        if seconds is not None:
            snapshot[pid] = seconds
    return snapshot


def cpu_between(before: Mapping[int, float], after: Mapping[int, float]) -> float:
    """CPU seconds spent between two snapshots; a process born in between started at zero."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


class GunicornTarget:
    """Starts ``gunicorn <app_spec>`` with sync workers, waits until it answers, stops it."""

    def __init__(self, name: str, app_spec: str, *, port: int, env: Mapping[str, str],
                 cwd: Path, log_path: Path, workers: int = 2,
                 config: str | None = None) -> None:
        self.name = name
        self.app_spec = app_spec
        self.port = port
        self.env = dict(env)
        self.cwd = cwd
        self.log_path = log_path
        self.workers = workers
        self.config = config
        """A gunicorn ``-c`` value (``python:module``): the hooks production runs with."""
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> None:
        command = [
            sys.executable, "-m", "gunicorn", self.app_spec,
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--chdir", str(self.cwd),
            "--log-level", "warning",
            "--timeout", "60",
            *(["--config", self.config] if self.config else []),
        ]
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, cwd=self.cwd, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name}: gunicorn exited with {self.process.returncode}:\n"
                                   + self.log_tail())
            if len(child_pids(self.process.pid)) >= self.workers and self._answers():
                return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name}: gunicorn did not answer within {timeout:.0f} s:\n"
                           + self.log_tail())

    def _answers(self) -> bool:
        try:
            requests.get(f"{self.base_url}/healthz", timeout=2)
        except requests.RequestException:
            return False
        return True  # any HTTP status: the worker is up, whatever it thinks of /healthz

    def pids(self) -> list[int]:
        if self.process is None:
            return []
        return [self.process.pid, *child_pids(self.process.pid)]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop, master first
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 25) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used since boot (all cores, from /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
