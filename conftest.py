import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections
from django.test.utils import override_settings

from accounts.testing import People, make_people

PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(autouse=True, scope="session")
def _test_transport():
    """Tests render templates without collectstatic, over the test client's plain http."""
    with override_settings(
        STORAGES=PLAIN_STATIC,
        SECURE_SSL_REDIRECT=False,
        # Hashing a password the production way takes ~0.5 s; tests create many users.
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters (codes per address, wrong tries) start at zero in each test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def people(db: None) -> People:
    return make_people()


@pytest.fixture
def threads_db(people: People, tmp_path: Any) -> Iterator[People]:
    """The test database as a file that every thread's connection opens (SQLite only).

    The SQLite test database is in memory, which threads cannot share with WAL
    and a busy timeout; for a test with real threads (races) this copies it,
    with `people`, to a file for the test's duration. On PostgreSQL it is `people`.
    """
    wrapper = connections["default"]
    if wrapper.vendor != "sqlite" or not wrapper.is_in_memory_db():  # type: ignore[attr-defined]
        yield people
        return
    wrapper.ensure_connection()
    memory = wrapper.connection  # keeps the in-memory test database alive meanwhile
    path = str(tmp_path / "threads.sqlite3")
    copy = sqlite3.connect(path)
    memory.backup(copy)  # the schema, the migrations' data and `people`
    copy.close()
    name = wrapper.settings_dict["NAME"]
    settings_dicts = {id(wrapper.settings_dict): wrapper.settings_dict}
    settings_dicts[id(connections.settings["default"])] = connections.settings["default"]
    for settings_dict in settings_dicts.values():
        settings_dict["NAME"] = path
    wrapper.connection = None  # reconnects to the file; `memory` stays open
    try:
        yield people
    finally:
        wrapper.close()
        for settings_dict in settings_dicts.values():
            settings_dict["NAME"] = name
        wrapper.connection = memory
