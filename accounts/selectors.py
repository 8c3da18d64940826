from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from accounts.models import User
from privacy.fields import blind_index


def user_find_by_phone(phone: str) -> QuerySet[User]:
    """Users with this phone number, in any spelling ("010-1234-5678" = "01012345678").

    Found through the blind index, since the phone itself is stored encrypted.
    Text that is not a phone number finds nobody.
    """
    try:
        index = blind_index(phone, purpose="phone")
    except ValidationError:
        index = ""
    if not index:
        return User.objects.none()
    return User.objects.filter(phone_index=index)
