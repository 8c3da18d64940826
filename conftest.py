import pytest
from django.test.utils import override_settings

from accounts.testing import People, make_people

PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@pytest.fixture(autouse=True, scope="session")
def _plain_static_storage():
    """Tests render templates without running collectstatic first."""
    with override_settings(STORAGES=PLAIN_STATIC):
        yield


@pytest.fixture
def people(db: None) -> People:
    return make_people()
