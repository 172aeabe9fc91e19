"""The page-load benchmark's gunicorn: the project's settings plus a hello-world URL (the floor)."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
