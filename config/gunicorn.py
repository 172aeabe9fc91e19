"""gunicorn settings for `make run` and production: `gunicorn -c config/gunicorn.py config.wsgi`.

HOST/PORT give the address; WEB_CONCURRENCY processes × WEB_THREADS threads serve requests (sizing in
docs/deploy.md). The application writes its own JSON line per request, so gunicorn's access log is off.
"""

import os

bind = (
    os.environ.get("GUNICORN_BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
workers = int(os.environ.get("WEB_CONCURRENCY", 2))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", 4))
timeout = int(os.environ.get("WEB_TIMEOUT", 60))  # a request that takes longer is killed and logged
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle processes now and then: bounded memory over months of uptime
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a load balancer that sets X-Forwarded-Proto: the addresses it connects from.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "mutualaid-web"
# gunicorn's control socket defaults to one path per user, which two instances on one box would share.
control_socket_disable = True
