import base64
from datetime import timedelta

from django.core.checks import run_checks
from django.test import override_settings

from privacy.tests.keys import BLIND, NEW, OLD


def privacy_ids(include_deployment_checks: bool = True) -> set[str]:
    messages = run_checks(include_deployment_checks=include_deployment_checks)
    ids = {str(message.id) for message in messages}
    return {id_ for id_ in ids if id_.startswith("privacy.")}


def test_it_flags_development_keys_on_deploy() -> None:
    with override_settings(PII_ENCRYPTION_KEYS="", PII_BLIND_INDEX_KEY=""):
        assert privacy_ids() == {"privacy.E001", "privacy.E002"}


def test_it_passes_configured_keys() -> None:
    with override_settings(PII_ENCRYPTION_KEYS=f"{NEW},{OLD}", PII_BLIND_INDEX_KEY=BLIND):
        assert privacy_ids() == set()


def test_it_flags_a_malformed_encryption_key() -> None:
    with override_settings(PII_ENCRYPTION_KEYS="k1:tooshort", PII_BLIND_INDEX_KEY=BLIND):
        assert privacy_ids() == {"privacy.E001"}


def test_it_flags_the_development_key_listed_for_decryption_only() -> None:
    from privacy.crypto import INSECURE_DEV_ENCRYPTION_KEY

    keys = f"{NEW},dev:{INSECURE_DEV_ENCRYPTION_KEY}"
    with override_settings(PII_ENCRYPTION_KEYS=keys, PII_BLIND_INDEX_KEY=BLIND):
        assert privacy_ids() == {"privacy.E001"}


def test_it_flags_a_short_blind_index_key() -> None:
    short = base64.b64encode(b"sixteen byte key").decode()
    with override_settings(PII_ENCRYPTION_KEYS=NEW, PII_BLIND_INDEX_KEY=short):
        assert privacy_ids() == {"privacy.E002"}


def test_it_warns_about_a_retention_shorter_than_the_law_requires() -> None:
    with override_settings(
        PII_ENCRYPTION_KEYS=NEW, PII_BLIND_INDEX_KEY=BLIND,
        ACCESS_LOG_RETENTION=timedelta(days=365),
    ):
        assert privacy_ids() == {"privacy.W001"}


def test_it_leaves_development_keys_alone_outside_deploy_checks() -> None:
    with override_settings(PII_ENCRYPTION_KEYS="", PII_BLIND_INDEX_KEY=""):
        assert privacy_ids(include_deployment_checks=False) == set()
