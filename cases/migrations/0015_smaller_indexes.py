# Case's authority and assignee lose their single-column indexes (composite indexes begin with them) and
# Message.message_id its LIKE index. On PostgreSQL only for the cases: SQLite would rebuild the whole table,
# and with it the PostgreSQL-only index of migration 0009, which it refuses; its small databases keep them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from cases.search.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0006_territory"),
        ("cases", "0014_citizen_space"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        PostgreSQLOnly(
            migrations.AlterField(
                model_name="case",
                name="assignee",
                field=models.ForeignKey(
                    blank=True,
                    db_index=False,
                    null=True,
                    on_delete=django.db.models.deletion.SET_NULL,
                    related_name="assigned_cases",
                    to=settings.AUTH_USER_MODEL,
                    verbose_name="médiateur assigné",
                ),
            )
        ),
        PostgreSQLOnly(
            migrations.AlterField(
                model_name="case",
                name="authority",
                field=models.ForeignKey(
                    db_index=False,
                    on_delete=django.db.models.deletion.CASCADE,
                    related_name="cases",
                    to="authorities.authority",
                    verbose_name="collectivité",
                ),
            )
        ),
        migrations.AlterField(
            model_name="message",
            name="message_id",
            field=models.CharField(max_length=998),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["message_id"], name="message_id"),
        ),
    ]
