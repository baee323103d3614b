"""Deployment files generated from the declarations: serverless.yml's parts and Terraform's wiring.

`stratus generate` writes them; `stratus generate --check` (and the drift test) fails when a committed
file no longer matches the declarations.
"""
