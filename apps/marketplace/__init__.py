"""The marketplace app (seed 002): catalog, inventory, orders and payments, under /api/v1/apps/marketplace."""
