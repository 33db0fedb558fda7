"""Server-side query count and capture, and the floor: a bare view replaying a captured request's SQL.

`QueryProbe` runs first in the middleware chain. It counts every statement the request runs (through
Django's execute wrapper, so on the server, with no DEBUG) and puts the count in the X-Bench-Queries
header. A request carrying X-Bench-Capture: <key> also has its statements and parameters pickled to
BENCH_CAPTURE_DIR/<key>.pickle. The floor view `/__banc__/plancher/<key>/` replays them, fetching every
row, and returns an empty response: what the same SQL costs with no Django view, template or middleware
work around it. Writes are replayed inside a transaction that is rolled back, so the data does not change.
"""

import os
import pickle
from functools import cache
from pathlib import Path

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse

CAPTURE_DIR = Path(os.environ.get("BENCH_CAPTURE_DIR", "/tmp"))  # noqa: S108 (set by the runner)
FLOOR_PREFIX = "/__banc__/"
WRITE_SQL = ("INSERT", "UPDATE", "DELETE")
SAVEPOINT_SQL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


class QueryProbe:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        statements: list[tuple[str, object, bool]] = []

        def record(execute, sql, params, many, context):
            statements.append((sql, params, many))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            response = self.get_response(request)  # template responses are rendered inside
        response["X-Bench-Queries"] = str(len(statements))
        key = request.headers.get("X-Bench-Capture")
        if key and not request.path.startswith(FLOOR_PREFIX):
            (CAPTURE_DIR / f"{key}.pickle").write_bytes(pickle.dumps(statements))
        return response


@cache
def captured(key: str) -> list[tuple[str, object, bool]]:
    return pickle.loads((CAPTURE_DIR / f"{key}.pickle").read_bytes())  # noqa: S301 (written by QueryProbe)


def floor(request, key: str) -> HttpResponse:
    """Replay the captured statements of `key` and answer with nothing: the time their SQL alone takes.

    Savepoints are left out (the replay is one transaction, rolled back at the end); every row is fetched.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params, many in captured(key):
            if sql.startswith(SAVEPOINT_SQL):
                continue
            if sql.lstrip().startswith(WRITE_SQL):
                replay_write(cursor, sql, params, many)
            else:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
        transaction.set_rollback(True)
    return HttpResponse(b"")


def replay_write(cursor, sql: str, params, many: bool) -> None:
    """A write in a savepoint of its own: a row inserted with the real request's keys (a citizen of the case
    the real request created) meets them at the unique check, nearly all its work done, and is rolled back."""
    try:
        with transaction.atomic():
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
    except IntegrityError:
        pass
