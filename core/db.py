"""Database connections around long waits.

A provider call lasts seconds; holding a PostgreSQL connection through it would make the number of
calls in flight the number of connections needed (PostgreSQL refuses clients past ``max_connections``).
Before such a wait the request hands its connection back to the pool (``DATABASES … OPTIONS pool``;
without a pool it is closed); the next query takes one again.
"""

from django.db import connection


def db_connection_release() -> None:
    """Hand this thread's connection back before a long wait, unless a transaction is open on it.

    Inside ``atomic()`` (a transaction, or a test wrapped in one) closing would break the transaction,
    so the connection is kept: callers must not open one across a provider call in the first place.
    SQLite in-memory databases ignore the close (Django keeps them open, or their data would vanish).
    """
    if connection.connection is not None and not connection.in_atomic_block:
        connection.close()
