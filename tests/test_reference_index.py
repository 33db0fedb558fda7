"""Cases and inbound emails keep no rows in Wagtail's reference index (issue #10: weight without use)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from wagtail.models import ReferenceIndex

from cases.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

forget_references = importlib.import_module("cases.migrations.0010_forget_case_references").forget_references


def reference_rows(model) -> int:
    return ReferenceIndex.objects.filter(base_content_type=ContentType.objects.get_for_model(model)).count()


def test_saving_a_case_writes_no_reference_row():
    case = CaseFactory()
    case.save()
    assert reference_rows(Case) == 0


def test_the_migration_deletes_the_rows_written_before(authority):
    case = CaseFactory(authority=authority)
    content_type = ContentType.objects.get_for_model(Case)
    ReferenceIndex.objects.create(
        content_type=content_type,
        base_content_type=content_type,
        object_id=str(case.pk),
        to_content_type=ContentType.objects.get_for_model(authority),
        to_object_id=str(authority.pk),
        model_path="authority",
        content_path="authority",
        content_path_hash=ReferenceIndex._get_content_path_hash("authority"),
    )
    kept = reference_rows(type(authority))
    forget_references(apps, None)
    assert reference_rows(Case) == 0
    assert reference_rows(type(authority)) == kept, "other models' references stay"
