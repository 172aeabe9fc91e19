"""One page under load (`bench.pages` runs locust headless with this file, once per page).

BENCH_PATH is the page, BENCH_COOKIE the session of the role that reads it (made with force_login),
BENCH_HTMX=1 sends the HX-Request header of the htmx partials (the roster table). Anything but 200 is a
failure (no redirect followed: an expired session would otherwise time the login page).
"""

import os

from locust import HttpUser, constant, task

PATH = os.environ["BENCH_PATH"]
NAME = os.environ.get("BENCH_NAME", PATH)
HEADERS = {"HX-Request": "true"} if os.environ.get("BENCH_HTMX") == "1" else {}


class PageReader(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        cookie = os.environ.get("BENCH_COOKIE", "")
        if cookie:
            self.client.cookies.set("sessionid", cookie)

    @task
    def read(self):
        with self.client.get(
            PATH, headers=HEADERS, name=NAME, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
