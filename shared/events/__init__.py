"""Seed 000's event envelope, the catalog that validates it, the publisher and the subscriber base."""
