"""functions-framework entry points (Google Cloud Functions, Cloud Run, or any machine):

functions-framework --source functions/gcf.py --target api
functions-framework --source functions/gcf.py --target <service>_events --signature-type cloudevent
"""

from __future__ import annotations

from functions.catalog import registry
from shared.adapters.gateway import Gateway
from shared.adapters.gcf import cloudevent_target, http_target

api = http_target(Gateway(registry()))

# One CloudEvent target per subscriber service, named `<service>_events`.
for _fn in registry().subscribers:
    globals()[f"{_fn.service}_events"] = cloudevent_target(registry(), _fn.qualified_name)
