"""A job `kesos worker` runs in the tests (importable there as `tests.deploy.jobs`): it writes a
log line and one audit entry of its tenant — the effect a user would see."""
from __future__ import annotations

import logging

from core import audit
from core.jobs import JobContext

EFFECT = "uji.pekerja"
log = logging.getLogger(__name__)


def logged_effect(ctx: JobContext, label: str) -> None:
    log.info("pekerjaan uji %s berjalan", label)
    audit.record(ctx.session, EFFECT, "uji", label)
