"""Helpers for race tests: real concurrent transactions need PostgreSQL and one connection per thread."""

import threading

import pytest
from django.db import connection


def skip_unless_postgresql(why: str) -> None:
    """SQLite serialises writers, so two transactions can never overlap there: skip with WHY."""
    if connection.vendor != "postgresql":
        pytest.skip(f"needs PostgreSQL (set DATABASE_URL): SQLite serialises writers, so {why}")


def run_at_once(*calls) -> list:
    """Run each call in its own thread (hence its own database connection), all released together;
    return each call's result or the exception it raised."""
    start = threading.Barrier(len(calls), timeout=20)
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a transaction never finished"
    return results
