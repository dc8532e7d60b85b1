"""The fault tests use the integration tests' databases of their own."""

from tests.integration.conftest import own_database, own_settings, storage

__all__ = ["own_database", "own_settings", "storage"]
