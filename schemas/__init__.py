"""The archive's data contract: numbered SQL migrations plus Python steps (FTS)."""

from schemas.migrations import MIGRATION_SET_NAME, migrations

__all__ = ["MIGRATION_SET_NAME", "migrations"]
