"""Agents told when a citizen answers (issue 11, item 5), an app of its own (label `notify`).

- models: each agent's setting (immediately / in the morning digest / never, and whether to hear about the
  unassigned cases of their authorities) and the notifications waiting to be grouped into one email.
- service: `messages_arrived` is called by the inbound pipeline (cases/mail/inbound.py `link_to_cases`)
  wherever a received message reaches a case — an emailed reply or an answer typed in the citizen's space —
  and queues the assignee (unassigned: the authority's agents who opted in); `send_pending` sends one
  email (`replies_received`) for everything that arrived for an agent within GROUP_DELAY; `unread_count`
  is the admin menu's count; `digest_cases` the digest's section for those who chose it.
- tasks: the delayed send (one per agent and burst) and the sweeper of sends whose task was lost.
- views, wagtail_hooks: « Mes notifications » (/admin/notifications/) and the menu's « À traiter » count.
"""
