"""Rows written together: one questionnaire's response, answers, counts and used token.

On PostgreSQL, where every statement is a round trip to the server, the inserts go as one
statement (data-modifying ``WITH`` clauses), which is atomic by itself; elsewhere they run
one after another in one transaction. A ``claim`` (a row that must not exist yet, such as a
used form token) guards the rest: if its key is taken, nothing is written.
"""

from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction


@dataclass
class Insert:
    """Rows of one table; on a conflict of ``key``, each of the ``add`` columns is added to
    the stored row's, or (no ``add``) the row is skipped."""

    model: type
    columns: list
    rows: list = field(default_factory=list)
    key: list | None = None
    add: tuple = ()

    @classmethod
    def of(cls, objs, **options):
        """The model instances ``objs`` (of one model, unsaved) as an insert."""
        model = type(objs[0])
        fields = model._meta.local_concrete_fields
        db = connections[DEFAULT_DB_ALIAS]  # the proxy's every attribute costs a lookup
        rows = [[f.get_db_prep_save(f.pre_save(obj, add=True), db) for f in fields] for obj in objs]
        return cls(model, [f.column for f in fields], rows, **options)

    def _on_conflict(self, quote):
        if self.key is None:
            return ""
        target = ", ".join(map(quote, self.key))
        if not self.add:
            return f" ON CONFLICT ({target}) DO NOTHING"
        table = quote(self.model._meta.db_table)
        sums = ", ".join(
            f"{column} = {table}.{column} + excluded.{column}" for column in map(quote, self.add)
        )
        return f" ON CONFLICT ({target}) DO UPDATE SET {sums}"

    def sql(self, guard=None):
        """``(sql, params)``; with ``guard`` (a ``WITH`` name), the rows are inserted only if
        that clause returned a row, and every value is cast to its column's type (a value
        in a ``SELECT`` has none of its own)."""
        quote = connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(map(quote, self.columns))
        if guard is None:
            placeholders = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
            values = f"VALUES {', '.join([placeholders] * len(self.rows))}"
        else:
            by_column = {f.column: f for f in self.model._meta.local_concrete_fields}
            types = [by_column[column].db_type(connection) for column in self.columns]
            typed = "(" + ", ".join(f"CAST(%s AS {db_type})" for db_type in types) + ")"
            plain = "(" + ", ".join(["%s"] * len(self.columns)) + ")"
            rows = ", ".join([typed] + [plain] * (len(self.rows) - 1))
            values = f"SELECT * FROM (VALUES {rows}) AS v WHERE EXISTS (SELECT 1 FROM {guard})"  # noqa: S608
        # Only quoted identifiers of the models are interpolated; every value is a parameter.
        sql = f"INSERT INTO {table} ({columns}) {values}{self._on_conflict(quote)}"  # noqa: S608
        return sql, [value for row in self.rows for value in row]


def insert_together(inserts, claim=None):
    """Write ``inserts`` (``Insert``s) all or nothing; with ``claim`` (an ``Insert`` of one
    row, without ``add``), only if its row could be inserted. Returns whether it was written.

    Count rows must come in a fixed order (by table, then key), so that concurrent writers
    lock them in the same order and cannot deadlock.
    """
    inserts = [insert for insert in inserts if insert.rows]
    if connection.vendor == "postgresql":
        if connection.get_autocommit() and not connection.in_atomic_block:
            return _in_one_statement(inserts, claim)  # its own transaction
        with transaction.atomic():  # within the caller's, undone alone if it fails
            return _in_one_statement(inserts, claim)
    with transaction.atomic(), connection.cursor() as cursor:
        if claim is not None:
            cursor.execute(*claim.sql())
            if cursor.rowcount != 1:
                return False
        for insert in inserts:
            cursor.execute(*insert.sql())
    return True


def _in_one_statement(inserts, claim):
    clauses, params = [], []
    guard = None
    if claim is not None:
        sql, claim_params = claim.sql()
        clauses.append(f"claimed AS ({sql} RETURNING 1)")
        params += claim_params
        guard = "claimed"
    for number, insert in enumerate(inserts):
        sql, insert_params = insert.sql(guard=guard)
        clauses.append(f"w{number} AS ({sql})")
        params += insert_params
    final = "SELECT COUNT(*) FROM claimed" if claim is not None else "SELECT 1"
    with connection.cursor() as cursor:
        cursor.execute(f"WITH {', '.join(clauses)} {final}", params)
        return cursor.fetchone()[0] == 1
