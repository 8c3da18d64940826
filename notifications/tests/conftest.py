from collections.abc import Iterator

import pytest
from django.test.utils import override_settings

from notifications.fake_nhn import FakeNhn
from notifications.senders import NhnSender


@pytest.fixture
def fake_nhn() -> Iterator[FakeNhn]:
    fake = FakeNhn().start()
    yield fake
    fake.stop()


@pytest.fixture
def nhn(fake_nhn: FakeNhn) -> Iterator[NhnSender]:
    """The real client, pointed at the fake server, with a short timeout."""
    with override_settings(
        SMS_BACKEND="nhn", NHN_SMS_BASE_URL=fake_nhn.url, NHN_SMS_APP_KEY=fake_nhn.app_key,
        NHN_SMS_SECRET_KEY=fake_nhn.secret_key, SMS_SENDER_NUMBER="1800-0000",
        NHN_SMS_TIMEOUT=0.5,
    ):
        from notifications.senders import sender_get

        sender = sender_get()
        assert isinstance(sender, NhnSender)
        yield sender
