"""The citizen's case page, without an account (issue 15): everything a citizen does online after the request.

It owns (an app of its own, label `citizen`):
- keys.py: the keys to the page, links and one-time letter codes (`AccessKey`, stored hashed, bound to the
  case and the citizen's email, revocable, dropped at anonymisation), their exchange for a short session
  cookie, and the page's events (`AccessEvent`);
- links.py: the « Suivre mon dossier » link of every email to the citizen, made personal only as the email
  leaves (the outbox row keeps a neutral link); gunicorn.py masks the link in the access log;
- views.py, urls.py: the public pages under /suivi/ (the case page, answer, documents, withdrawal,
  « Retrouver mon dossier », the letter code form), DSFR, every one with no Referer and no cache;
- thread.py, status.py: what the citizen sees (their messages and documents only, the status in plain words);
- answer.py: the answer typed online, handed to the inbound pipeline (cases/mail/inbound.py) as an email;
- withdraw.py: the citizen withdraws the request (the case closes, the agents are told);
- recovery.py, tasks.py: a new link by email on request, enumeration-proof and rate limited;
- agent_views.py, wagtail_hooks.py, templatetags/citizen_follow.py: on the case page, whether the citizen
  opened their page and when last, a new link, revocation, the printable letter with a code.
"""

# The space's address (mediature/urls.py): no authority may take it as its slug (authorities/forms.py).
CITIZEN_SPACE_SLUG = "suivi"
