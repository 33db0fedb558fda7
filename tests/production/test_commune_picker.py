"""A platform admin picks a city's communes by name, as deployed (collected static files, admin CSP)."""

from authorities.models import Authority, AuthorityCommune
from tests.e2e.browser import answer_like_the_address_api, pick_communes, sign_in_with_two_factor
from tests.production.watch import assert_admin_page_styled


def test_a_platform_admin_picks_the_communes_of_a_city(page, authority, platform_admin):
    Authority.objects.filter(pk=authority.pk).update(type=Authority.Type.CITY)
    AuthorityCommune.objects.create(authority=authority, insee_code="75056")
    answer_like_the_address_api(page)
    sign_in_with_two_factor(page, platform_admin)
    pick_communes(page, authority)
    assert_admin_page_styled(page)
    assert sorted(authority.communes.values_list("insee_code", flat=True)) == ["29019", "29177"]
