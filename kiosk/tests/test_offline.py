"""The service worker's script: its headers, what it keeps, and when its cache is renewed."""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from kiosk import engine, offline

MANIFEST_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
    },
}


def worker_of(client: Client) -> tuple[dict[str, Any], str]:
    response = client.get(reverse("kiosk-sw"))
    assert response.status_code == 200
    first, _, rest = response.content.decode().partition("\n")
    prefix, suffix = "const KIOSK_OFFLINE = ", ";"
    assert first.startswith(prefix)
    assert first.endswith(suffix)
    return json.loads(first[len(prefix):-len(suffix)]), rest


@pytest.fixture
def hashed_statics(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A deployment's manifest (as collectstatic writes it), without the kiosk's progress.js."""
    names = [name for name in offline.PAGE_STATICS if name != "kiosk/progress.js"]
    paths = {name: name.replace(".", ".0123456789ab.", 1) for name in names}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    with override_settings(STORAGES=MANIFEST_STATIC, STATIC_ROOT=tmp_path):
        yield paths


def test_it_serves_the_worker_as_javascript_for_the_practice_scope(client: Client) -> None:
    response = client.get(reverse("kiosk-sw"))

    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == reverse("kiosk-list") == "/practice/"
    assert response["Cache-Control"] == "no-cache"
    assert offline.WORKER_SOURCE.read_text(encoding="utf-8") in response.content.decode()


def test_it_refuses_anything_but_get(client: Client) -> None:
    assert client.post(reverse("kiosk-sw")).status_code == 405


def test_it_keeps_every_scenario_page_the_list_and_the_progress_page(client: Client) -> None:
    kept, _ = worker_of(client)

    pages = set(kept["pages"])
    assert {"/practice/", "/practice/my/"} <= pages
    assert engine.scenarios()
    for slug in engine.scenarios():
        assert f"/practice/{slug}/" in pages
        assert f"/practice/{slug}/play/" in pages
    assert kept["scope"] == "/practice/"
    assert kept["anonymous_pages"] == ["/practice/my/"]


def test_it_keeps_the_hashed_static_urls_and_leaves_out_files_not_deployed(
    client: Client, hashed_statics: dict[str, str],
) -> None:
    kept, _ = worker_of(client)

    expected = {f"/static/{hashed}" for name, hashed in hashed_statics.items()
                if offline.finders.find(name)}
    assert "/static/css/base.0123456789ab.css" in expected
    assert set(kept["statics"]) == expected
    assert not any("progress" in url for url in kept["statics"])


def test_it_renews_the_cache_when_a_scenario_changes(
    client: Client, monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, _ = worker_of(client)
    changed = dict(engine.scenarios())
    slug = next(iter(changed))
    changed[slug] = changed[slug].model_copy(update={"version": "edited"})
    monkeypatch.setattr(engine, "scenarios", lambda: changed)

    after, _ = worker_of(client)

    assert after["version"] != before["version"]
    assert worker_of(client)[0]["version"] == after["version"]


def test_it_renews_the_cache_when_a_deployment_changes_a_static_file(
    client: Client, hashed_statics: dict[str, str], tmp_path: Path,
) -> None:
    before, _ = worker_of(client)
    paths = {**hashed_statics, "css/base.css": "css/base.fedcba987654.css"}
    (tmp_path / "staticfiles.json").write_text(json.dumps({"paths": paths, "version": "1.1"}))
    with override_settings(STORAGES=MANIFEST_STATIC, STATIC_ROOT=tmp_path):
        after, _ = worker_of(client)

    assert "/static/css/base.fedcba987654.css" in after["statics"]
    assert after["version"] != before["version"]
