# The case index's order within an authority, on PostgreSQL (SQLite takes no NULLS LAST in an index; its
# small embedded databases sort in memory).

from django.db import migrations, models

from cases.search.migration_operations import PostgreSQLOnly


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_retention_and_hold"),
    ]

    operations = [
        PostgreSQLOnly(
            migrations.AddIndex(
                model_name="case",
                index=models.Index(
                    models.F("authority"),
                    models.OrderBy(models.F("due_date"), nulls_last=True),
                    models.OrderBy(models.F("number"), descending=True),
                    name="case_authority_due_order",
                ),
            )
        ),
    ]
