from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Personal data protection")

    def ready(self) -> None:
        from privacy.checks import check_pii_keys

        checks.register(check_pii_keys, checks.Tags.security, deploy=True)
