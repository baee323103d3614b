"""The console's queue routes (functions/monitoring queues, queue-redrive) get SQS rights on this
deployment's queues only, from their declaration (`manages_queues=True`), in both deployments."""

from __future__ import annotations

import json

from functions.catalog import registry
from stratus.deploy.permissions import Resource, statements_for
from stratus.deploy.serverless import files as serverless_files
from stratus.deploy.terraform import DATA
from stratus.deploy.terraform import files as terraform_files

WRITES = {"sqs:SendMessage", "sqs:DeleteMessage", "sqs:ReceiveMessage"}


def test_only_the_queue_routes_may_move_messages_and_only_on_this_deployments_queues() -> None:
    catalog = registry()
    for fn in catalog.functions.values():
        for st in statements_for(fn, catalog):
            if WRITES & set(st.actions) and fn.qualified_name not in (
                "monitoring-queues",
                "monitoring-queue-redrive",
            ):
                assert st.resources == (Resource("queue", fn.service),), (
                    fn.qualified_name,
                    st,
                )  # its own queue
    redrive = statements_for(catalog.functions["monitoring-queue-redrive"], catalog)
    moving = [st for st in redrive if WRITES & set(st.actions)]
    assert [st.resources for st in moving] == [(Resource("every_queue"),)]
    listing = [st for st in redrive if "sqs:ListQueues" in st.actions]
    assert [st.actions for st in listing] == [("sqs:ListQueues",)]  # the one action that takes no resource


def test_both_deployments_render_the_deployments_queue_pattern() -> None:
    catalog = registry()
    template = serverless_files(catalog)["deploy/serverless/monitoring/serverless.yml"]
    assert ":sqs:" in template
    assert "stratus-${sls:stage}-*" in template
    data = json.loads(terraform_files(catalog)[DATA])
    text = json.dumps(data)
    assert '"every_queue"' in text
