import pytest
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
