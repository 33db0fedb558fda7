"""The cases' own search (cases/search/) replaces Wagtail's search index for cases.

On PostgreSQL: the unaccent, pg_trgm and btree_gin extensions, a `french_unaccent`
text search configuration, a search row for every existing case, and the GIN
indexes. On SQLite the table is created empty and everything else is skipped.
Wagtail's index entries of cases (citizens' names, notes, messages) are deleted
on both: that index now holds pages, images and documents only.
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
import django.db.models.functions.text
from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension, UnaccentExtension
from django.db import migrations, models

from cases.search.migration_operations import PostgreSQLOnly

FRENCH_UNACCENT = """
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END $$;
"""
BACKFILL_CHUNK = 10_000


def forget_cases_in_wagtail_index(apps, schema_editor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    IndexEntry = apps.get_model("wagtailsearch", "IndexEntry")
    IndexEntry.objects.filter(content_type__in=ContentType.objects.filter(app_label="cases", model="case")).delete()


def index_existing_cases(apps, schema_editor) -> None:
    """Write the search row of every case, by chunks, with the statement the application uses after commit."""
    from cases.search.document import reindex_cases

    Case = apps.get_model("cases", "Case")
    last = 0
    while numbers := list(
        Case.objects.filter(number__gt=last).order_by("number").values_list("number", flat=True)[:BACKFILL_CHUNK]
    ):
        reindex_cases(numbers)
        last = numbers[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("authorities", "0003_authority_collection"),
        ("cases", "0005_timeline_of_notes_and_documents"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        BtreeGinExtension(),
        PostgreSQLOnly(migrations.RunSQL(FRENCH_UNACCENT, "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")),
        migrations.CreateModel(
            name="CaseSearch",
            fields=[
                (
                    "case",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="cases.case",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="authorities.authority",
                    ),
                ),
                ("document", django.contrib.postgres.search.SearchVectorField()),
                ("names", models.TextField(blank=True)),
            ],
        ),
        # The plain email index served no query: similar cases compare emails case-insensitively.
        migrations.RemoveIndex(model_name="citizen", name="cases_citiz_email_2e3324_idx"),
        migrations.AddIndex(
            model_name="citizen",
            index=models.Index(
                django.db.models.functions.text.Upper("last_name"),
                django.db.models.functions.text.Upper("first_name"),
                name="citizen_name_upper",
            ),
        ),
        migrations.AddIndex(
            model_name="citizen",
            index=models.Index(django.db.models.functions.text.Upper("email"), name="citizen_email_upper"),
        ),
        migrations.RunPython(forget_cases_in_wagtail_index, migrations.RunPython.noop),
        migrations.RunPython(index_existing_cases, migrations.RunPython.noop),
        PostgreSQLOnly(
            migrations.AddIndex(
                model_name="casesearch",
                index=django.contrib.postgres.indexes.GinIndex(
                    fields=["authority", "document"], name="case_search_document"
                ),
            )
        ),
        PostgreSQLOnly(
            migrations.AddIndex(
                model_name="casesearch",
                index=django.contrib.postgres.indexes.GinIndex(
                    models.F("authority"),
                    django.contrib.postgres.indexes.OpClass(models.F("names"), name="gin_trgm_ops"),
                    name="case_search_names_trigram",
                ),
            )
        ),
    ]
