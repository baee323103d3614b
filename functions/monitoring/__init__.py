"""monitoring (infrastructure layer): health, metrics, job results."""
