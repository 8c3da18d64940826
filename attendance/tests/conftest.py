import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connections

from accounts.testing import People


@pytest.fixture
def threads_db(people: People, tmp_path: Any) -> Iterator[People]:
    """The test database as a file that every thread's connection opens (SQLite only).

    The SQLite test database is in memory, which threads cannot share with WAL
    and a busy timeout; this copies it to a file for the test (as enrollment's
    race tests do).
    """
    wrapper = connections["default"]
    if wrapper.vendor != "sqlite" or not wrapper.is_in_memory_db():  # type: ignore[attr-defined]
        yield people
        return
    wrapper.ensure_connection()
    memory = wrapper.connection  # keeps the in-memory test database alive meanwhile
    path = str(tmp_path / "threads.sqlite3")
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    name = wrapper.settings_dict["NAME"]
    settings_dicts = {id(wrapper.settings_dict): wrapper.settings_dict}
    settings_dicts[id(connections.settings["default"])] = connections.settings["default"]
    for settings_dict in settings_dicts.values():
        settings_dict["NAME"] = path
    wrapper.connection = None
    try:
        yield people
    finally:
        wrapper.close()
        for settings_dict in settings_dicts.values():
            settings_dict["NAME"] = name
        wrapper.connection = memory
