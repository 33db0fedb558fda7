from wagtail.models import Site

from pages.models import AuthorityPage, ContentPage, HomePage, RequestFormPage


def test_fresh_database_serves_a_home_page_with_platform_pages(db):
    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    slugs = set(ContentPage.objects.child_of(home).values_list("slug", flat=True))
    assert slugs == {
        "accessibilite",
        "mentions-legales",
        "conditions-generales-d-utilisation",
        "politique-de-confidentialite",
    }


def test_creating_an_authority_builds_its_section(authority):
    section = AuthorityPage.objects.get(authority=authority)
    assert section.slug == "demo"
    assert section.get_parent().specific_class is HomePage
    children = {page.slug: page.specific_class for page in section.get_children()}
    assert children == {"faire-une-demande": RequestFormPage, "aide": ContentPage, "donnees-personnelles": ContentPage}
    assert all(page.live for page in section.get_children())


def test_each_authority_gets_its_own_section(authority, other_authority):
    assert AuthorityPage.objects.count() == 2
    assert RequestFormPage.objects.count() == 2
