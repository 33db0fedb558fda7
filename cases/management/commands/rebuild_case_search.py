"""Rewrite the search row of every case (cases/search/), by ranges of case numbers.

Wagtail's `update_index` no longer covers cases: run this after restoring a dump without the
`cases_casesearch` table, after changing the search configuration or weights, or to check nothing
was missed. Each range is one statement committed on its own, so memory stays flat at a million
cases and the rebuild may be stopped and run again; the agents' search keeps working meanwhile.
"""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from cases.search.document import rebuild_search

DEFAULT_BATCH = 10_000


class Command(BaseCommand):
    help = "Reconstruit la recherche des dossiers, par tranches de numéros de dossier."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH,
            help=f"Nombre de numéros de dossier par tranche (défaut : {DEFAULT_BATCH}).",
        )

    def handle(self, *args, batch_size: int, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size doit être un entier positif.")
        if connection.vendor != "postgresql":
            self.stdout.write("SQLite : la recherche lit directement les dossiers, rien à reconstruire.")
            return
        ranges = rebuild_search(batch_size, self.report)
        self.stdout.write(self.style.SUCCESS(f"Recherche des dossiers reconstruite ({ranges} tranche(s))."))

    def report(self, done: int, last: int) -> None:
        self.stdout.write(f"Dossiers jusqu'au n°{done} sur {last} : recherche réécrite.")
