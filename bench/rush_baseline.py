"""The baseline of bench/rush.py: the least an application can cost.

A bare Django view served by the same gunicorn and middleware as the real
endpoint: it reads the JSON body, then in one transaction takes a seat with one
conditional UPDATE (`seats_taken < capacity`, the same hot class row the real
service locks) and writes one row with one INSERT (an IdempotencyRecord, a
table without foreign keys). No authentication, validation, learner, consent,
audit or notification. The rush measures the real endpoint against this.
"""

import json

from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from enrollment.models import IdempotencyRecord


@csrf_exempt
@require_POST
def baseline_apply(request: HttpRequest, class_id: int) -> HttpResponse:
    body = json.loads(request.body)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE classes_courseclass SET seats_taken = seats_taken + 1"
            " WHERE id = %s AND seats_taken < capacity",
            [class_id],
        )
        status = "confirmed" if cursor.rowcount == 1 else "waitlisted"
        record = IdempotencyRecord.objects.create(
            owner="baseline", key=request.headers.get("Idempotency-Key", ""),
            fingerprint=str(body.get("phone", ""))[:64], status_code=201,
            body={"status": status, "class_id": class_id}, created_at=timezone.now(),
        )
    return JsonResponse(
        {"id": record.pk, "status": status, "waitlist_position": None, "class_id": class_id},
        status=201,
    )


urlpatterns = [
    path("bench/baseline/classes/<int:class_id>/applications", baseline_apply),
    path("", include("baeumteo.urls")),
]
