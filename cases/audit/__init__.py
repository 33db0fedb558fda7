"""The audit log: an append-only, hash-chained table of security-relevant events, for a DPO to trust.

Writing a row (for any service or view; the events listed in `models.Action`)::

    from cases import audit

    audit.record(request, audit.Action.CASE_VIEWED, obj=case)          # user and client IP from the request
    audit.record(user, audit.Action.HOLD_PLACED, obj=case)             # IP of the request being served
    audit.record(None, audit.Action.CASE_ANONYMISED, obj=case)         # a job: no user, no IP
    audit.record(request, audit.Action.EXPORTED, obj=None, case=case, detail={"kind": "subject_request"})
    audit.record_many(None, audit.Action.CASE_ANONYMISED, cases)        # one row per object, 3 statements

`obj` is a Case, an Attachment (with `case=` for a message's file), a User, a Membership, an Invitation or
None; the authority defaults to the object's (`authority=` overrides it). The log keeps ids and labels
that never name a citizen: a case is « Dossier n°N », a document « Document n°P », never its file name;
`detail` holds a role, a count, a kind, never a searched text. Inside a transaction, call it last, once
the action has succeeded: the row commits with the action and the chain's head stays locked until then.

- `models`: the entries and the chain's head and anchor; `Action`, the events and their French labels;
- `service`: `record` / `record_many` (the chain's lock, one statement per row on PostgreSQL);
- `chain`: what a row's hash covers and `verify` (`manage.py verify_audit_log` names the first broken row);
- `middleware`: the client IP of the request being served, for services given a user;
- `retention`: rows older than `AUDIT_RETENTION_MONTHS` (12) removed, the chain restarting from an anchor;
  `tasks`: its nightly job;

Where each event is recorded: the case page, document and synthesis downloads (cases/views/), the case
index's search (cases/workspace/index.py, never its term), case deletion (cases/workflow.py), anonymisation
and legal hold (cases/privacy/), invitations, team changes and platform admins (authorities/invitations.py,
authorities/team.py, authorities/views/team.py), two-factor sign-in (authorities/views/two_factor.py), each
step of a referral (cases/referral/service.py; an accepted one in both authorities' logs: the case's access
moves between them).

- `views` (and `wagtail_hooks`, `templates/audit/`): « Journal d'audit » in the admin, an authority's log for
  its main agents, all of it for platform admins, filtered and paged; no view edits or deletes a row.

It is a Django app of its own (label `audit`): its table, migrations (with the PostgreSQL trigger that
refuses UPDATE and DELETE) and command live here, apart from the cases app's migrations.
"""

PUBLIC = {
    "Action": "cases.audit.models",
    "record": "cases.audit.service",
    "record_many": "cases.audit.service",
    "authority_targets": "cases.audit.service",
    "describe": "cases.audit.service",
    "user_targets": "cases.audit.service",
}


def __getattr__(name: str):
    """`cases.audit.record` and friends, imported on first use (this package is loaded before the models are)."""
    if name in PUBLIC:
        import importlib

        return getattr(importlib.import_module(PUBLIC[name]), name)
    raise AttributeError(name)
