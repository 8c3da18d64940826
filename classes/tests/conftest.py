from datetime import date

import pytest

# The class tests plan sessions around the 2026 holidays (추석 2026-09-24..26 …);
# the services refuse a first session in the past, so their "today" is pinned
# before those dates.
TODAY = date(2026, 1, 2)


@pytest.fixture(autouse=True)
def _classes_today(monkeypatch: pytest.MonkeyPatch) -> date:
    monkeypatch.setattr("classes.services.today", lambda: TODAY)
    return TODAY
