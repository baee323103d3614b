"""rbac (core layer): roles, role assignments and permission checks per tenant."""
