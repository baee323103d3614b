"""Deployment files generated from the declarations: the osls stacks (one per service plus a shared one,
orchestrated by osls compose, and the monolith) and Terraform's per-service data.

`stratus generate` writes them; `stratus generate --check` (and the drift test) fails when a committed
file no longer matches the declarations.
"""
