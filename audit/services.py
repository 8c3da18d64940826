from typing import Any

from django.db import models

from audit.models import AuditEntry


def audit_record(
    *, actor: Any, action: str, target: models.Model, data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record a state change. Call inside the service's transaction, after the change."""
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if is_user else None,
        actor_label=actor.get_username() if is_user else "system",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        data=data or {},
    )
