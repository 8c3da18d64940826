from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction

from privacy import crypto
from privacy.fields import EncryptedTextField


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted columns, each column under the model that declares it."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        fields = [
            field for field in model._meta.local_concrete_fields
            if isinstance(field, EncryptedTextField)
        ]
        if fields:
            found.append((model, fields))
    return found


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value with the first key of PII_ENCRYPTION_KEYS. "
        "Safe to run again: values already under that key are left alone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would change, change nothing.",
        )

    def handle(self, *args: Any, batch_size: int, dry_run: bool, **options: Any) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        primary = crypto.primary_key_id()
        self.stdout.write(f"Primary key: {primary}")
        for model, fields in encrypted_models():
            rotated, current = self.rotate_model(
                model, fields, primary=primary, batch_size=batch_size, dry_run=dry_run,
            )
            verb = "to re-encrypt" if dry_run else "re-encrypted"
            self.stdout.write(
                f"{model._meta.label_lower}: {rotated} rows {verb}, {current} already current"
            )

    def rotate_model(
        self, model: type[models.Model], fields: list[EncryptedTextField], *,
        primary: str, batch_size: int, dry_run: bool,
    ) -> tuple[int, int]:
        # Read the stored ciphertext, not the plaintext: a plain TextField output
        # skips EncryptedTextField.from_db_value.
        raw = {
            f"raw_{field.attname}": models.ExpressionWrapper(
                models.F(field.attname), output_field=models.TextField(),
            )
            for field in fields
        }
        rotated = current = 0
        last_pk: Any = None
        while True:
            # One transaction per batch, rows locked (PostgreSQL) or the database
            # write-locked (SQLite, IMMEDIATE): a concurrent save of the same row
            # waits rather than being overwritten with its old value.
            with transaction.atomic():
                batch = model._base_manager.order_by("pk").annotate(**raw)
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                rows = list(
                    batch.select_for_update().values_list("pk", *raw.keys())[:batch_size]
                )
                if not rows:
                    return rotated, current
                last_pk = rows[-1][0]
                for pk, *ciphertexts in rows:
                    updates = self.plaintexts_to_rewrite(
                        model, pk, fields, ciphertexts, primary=primary,
                    )
                    if not updates:
                        current += 1
                        continue
                    rotated += 1
                    if not dry_run:
                        # update() encrypts each value with the primary key.
                        model._base_manager.filter(pk=pk).update(**updates)

    def plaintexts_to_rewrite(
        self, model: type[models.Model], pk: Any, fields: list[EncryptedTextField],
        ciphertexts: list[str | None], *, primary: str,
    ) -> dict[str, str]:
        updates = {}
        for field, ciphertext in zip(fields, ciphertexts, strict=True):
            if not ciphertext:
                continue
            try:
                if crypto.key_id_of(ciphertext) != primary:
                    updates[field.attname] = crypto.decrypt(ciphertext, context=field.context)
            except crypto.DecryptionError as exc:
                raise CommandError(
                    f"{model._meta.label_lower} {pk}: {exc} Earlier batches are done; "
                    "fix PII_ENCRYPTION_KEYS and run again."
                ) from exc
        return updates
