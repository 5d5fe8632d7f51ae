"""RQ cron configuration: `rq cron core.rq_cron` runs the daily tick once a day, and sends
again every few minutes the jobs whose dispatch was lost (Redis went away right after the
request committed) or that RQ gave up retrying.

Run exactly one cron scheduler per deployment (the Helm chart does): both jobs are idempotent
anyway, so a second scheduler would only do nothing twice.
"""
from rq import cron

from core.config import load_settings
from core.jobs import requeue_stale_job
from core.tick import daily_tick_job

_queue = load_settings().queue_name
# 00:30 server time: after midnight in WIB, before office hours in WITA/WIT.
cron.register(daily_tick_job, queue_name=_queue, cron="30 0 * * *", name="kesos-daily-tick")
cron.register(requeue_stale_job, queue_name=_queue, cron="*/5 * * * *", name="kesos-kirim-ulang-pekerjaan")
