"""Deployment checks for personal-data keys: `manage.py check --deploy` fails without them."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning
from django.core.exceptions import ImproperlyConfigured

from privacy import crypto

# PIPA's safety standard keeps access records of systems that hold sensitive
# information (disability status) for at least two years.
MIN_ACCESS_LOG_RETENTION = timedelta(days=730)


def check_pii_keys(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    try:
        if crypto.uses_dev_key():
            errors.append(Error(
                "Personal data is encrypted with the public development key.",
                hint="Set PII_ENCRYPTION_KEYS to a key from `manage.py pii_generate_key`.",
                id="privacy.E001",
            ))
    except ImproperlyConfigured as exc:
        errors.append(Error(
            f"PII_ENCRYPTION_KEYS is malformed: {exc}",
            hint="Each entry is 'id:base64key' with a 32-byte key, newest first.",
            id="privacy.E001",
        ))
    try:
        if crypto.uses_dev_blind_index_key():
            errors.append(Error(
                "Blind indexes use the public development key.",
                hint="Set PII_BLIND_INDEX_KEY from `manage.py pii_generate_key --blind-index`.",
                id="privacy.E002",
            ))
    except ImproperlyConfigured as exc:
        errors.append(Error(
            f"PII_BLIND_INDEX_KEY is malformed: {exc}",
            hint=f"Use base64 of at least {crypto.BLIND_INDEX_MIN_BYTES} random bytes.",
            id="privacy.E002",
        ))
    retention = getattr(settings, "ACCESS_LOG_RETENTION", MIN_ACCESS_LOG_RETENTION)
    if retention < MIN_ACCESS_LOG_RETENTION:
        errors.append(Warning(
            "ACCESS_LOG_RETENTION is shorter than the two years PIPA requires "
            "for systems holding sensitive information.",
            id="privacy.W001",
        ))
    return errors
