"""The audit log's chain (issue #14, item 6): append-only, tamper-evident, never forked, kept 12 months.

`verify_audit_log` must name exactly the row changed in SQL behind the application's back; writers in
parallel transactions must leave one unbroken chain; the retention clean-up must leave a chain that
still verifies, from its anchor.
"""

import datetime
import threading

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import RequestFactory
from django.utils import timezone

from cases import audit
from cases.audit.chain import digest, entry_values, payload, verify
from cases.audit.models import GENESIS_HASH, Action, AuditChain, AuditEntry
from cases.audit.retention import purge_expired
from cases.audit.service import authority_targets
from tests.factories import CaseFactory

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigger and locks")


def write(count: int, case=None, user=None) -> list[AuditEntry]:
    for _ in range(count):
        audit.record(user, Action.CASE_VIEWED, obj=case)
    return list(AuditEntry.objects.order_by("seq"))


def verify_output() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def tamper(sql: str, params=()) -> None:
    """What someone with the database's owner account could do: switch the trigger off and write."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only")


def test_rows_are_chained_from_the_genesis_hash_and_verify(authority, agent):
    case = CaseFactory(authority=authority)
    rows = write(3, case, agent)
    assert [row.seq for row in rows] == [1, 2, 3]
    assert rows[0].previous_hash == GENESIS_HASH
    assert [row.previous_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    for row in rows:
        assert row.hash == digest(row.previous_hash, row.seq, payload(entry_values(row)))
    chain = AuditChain.objects.get()
    assert (chain.last_seq, chain.last_hash) == (3, rows[-1].hash)
    assert "3 entrée(s) vérifiée(s)" in verify_output()
    assert rows[-1].hash in verify_output()


def test_one_row_and_many_rows_write_the_same_chain(authority, other_authority, agent):
    """The single-statement path (SQL's sha256 on PostgreSQL) and the Python one agree: one walk checks both."""
    audit.record(agent, Action.CASE_VIEWED, obj=CaseFactory(authority=authority))
    assert audit.record_many(agent, Action.SEARCHED, authority_targets([authority.pk, other_authority.pk])) == 2
    audit.record(agent, Action.SEARCHED, authority=authority)
    assert audit.record_many(agent, Action.SEARCHED, []) == 0
    assert verify().ok
    assert list(AuditEntry.objects.order_by("seq").values_list("authority_id", flat=True)) == [
        authority.pk,
        authority.pk,
        other_authority.pk,
        authority.pk,
    ]


def test_a_row_altered_in_sql_is_named_by_verify(authority, agent):
    write(5, CaseFactory(authority=authority), agent)
    altered = AuditEntry.objects.get(seq=3)
    tamper("UPDATE audit_auditentry SET actor_label = %s WHERE id = %s", ["quelquun@exemple.fr", altered.pk])
    report = verify()
    assert (report.broken_seq, report.checked) == (3, 2)
    assert "contenu" in report.problem
    with pytest.raises(CommandError, match=r"rompu à l'entrée n°3 :"):
        call_command("verify_audit_log")


@pytest.mark.parametrize("column", ["created_at", "action", "ip", "case_number", "detail", "object_label"])
def test_any_stored_field_is_covered_by_the_hash(authority, agent, column):
    write(3, CaseFactory(authority=authority), agent)
    values = {
        "created_at": timezone.now() - datetime.timedelta(days=1),
        "action": Action.CASE_DELETED,
        "ip": "10.0.0.9",
        "case_number": 999,
        "detail": '{"role": "agent"}',
        "object_label": "Dossier n°999",
    }
    tamper(f"UPDATE audit_auditentry SET {column} = %s WHERE seq = 2", [values[column]])  # noqa: S608
    assert verify().broken_seq == 2


def test_a_row_rewritten_with_a_new_hash_breaks_the_link_to_the_next(authority, agent):
    rows = write(4, CaseFactory(authority=authority), agent)
    forged = {**entry_values(rows[1]), "actor_label": "autre@exemple.fr"}
    new_hash = digest(rows[1].previous_hash, 2, payload(forged))
    tamper("UPDATE audit_auditentry SET actor_label = %s, hash = %s WHERE seq = 2", ["autre@exemple.fr", new_hash])
    report = verify()
    assert report.broken_seq == 3
    assert "réécrite ou retirée" in report.problem


def test_removed_rows_are_seen_in_the_middle_and_at_the_end(authority, agent):
    write(5, CaseFactory(authority=authority), agent)
    tamper("DELETE FROM audit_auditentry WHERE seq = 5")
    report = verify()
    assert (report.broken_seq, report.checked) == (5, 4)
    assert "s'arrête à l'entrée n°4" in report.problem
    tamper("DELETE FROM audit_auditentry WHERE seq = 2")
    report = verify()
    assert report.broken_seq == 3
    assert "n°2 manquante" in report.problem


@postgresql_only
@pytest.mark.parametrize(
    "sql",
    ["UPDATE audit_auditentry SET ip = '1.2.3.4'", "DELETE FROM audit_auditentry", "DELETE FROM audit_auditchain"],
)
def test_postgresql_refuses_updates_and_deletes(authority, agent, sql):
    write(2, CaseFactory(authority=authority), agent)
    with pytest.raises(DatabaseError, match="journal d'audit"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEntry.objects.count() == 2


@postgresql_only
def test_postgresql_refuses_moving_the_anchor_or_the_head_back(authority, agent):
    write(2, CaseFactory(authority=authority), agent)
    for sql in ("UPDATE audit_auditchain SET anchor_seq = 2", "UPDATE audit_auditchain SET last_seq = 0"):
        with pytest.raises(DatabaseError, match="revient pas"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)


def test_the_application_cannot_edit_or_delete_a_row(authority, agent):
    row = write(1, CaseFactory(authority=authority), agent)[0]
    row.ip = "1.2.3.4"
    with pytest.raises(TypeError):
        row.save()
    with pytest.raises(TypeError):
        row.delete()
    with pytest.raises(TypeError):
        AuditEntry.objects.filter(pk=row.pk).update(ip="1.2.3.4")
    with pytest.raises(TypeError):
        AuditEntry.objects.all().delete()
    assert not Permission.objects.filter(content_type__app_label="audit").exists()
    assert verify().ok


def test_the_client_ip_comes_from_the_request_or_the_request_being_served(rf, authority, agent, settings):
    case = CaseFactory(authority=authority)
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = agent
    audit.record(request, Action.CASE_VIEWED, obj=case)
    from cases.audit.middleware import AuditContextMiddleware

    AuditContextMiddleware(lambda request: audit.record(agent, Action.HOLD_PLACED, obj=case))(
        RequestFactory().get("/", REMOTE_ADDR="2001:DB8::1")
    )
    audit.record(agent, Action.HOLD_LIFTED, obj=case)  # outside any request: no IP
    assert list(AuditEntry.objects.order_by("seq").values_list("ip", flat=True)) == ["203.0.113.7", "2001:db8::1", ""]


def test_a_target_names_no_citizen(authority, agent):
    from tests.workspace_factories import AttachmentFactory

    case = CaseFactory(authority=authority)
    document = AttachmentFactory(case=case, name="certificat-medical-dupont.pdf")
    audit.record(agent, Action.DOCUMENT_DOWNLOADED, obj=document, case=case)
    row = AuditEntry.objects.get()
    assert (row.object_type, row.object_id, row.case_number, row.authority_id) == (
        "document",
        str(document.pk),
        case.number,
        authority.pk,
    )
    assert row.object_label == f"Document n°{document.pk} du dossier n°{case.number}"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(authority, agent):
    """Eight threads, each in its own connection and transactions, write 15 rows each at the same time."""
    case = CaseFactory(authority=authority)
    start = threading.Barrier(8)
    errors = []

    def writer(index: int) -> None:
        try:
            start.wait()
            for n in range(15):
                if n % 5 == 4:
                    audit.record_many(agent, Action.SEARCHED, authority_targets([authority.pk, authority.pk]))
                else:
                    with transaction.atomic():
                        audit.record(agent, Action.CASE_VIEWED, obj=case)
        except Exception as error:  # reported by the main thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 8 * 18 + 1))
    assert verify().ok


def test_retention_removes_old_rows_and_the_chain_still_verifies(authority, agent, settings, caplog):
    settings.AUDIT_RETENTION_MONTHS = 12
    caplog.set_level("INFO")
    case = CaseFactory(authority=authority)
    now = timezone.now()
    old, recent = now - datetime.timedelta(days=400), now - datetime.timedelta(days=300)
    for moment in (old, old, old, old, old, recent, recent):
        row = {
            **entry_values(AuditEntry(action=Action.CASE_VIEWED, actor_id=agent.pk, actor_label=agent.email)),
            "created_at": moment,
            "authority_id": authority.pk,
            "case_number": case.number,
        }
        audit.service.append([row])
    assert purge_expired(now, batch_size=2) == 5
    remaining = list(AuditEntry.objects.order_by("seq"))
    assert [row.seq for row in remaining] == [6, 7, 8]
    assert remaining[-1].action == Action.LOG_PURGED
    assert remaining[-1].detail == {"removed": 5, "months": 12}
    chain = AuditChain.objects.get()
    assert chain.anchor_seq == 5
    assert remaining[0].previous_hash == chain.anchor_hash
    assert verify().ok
    assert "5 entrée(s) de plus de 12 mois supprimée(s)" in caplog.text
    assert purge_expired(now) == 0  # nothing more, and no new row about nothing
    assert AuditEntry.objects.count() == 3
    assert purge_expired(now + datetime.timedelta(days=400)) == 3  # everything old: the chain is only its anchor
    assert [row.action for row in AuditEntry.objects.all()] == [Action.LOG_PURGED]
    assert verify().ok


def test_an_empty_database_starts_its_chain(authority, agent):
    """Transactional tests flush every table: the chain's row comes back with the first entry."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditchain DISABLE TRIGGER audit_chain_forward_only")
        cursor.execute("DELETE FROM audit_auditchain")
    write(2, CaseFactory(authority=authority), agent)
    assert verify().ok
