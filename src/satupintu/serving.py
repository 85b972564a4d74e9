"""Serving a Django application over HTTP with gunicorn's threaded worker, in the foreground, until
Ctrl-C or SIGTERM. The hub and the reference portal are served the same way."""

from __future__ import annotations


def serve(application_path: str, port: int, *, name: str, workers: int = 1, threads: int = 8) -> None:
    """Serve ``application_path`` (``module:attribute``) on 127.0.0.1:``port``. With SQLite keep one
    worker: the database has one writer at a time, and threads share it well."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    connections.close_all()  # workers are forked: each must open its own connections

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": f"127.0.0.1:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": threads,
                "accesslog": None,
                "loglevel": "warning",
                "graceful_timeout": 5,
                "timeout": 60,
                "proc_name": name,
            }.items():
                self.cfg.set(key, value)

        def load(self):
            from django.utils.module_loading import import_string

            return import_string(application_path.replace(":", "."))

    Server().run()
