"""hello: an in-repo app (docs/apps.md "Writing an in-repo app") of the template's shape — one route, one
subscriber, one job, their tests beside them in tests/unit/apps/hello/."""
