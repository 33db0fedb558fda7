"""What the platform keeps about a case once it is closed, and for how long.

- `retention`: the retention period (`RETENTION_MONTHS`, or an authority's shorter one) and which
  closed cases are due for anonymisation, now or within the 30-day notice;
- `anonymise`: the nightly anonymisation of those cases (keeps what statistics read, erases what
  names a person), in short batches, safe to run again;
- `hold`: the legal hold a main agent places on a case (litigation, complaint, archive request),
  which keeps it from being anonymised until lifted;
- `cleanup`: the nightly run (anonymisation, then the agents' old digests, which name citizens);
- `tasks`: the nightly huey job; `views` and `dashboard`: the hold page, the list of cases about to be
  anonymised with the authority's period, and the main agents' dashboard panel.

Mediation files of a collectivité are public archives: destroying them is not ours to decide, so a
case is anonymised rather than deleted.
"""
