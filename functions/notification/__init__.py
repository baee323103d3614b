"""notification service (docs/platform-services.md)."""
