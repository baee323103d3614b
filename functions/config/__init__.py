"""config service (docs/config-center.md)."""
