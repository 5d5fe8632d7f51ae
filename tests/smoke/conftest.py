from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.pg import require_pg
from tests.rq_helpers import REDIS_URL, require_redis
from tests.smoke.deployment import Deployment, production_deployment


@pytest.fixture
def deployment() -> Iterator[Deployment]:
    # Skipped locally without the services; under CI=true these fail instead (principle 6).
    require_pg()
    require_redis()
    with production_deployment(REDIS_URL) as d:
        yield d
