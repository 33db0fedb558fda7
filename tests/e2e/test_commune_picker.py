"""The communes of a city picked by name on its form, in a real browser (issue 16, item 1): suggestions from
the national address API (answered in the browser), tags that remove a commune, Enter never submitting."""

import pytest

from authorities.models import Authority, AuthorityCommune
from tests.e2e.browser import answer_like_the_address_api, pick_communes, sign_in_with_two_factor

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_platform_admin_picks_the_communes_of_a_city(page, axe, authority, platform_admin):
    Authority.objects.filter(pk=authority.pk).update(type=Authority.Type.CITY)
    AuthorityCommune.objects.create(authority=authority, insee_code="75056")
    asked = answer_like_the_address_api(page)
    sign_in_with_two_factor(page, platform_admin)
    pick_communes(page, authority)
    assert sorted(authority.communes.values_list("insee_code", flat=True)) == ["29019", "29177"]
    assert asked[0] == {"q": ["Bre"], "type": ["municipality"], "limit": ["10"], "autocomplete": ["1"]}
    page.goto(f"/admin/collectivites/edit/{authority.pk}/")
    page.get_by_role("button", name="Retirer 29019").wait_for()
    axe.assert_no_violations(page)
    assert page.console_errors == []
