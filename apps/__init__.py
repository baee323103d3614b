"""In-repo apps: services built on the platform with only its public kernel (`shared`) and the typed
clients of platform services (docs/apps.md). Each is `apps/<name>/` with a `manifest.py`."""

# The first thing a Lambda container imports (shared/lambda_init.py, shared/lazy_packages.py): no garbage
# collection until its handler module is loaded; Powertools' packages without their eager imports.
from shared import lambda_init, lazy_packages  # noqa: F401
