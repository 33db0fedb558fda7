"""A migration operation for what only PostgreSQL has (GIN indexes, text search configurations)."""

from django.db.migrations.operations.base import Operation


class PostgreSQLOnly(Operation):
    """Run the wrapped operation's database change on PostgreSQL only; the model state changes everywhere.

    The embedded SQLite default keeps the same models (so `makemigrations` stays
    quiet on both) without the indexes it cannot build.
    """

    def __init__(self, operation: Operation) -> None:
        self.operation = operation
        self.reversible = operation.reversible
        self.reduces_to_sql = operation.reduces_to_sql

    def deconstruct(self):
        return self.__class__.__qualname__, [self.operation], {}

    def state_forwards(self, app_label, state) -> None:
        self.operation.state_forwards(app_label, state)

    def database_forwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state) -> None:
        if schema_editor.connection.vendor == "postgresql":
            self.operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self) -> str:
        return f"{self.operation.describe()} (PostgreSQL only)"
