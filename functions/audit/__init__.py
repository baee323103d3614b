"""audit service (docs/platform-services.md)."""
