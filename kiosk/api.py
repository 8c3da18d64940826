"""The practice machines through the API.

    GET /api/v1/kiosk/scenarios    every scenario (public): slug, title, kind, machine, level, area
"""

from django.http import HttpRequest
from ninja import Router, Schema

from kiosk import engine

router = Router(tags=["kiosk"])


class ScenarioOut(Schema):
    slug: str
    title: str
    kind: str
    machine: str
    summary: str
    level: str
    area: str
    items: list[str]
    version: str


@router.get("/scenarios", response=list[ScenarioOut], auth=None)
def scenario_list(request: HttpRequest) -> list[dict[str, object]]:
    """The practice machines, in file-name order (public; no personal data)."""
    return [
        {
            "slug": s.slug, "title": s.title, "kind": s.kind, "machine": s.machine,
            "summary": s.summary, "level": s.level, "area": s.area, "items": list(s.items),
            "version": s.version,
        }
        for s in engine.scenarios().values()
    ]
