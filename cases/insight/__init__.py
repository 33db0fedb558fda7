"""Insight (issue 13): the statistics, the pseudonymised export, the public open data and the annual report.

Mediators are asked every year how many citizens they helped, about what, how fast and with what result.
Everything here reads one pseudonymised source, so no figure can show what the export would not:

- `source`: the one query layer, one row per case with the original's analytics columns (reference §2.9)
  and nothing that names a citizen;
- `scope`: whose figures a user reads (their authorities; every authority for a platform admin; 404 else);
- `period`: the period (last twelve months, a civil year, any range, in Paris days) and the previous one;
- `figures`: every figure of a period beside the previous period's, aggregated in SQL in a dozen queries.

It is a Django app of its own (label `insight`) for its jobs' tables and migrations.
"""
