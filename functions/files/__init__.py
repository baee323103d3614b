"""files service (docs/platform-services.md)."""
