"""Run `manage.py migrate` once even when several web replicas start together."""

import django
from django.core.management import call_command
from django.db import connection

# Any fixed 64-bit number; it only has to be the same in every replica.
LOCK_ID = 7_261_893_402


def main() -> None:
    """Migrate under a PostgreSQL session advisory lock (released when the process exits)."""
    django.setup()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
    call_command("migrate", interactive=False, verbosity=1)


if __name__ == "__main__":
    main()
