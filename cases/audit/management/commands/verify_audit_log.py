"""manage.py verify_audit_log: walk the audit log's hash chain; exit code 1 and the first broken row if it is broken."""

from django.core.management.base import BaseCommand, CommandError

from cases.audit.chain import verify


class Command(BaseCommand):
    help = "Vérifie la chaîne d'empreintes du journal d'audit et nomme la première entrée rompue."

    def handle(self, *args, **options) -> None:
        report = verify()
        if not report.ok:
            raise CommandError(
                f"Journal d'audit rompu à l'entrée n°{report.broken_seq} : {report.problem} "
                f"({report.checked} entrée(s) vérifiée(s) avant elle)."
            )
        self.stdout.write(
            f"Journal d'audit intègre : {report.checked} entrée(s) vérifiée(s). "
            f"Empreinte de tête : {report.head_hash} (à noter hors de la plateforme pour comparer plus tard)."
        )
