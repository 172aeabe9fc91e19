#!/usr/bin/env bash
# `make run` (production shape: gunicorn, DEBUG off) or `make dev` (runserver, DEBUG on): the web server and
# one background worker under supervisord, which restarts whichever dies. Ctrl-C (or SIGTERM) stops both.
set -eu
cd "$(dirname "$0")/.."
MODE=${1:-run}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
export HOST PORT
export RUN_DIR=${RUN_DIR:-${VAR_DIR:-$PWD/var}/run}
mkdir -p "$RUN_DIR"
if [ "$MODE" = dev ]; then
  export DEBUG=${DEBUG:-1}
  export WEB_COMMAND="$PWD/.venv/bin/python manage.py runserver --noreload $HOST:$PORT"
else
  export DEBUG=${DEBUG:-0}
  export WEB_COMMAND="$PWD/.venv/bin/gunicorn -c config/gunicorn.py config.wsgi"
fi
export WORKER_COMMAND="$PWD/.venv/bin/python manage.py worker"
echo "职工互助保障信息化管理系统: http://$HOST:$PORT  (DEBUG=$DEBUG; web + worker + daily jobs under supervisord; Ctrl-C stops all)"
exec .venv/bin/supervisord -c deploy/supervisord.conf
