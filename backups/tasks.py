"""Celery task for scheduled backups (beat entry when BACKUP_EVERY_HOURS > 0)."""

from __future__ import annotations

import logging

from celery import shared_task

from backups import archive

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def run_backup() -> str:
    """Write one archive into BACKUP_DIR and prune old ones; returns the archive's path."""
    return str(archive.create_backup(progress=logger.info).path)
