from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import ApiToken, User
from accounts.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Print a new API token for a user, or revoke a user's tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="Lifetime in days.")
        parser.add_argument(
            "--revoke", action="store_true", help="Revoke every live token of the user instead.",
        )

    def handle(
        self, *args: Any, username: str, days: int | None, revoke: bool, **options: Any,
    ) -> None:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        if revoke:
            tokens = list(ApiToken.objects.usable().filter(user=user))
            for token in tokens:
                api_token_revoke(token=token)
            self.stdout.write(f"Revoked {len(tokens)} token(s) of {username}.")
            return
        lifetime = timedelta(days=days) if days else None
        token, raw = api_token_create(user=user, lifetime=lifetime)
        self.stderr.write(f"Token for {username}, expires {token.expires_at:%Y-%m-%d %H:%M %Z}:")
        self.stdout.write(raw)
