# The date of the first answer to the citizen, for the statistics' delays (cases/insight/), filled in for the
# cases already answered from their first « case_message_to_citizen » email.

from django.db import migrations, models
from django.db.models import Min, OuterRef, Subquery


def fill_first_answers(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    MessageCase = apps.get_model("cases", "MessageCase")
    first = (
        MessageCase.objects.filter(case=OuterRef("pk"), message__template="case_message_to_citizen")
        .order_by()
        .values("case")
        .annotate(first=Min("message__created_at"))
        .values("first")
    )
    Case.objects.filter(message_links__message__template="case_message_to_citizen").update(
        first_answer_at=Subquery(first)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0012_inbound_fidelity"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="first_answer_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="première réponse au requérant le"),
        ),
        migrations.RunPython(fill_first_answers, migrations.RunPython.noop, elidable=True),
    ]
