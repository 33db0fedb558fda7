"""Referral of a case to another authority of the platform (issue 16, items 3 and 4).

A citizen often asks the wrong door (the town for the département's matter…). An agent of the case
proposes to pass it on to another authority of the platform, with a reason, a note for the receiving
authority and how the citizen's consent was obtained; the receiving authority's agents read the
proposal (a summary, not the case) and accept or decline it with a reason. Accepted, the case changes
authority: it keeps its number, reply address, messages, notes and documents, starts again « À traiter »
with no assignee and no due date, the citizen is told by email who now handles it, and the sending
authority keeps only the referral's line (« transmis à … le … ») in its list of referrals, every URL of
the case answering 404 to it (cases/access.py scopes by the case's authority).

- `models`: `Referral` (an app of its own, label `referral`, like cases/audit/), its states and dates,
  and `figures`, the counts the statistics read (sent, received, accepted, declined);
- `service`: propose, withdraw, accept, decline (the rules, the timeline events, the audit rows, the emails:
  the receiving agents are told of a proposal, the citizen of an acceptance, the proposer of the answer);
- `views`, `forms`: the case's « Transmettre » page, the proposal page, the list of referrals;
- `dashboard`: the receiving agents' panel of proposals waiting for an answer;
- `wagtail_hooks`: the list's and proposal's URLs, the menu item and the panel.
"""
