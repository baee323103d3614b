"""tenants (business layer): tenant lifecycle, plans, quotas and atomic quota reservations."""
