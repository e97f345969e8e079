"""Backup and restore of the database and uploaded media (manage.py backup / restore)."""
