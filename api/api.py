"""The REST API at /api/v1/, described by OpenAPI at /api/v1/openapi.json.

Every list endpoint is paginated the same way: `limit` and `offset` in the
query, `{"items": [...], "count": N}` in the answer.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

from accounts.scoping import is_national, role_grants
from api.auth import BearerToken
from assessment.api import router as assessment_router
from centers.api import router as centers_router
from classes.api import router as classes_router
from enrollment.api import install_exception_handlers
from enrollment.api import router as enrollment_router
from kiosk.api import router as kiosk_router
from regions.api import router as regions_router
from stats.api import router as stats_router
from surveys.api import router as surveys_router

api = NinjaAPI(
    title="Baeumteo API",
    version="1",
    description="디지털 배움터 API: regions, centres, classes, enrollment and statistics.",
    urls_namespace="api-v1",
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = sorted({str(error["loc"][-1]) for error in exc.errors if error.get("loc")})
    message = _("Some values in the request are not valid: %(fields)s") % {
        "fields": ", ".join(fields)
    }
    return api.create_response(
        request, {"message": message, "detail": exc.errors}, status=422
    )


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    message = _("A valid API token is needed: send 'Authorization: Bearer <token>'.")
    return api.create_response(request, {"message": message}, status=401)


class RoleOut(Schema):
    role: str
    region_code: str | None
    center_id: int | None


class MeOut(Schema):
    username: str
    national: bool
    roles: list[RoleOut]


@api.get("/me", response=MeOut, auth=BearerToken(), tags=["accounts"])
def me(request: HttpRequest) -> dict[str, object]:
    """The caller's account and roles."""
    return {
        "username": request.user.get_username(),
        "national": is_national(request.user),
        "roles": [
            {
                "role": grant.role,
                "region_code": grant.region.code if grant.region else None,
                "center_id": grant.center_id,
            }
            for grant in role_grants(request.user)
        ],
    }


api.add_router("/regions", regions_router)
api.add_router("/centers", centers_router)
api.add_router("/classes", classes_router)
api.add_router("/stats", stats_router)
api.add_router("/kiosk", kiosk_router)
api.add_router("/", assessment_router)
api.add_router("/", enrollment_router)
api.add_router("/", surveys_router)
install_exception_handlers(api)
