"""Google Cloud Functions and Cloud Run load `main.py` from the source root; the targets are in
functions/gcf.py (`api`, and `<service>_events` per subscriber)."""

from functions import gcf

globals().update(
    {name: target for name, target in vars(gcf).items() if name == "api" or name.endswith("_events")}
)
