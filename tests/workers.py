"""Real processes on the test database and storage: `manage.py worker`, `db_worker`, gunicorn.

Each is started with the test's settings — the test database (SQLite file or PostgreSQL database), this
test's MEDIA_ROOT (or the S3 bucket the environment names) — and always stopped at the end of the test
(fixture `start_worker` in conftest.py). Nothing is mocked.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.db import connection

BASE_DIR = Path(django_settings.BASE_DIR)
TIMEOUT = 300


def database_env() -> dict:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return {"SQLITE_PATH": str(db["NAME"]), "DATABASE_URL": ""}
    if connection.vendor == "postgresql":
        auth = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        host = f"{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}"
        return {"DATABASE_URL": f"postgres://{auth}@{host}/{db['NAME']}"}
    pytest.skip(f"no worker set-up for {connection.vendor}")


class Process:
    """One process of the project (COMMAND run from the project root) on the test database."""

    def __init__(self, log: Path, command: list[str], env: dict | None = None):
        self.log_path = log
        full_env = {
            **os.environ,
            **database_env(),
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
            "S3_PREFIX": getattr(default_storage, "location", "") if django_settings.S3_BUCKET else "",
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                command, cwd=BASE_DIR, env=full_env, stdout=out, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def check_alive(self) -> None:
        if self.process.poll() is not None:
            pytest.fail(f"{self.process.args[1:3]} exited with {self.process.returncode}:\n{self.output()}")

    def kill(self) -> None:
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Worker(Process):
    """`python manage.py ARGS…` (worker, db_worker …)."""

    def __init__(self, log: Path, *args: str, env: dict | None = None):
        super().__init__(log, [sys.executable, "manage.py", *args], env)


def wait_for(condition, *, worker: Process, timeout: float = TIMEOUT, step: float = 0.05):
    """Poll CONDITION() (bounded) while the process is alive; return its first truthy value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        worker.check_alive()
        time.sleep(step)
    pytest.fail(f"timed out after {timeout} s; output:\n{worker.output()}")
