from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import User
from centers.models import Center
from regions.models import Region

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_seeds_centres_and_prints_logins() -> None:
    output = run_demo("--scale", "small")
    assert Center.objects.count() >= 20
    assert not Center.objects.exclude(region__level=Region.Level.EUPMYEONDONG).exists()
    for username in ["admin", "national", "seoul", "gangnam", "manager", "instructor"]:
        assert username in output
        assert User.objects.get(username=username).check_password("baeumteo-demo-2026")


def test_it_gives_the_demo_manager_a_centre_in_gangnam() -> None:
    run_demo()
    manager = User.objects.get(username="manager")
    assert [c.region.sigungu.code for c in Center.objects.for_user(manager)] == ["1168000000"]


def test_it_is_idempotent_and_reproducible() -> None:
    run_demo("--seed", "7")
    first = sorted(Center.objects.values_list("name", "region__code"))
    run_demo("--seed", "7")
    assert sorted(Center.objects.values_list("name", "region__code")) == first
    assert User.objects.filter(username="manager").count() == 1
