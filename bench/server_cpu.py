"""CPU time of the server side of a benchmark over a window: gunicorn's master and workers, the
benchmark database's PostgreSQL backends, and Redis, whatever core each ran on; with each core's busy
share. Requests per server CPU-second are the benchmarks' per-core figures."""

from __future__ import annotations

import os
from pathlib import Path

import redis

from memory import process_tree

TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def _cores_busy() -> list[tuple[int, int]]:
    """(busy, total) jiffies of each core since boot."""
    cores = []
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("cpu") and line[3].isdigit():
            values = [int(v) for v in line.split()[1:]]
            idle = values[3] + values[4]
            cores.append((sum(values) - idle, sum(values)))
    return cores


class ServerCpu:
    """CPU seconds of the server side over a window: gunicorn's workers, the database's backends, Redis."""

    def __init__(self, master: int, database_url: str, redis_url: str, database: str) -> None:
        self.master, self.database_url, self.database = master, database_url, database
        self.redis = redis.Redis.from_url(redis_url)

    def _backends(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [self.database],
            ).fetchall()
        return [pid for (pid,) in rows]

    def snapshot(self) -> dict:
        info = self.redis.info("cpu")
        return {
            "gunicorn": {pid: _process_cpu(pid) for pid in process_tree(self.master)},  # master and workers
            "postgres": {pid: _process_cpu(pid) for pid in self._backends()},
            "redis": info["used_cpu_user"] + info["used_cpu_sys"],
            "cores": _cores_busy(),
        }

    @staticmethod
    def spent(before: dict, after: dict) -> dict:
        def delta(kind: str) -> float:
            return sum(cpu - before[kind].get(pid, 0.0) for pid, cpu in after[kind].items())

        cores = [
            (b1 - b0) / max(t1 - t0, 1)
            for (b0, t0), (b1, t1) in zip(before["cores"], after["cores"], strict=True)
        ]
        return {
            "gunicorn": delta("gunicorn"),
            "postgres": delta("postgres"),
            "redis": after["redis"] - before["redis"],
            "cores": cores,
        }
