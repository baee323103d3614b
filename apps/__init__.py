"""In-repo apps: services built on the platform with only its public kernel (`shared`) and the typed
clients of platform services (docs/apps.md). Each is `apps/<name>/` with a `manifest.py`."""
