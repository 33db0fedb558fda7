from wagtail.models import PageLogEntry, Site

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


def test_built_pages_have_a_first_revision_and_a_creation_entry(authority):
    section = AuthorityPage.objects.get(authority=authority)
    for page in [section, *section.get_children()]:
        assert page.live_revision_id and page.live_revision_id == page.latest_revision_id, page.slug
        assert page.last_published_at is not None
        assert PageLogEntry.objects.filter(page=page, action="wagtail.create").count() == 1
        assert page.live_revision.as_object().title == page.title
