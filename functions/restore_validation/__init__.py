"""Validates AWS Backup restore tests of Aurora: the restored cluster is available, encrypted, and came back in time."""
