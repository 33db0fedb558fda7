"""Read one RFC 822 email from standard input and store it for the inbound pipeline.

For a mail server pipe, e.g. Postfix master.cf:

    mediature unix - n n - - pipe
      flags=R user=mediature argv=/app/.venv/bin/python /app/manage.py receive_email
      --sender ${sender} --recipient ${original_recipient}

Exit status follows sysexits, as mail servers expect: 0 stored, 65 refused
(empty or over the size limit: the server bounces it to the sender), 75 temporary
failure (database unavailable: the server keeps the email and tries again).
"""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from cases.mail.inbound import InboundTooLarge, max_bytes, store_raw
from cases.models import InboundEmail

EX_DATAERR = 65
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Reçoit un email (RFC 822) sur l'entrée standard et le range dans son dossier."

    def add_arguments(self, parser):
        parser.add_argument("--sender", default="", help="Expéditeur de l'enveloppe (SMTP MAIL FROM).")
        parser.add_argument("--recipient", default="", help="Destinataire de l'enveloppe (SMTP RCPT TO).")

    def handle(self, *args, sender: str, recipient: str, **options):
        raw = sys.stdin.buffer.read(max_bytes() + 1)
        if not raw.strip():
            raise CommandError("Message vide.", returncode=EX_DATAERR)
        try:
            inbound = store_raw(raw, InboundEmail.Door.MTA, envelope_sender=sender, envelope_recipient=recipient)
        except InboundTooLarge as error:
            raise CommandError(f"Message refusé : trop volumineux ({error}).", returncode=EX_DATAERR) from None
        except DatabaseError as error:
            raise CommandError(f"Stockage impossible, réessayez plus tard : {error}", returncode=EX_TEMPFAIL) from None
        self.stdout.write(f"Email reçu et enregistré (n°{inbound.pk}).")
