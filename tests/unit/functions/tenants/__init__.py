"""Unit tests of the tenants service."""
