"""The job settings the fault handling relies on: read from the environment, and a value that
could not work stops start-up naming the variable."""
from __future__ import annotations

import pytest

from core.config import ConfigError, load_settings


def test_job_settings_come_from_the_environment_with_safe_defaults() -> None:
    default = load_settings(environ={})
    assert (default.job_timeout, default.job_retries, default.job_retry_intervals) == (600, 3, (30, 120, 600))
    assert (default.job_requeue_minutes, default.job_heartbeat_grace) == (10, 60)
    s = load_settings(environ={
        "KESOS_JOB_TIMEOUT": "120", "KESOS_JOB_RETRIES": "0", "KESOS_JOB_RETRY_INTERVALS": "0, 5",
        "KESOS_JOB_REQUEUE_MINUTES": "3", "KESOS_JOB_HEARTBEAT_GRACE": "2",
    })
    assert (s.job_timeout, s.job_retries, s.job_retry_intervals, s.job_requeue_minutes, s.job_heartbeat_grace) == (120, 0, (0, 5), 3, 2)


@pytest.mark.parametrize("name, value", [
    ("KESOS_JOB_RETRY_INTERVALS", "30,satu"), ("KESOS_JOB_RETRIES", "-1"), ("KESOS_JOB_TIMEOUT", "0"),
    ("KESOS_JOB_HEARTBEAT_GRACE", "0"),
])
def test_a_job_setting_that_cannot_work_stops_start_up(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings(environ={name: value})
