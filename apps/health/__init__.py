"""health: seed 004's health platform as an in-repo app (docs/health.md) - readings sealed per record with
KMS data keys, consent grants to experts, analysis and alerts, weekly reports, experts and bookings."""
