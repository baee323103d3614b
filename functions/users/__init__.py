"""users (business layer): accounts, credentials, lockout and profiles, one tenant at a time."""
