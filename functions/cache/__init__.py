"""cache (infrastructure layer): refresh-token sessions and user/tenant principal state (epochs)."""
