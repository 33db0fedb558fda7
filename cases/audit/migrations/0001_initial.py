"""The audit log's tables, its chain's row, and on PostgreSQL the triggers that keep it append-only.

An entry is never updated; it is deleted only by the retention clean-up, which sets
`mediature.audit_purge` for its own transaction (cases/audit/retention.py). The chain's row may move its
head forward, never back, and its anchor only during that clean-up. Nothing else can change either,
whichever account the application connects with (short of its owner disabling the trigger, which the
chain then shows: `manage.py verify_audit_log`).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TRIGGERS = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('mediature.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit ne se modifie pas (%% refusé).', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();

CREATE FUNCTION audit_chain_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'La chaîne du journal d''audit ne se supprime pas.' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.last_seq < OLD.last_seq
       OR ((NEW.anchor_seq, NEW.anchor_hash) IS DISTINCT FROM (OLD.anchor_seq, OLD.anchor_hash)
           AND current_setting('mediature.audit_purge', true) IS DISTINCT FROM 'on') THEN
        RAISE EXCEPTION 'La chaîne du journal d''audit ne revient pas en arrière.' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER audit_chain_forward_only BEFORE UPDATE OR DELETE ON audit_auditchain
    FOR EACH ROW EXECUTE FUNCTION audit_chain_forward_only();
"""
DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_auditentry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
DROP TRIGGER IF EXISTS audit_chain_forward_only ON audit_auditchain;
DROP FUNCTION IF EXISTS audit_chain_forward_only();
"""


def create_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGERS)


def drop_triggers(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGERS)


def create_chain(apps, schema_editor) -> None:
    apps.get_model("audit", "AuditChain").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("authorities", "0005_email_lookup_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditChain",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("last_seq", models.BigIntegerField(default=0)),
                (
                    "last_hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64
                    ),
                ),
                (
                    "previous_hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64
                    ),
                ),
                ("anchor_seq", models.BigIntegerField(default=0)),
                (
                    "anchor_hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000", max_length=64
                    ),
                ),
                ("anchored_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "chaîne du journal d'audit",
                "default_permissions": (),
            },
        ),
        migrations.CreateModel(
            name="AuditEntry",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "seq",
                    models.BigIntegerField(
                        help_text="Position in the chain, with no gap.", unique=True, verbose_name="n°"
                    ),
                ),
                ("created_at", models.DateTimeField(verbose_name="date (UTC)")),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("case_viewed", "Dossier consulté"),
                            ("document_downloaded", "Document téléchargé"),
                            ("synthesis_downloaded", "Synthèse PDF téléchargée"),
                            ("exported", "Export téléchargé"),
                            ("searched", "Recherche de dossiers"),
                            ("case_deleted", "Dossier supprimé"),
                            ("case_anonymised", "Dossier anonymisé"),
                            ("hold_placed", "Conservation légale décidée"),
                            ("hold_lifted", "Conservation légale levée"),
                            ("member_invited", "Invitation envoyée"),
                            ("member_added", "Membre ajouté"),
                            ("invitation_cancelled", "Invitation annulée"),
                            ("role_changed", "Rôle modifié"),
                            ("member_removed", "Membre retiré de l'équipe"),
                            ("two_factor_enabled", "Double authentification activée"),
                            ("two_factor_disabled", "Double authentification désactivée"),
                            ("recovery_codes_renewed", "Codes de secours renouvelés"),
                            ("log_purged", "Entrées anciennes du journal supprimées"),
                        ],
                        max_length=40,
                        verbose_name="action",
                    ),
                ),
                ("actor_label", models.CharField(blank=True, max_length=254, verbose_name="utilisateur")),
                (
                    "object_type",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "—"),
                            ("case", "Dossier"),
                            ("document", "Document"),
                            ("user", "Utilisateur"),
                            ("invitation", "Invitation"),
                            ("export", "Export"),
                        ],
                        max_length=20,
                        verbose_name="type d'objet",
                    ),
                ),
                ("object_id", models.CharField(blank=True, max_length=64, verbose_name="identifiant de l'objet")),
                ("object_label", models.CharField(blank=True, max_length=254, verbose_name="objet")),
                ("case_number", models.BigIntegerField(blank=True, null=True, verbose_name="dossier")),
                ("ip", models.CharField(blank=True, max_length=45, verbose_name="adresse IP")),
                ("detail", models.JSONField(blank=True, default=dict, verbose_name="détail")),
                ("previous_hash", models.CharField(max_length=64)),
                ("hash", models.CharField(max_length=64)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="utilisateur",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="authorities.authority",
                        verbose_name="collectivité",
                    ),
                ),
            ],
            options={
                "verbose_name": "entrée du journal d'audit",
                "verbose_name_plural": "journal d'audit",
                "ordering": ["-seq"],
                "default_permissions": (),
                "indexes": [
                    models.Index(fields=["authority", "-seq"], name="audit_by_authority"),
                    models.Index(fields=["created_at"], name="audit_by_date"),
                ],
            },
        ),
        migrations.RunPython(create_chain, migrations.RunPython.noop),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
