"""GET /api/v1/kiosk/scenarios: the practice machines, public."""

import pytest
from django.test import Client

from kiosk import engine


@pytest.mark.django_db
def test_it_lists_every_scenario_without_a_token(client: Client) -> None:
    response = client.get("/api/v1/kiosk/scenarios")
    assert response.status_code == 200
    body = response.json()
    assert [s["slug"] for s in body] == list(engine.scenarios())
    cafe = next(s for s in body if s["slug"] == "cafe-order")
    scenario = engine.scenario_get("cafe-order")
    assert scenario is not None
    assert cafe == {
        "slug": "cafe-order", "title": scenario.title, "kind": scenario.kind,
        "machine": scenario.machine, "summary": scenario.summary, "level": scenario.level,
        "area": scenario.area, "items": list(scenario.items), "version": scenario.version,
    }
    assert "screens" not in cafe
