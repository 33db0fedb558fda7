"""A referral on the platform as deployed: the town's agent proposes a case to the département, whose agent
accepts it from the dashboard; every page designed, no console or CSP error, and the town then gets 404."""

from authorities.models import Role
from cases.models import Case
from tests.conftest import member_of
from tests.e2e.browser import accept_referral, propose_referral, sign_in_to_dashboard
from tests.factories import AuthorityFactory, CaseFactory
from tests.production.watch import ProblemWatch, assert_admin_page_styled


def test_a_case_is_referred_and_accepted(page, browser, production_server, authority, agent):
    departement = AuthorityFactory(name="Département du Finistère", slug="finistere")
    receiver = member_of(departement, Role.AGENT)
    case = CaseFactory(authority=authority)

    sign_in_to_dashboard(page, agent)
    propose_referral(page, case.number, departement.name, check=assert_admin_page_styled)

    context = browser.new_context(base_url=production_server.url, locale="fr-FR")
    other = context.new_page()
    other.set_default_timeout(15_000)
    other.watch = ProblemWatch()
    other.watch.listen(other)
    sign_in_to_dashboard(other, receiver)
    accept_referral(other, case.number, check=assert_admin_page_styled)
    context.close()
    assert not other.watch.problems, "\n".join(other.watch.problems)
    assert Case.objects.get(pk=case.pk).authority == departement

    page.goto("/admin/dossiers/transmissions/")
    assert_admin_page_styled(page)
    page.watch.expect_status(f"/admin/dossiers/{case.number}/", 404)
    assert page.goto(f"/admin/dossiers/{case.number}/").status == 404
