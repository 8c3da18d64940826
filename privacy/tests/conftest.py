from collections.abc import Iterator

import pytest
from django.test import override_settings


@pytest.fixture(autouse=True)
def _plain_http() -> Iterator[None]:
    """The test client speaks plain HTTP; production redirects it to HTTPS."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield
