"""The cron jobs of a deployment: the daily tick once a day, and every few minutes the jobs
whose dispatch was lost (Redis went away right after the request committed) or that RQ gave up
retrying, sent again.

`kesos scheduler` (core/scheduler.py) runs them under a leader lock in Redis, so exactly one
scheduler enqueues even when two overlap during a rolling update; the Helm chart runs it.
`rq cron core.rq_cron` still works (this module registers them with RQ's global registry on
import) but has no leader lock: run exactly one. Both jobs are idempotent anyway, so a second
scheduler would only do nothing twice.
"""
from __future__ import annotations

from typing import Any

from rq import cron

from core.config import Settings, load_settings
from core.jobs import requeue_stale_job
from core.tick import daily_tick_job

DAILY_TICK = "kesos-daily-tick"
REQUEUE = "kesos-kirim-ulang-pekerjaan"


def cron_jobs(settings: Settings) -> list[dict[str, Any]]:
    """The keyword arguments of `CronScheduler.register` for each job, on the settings' queue."""
    # RQ's default job timeout (180 s) is too short for a tick over many tenants.
    common = {"queue_name": settings.queue_name, "job_timeout": settings.job_timeout}
    return [
        # 00:30 server time (UTC in the image): 07:30 WIB, 08:30 WITA, 09:30 WIT — the same
        # calendar day in every Indonesian time zone, so the tick's "today" is theirs.
        dict(func=daily_tick_job, cron="30 0 * * *", name=DAILY_TICK, **common),
        dict(func=requeue_stale_job, cron="*/5 * * * *", name=REQUEUE, **common),
    ]


for _job in cron_jobs(load_settings()):
    cron.register(**_job)
