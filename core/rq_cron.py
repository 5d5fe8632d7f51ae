"""RQ cron configuration: `rq cron core.rq_cron` runs the daily tick once a day.

Run exactly one cron scheduler per deployment (the Helm chart does): the tick is idempotent
anyway, so a second scheduler would only do nothing twice.
"""
from rq import cron

from core.config import load_settings
from core.tick import daily_tick_job

# 00:30 server time: after midnight in WIB, before office hours in WITA/WIT.
cron.register(daily_tick_job, queue_name=load_settings().queue_name, cron="30 0 * * *", name="kesos-daily-tick")
