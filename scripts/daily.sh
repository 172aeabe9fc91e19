#!/usr/bin/env bash
# `make run`'s daily jobs (a supervisord program): the 缴费提醒 now, then every day at DAILY_AT (08:00 local).
# Each job is idempotent (a reminder is sent once), so a restart that runs it again sends nothing twice.
# Production uses a systemd timer or cron instead (docs/deploy.md).
set -u
cd "$(dirname "$0")/.."
DAILY_AT=${DAILY_AT:-08:00}
export TZ=${TZ:-Asia/Shanghai}  # the project's TIME_ZONE: 08:00 in Qingdao, whatever the machine's clock zone
while true; do
  .venv/bin/python manage.py notice_reminders || echo "notice_reminders failed; retrying at the next run" >&2
  now=$(date +%s)
  next=$(date -d "tomorrow $DAILY_AT" +%s)
  today_at=$(date -d "today $DAILY_AT" +%s)
  [ "$today_at" -gt "$now" ] && next=$today_at
  sleep $((next - now))
done
