# Cases and inbound emails are left out of Wagtail's reference index (`wagtail_reference_index_ignore`):
# nothing is found through their references. The rows written for them before that choice are only
# weight (about three per case), and Wagtail never removes them: delete them.

from django.db import migrations

IGNORED_MODELS = ("case", "inboundemail")


def forget_references(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    ignored = ContentType.objects.filter(app_label="cases", model__in=IGNORED_MODELS)
    ReferenceIndex.objects.filter(base_content_type__in=ignored).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0009_case_index_order"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0078_referenceindex"),
    ]

    operations = [migrations.RunPython(forget_references, migrations.RunPython.noop, elidable=True)]
