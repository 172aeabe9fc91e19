#!/usr/bin/env bash
# Serve the web app and one background worker; Ctrl-C (or SIGTERM) stops both.
set -u
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

$PY manage.py worker &
worker=$!
$PY manage.py runserver --noreload "$HOST:$PORT" &
web=$!
stop() { kill -TERM "$web" "$worker" 2>/dev/null; wait "$web" "$worker" 2>/dev/null; exit 0; }
trap stop INT TERM
echo "职工互助保障信息化管理系统: http://$HOST:$PORT  (worker pid $worker; Ctrl-C stops both)"
wait -n "$web" "$worker"
stop
