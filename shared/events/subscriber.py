"""`Subscriber`: the one shape of a queue-subscribed function.

    subscriber = Subscriber(SERVICE.function("subscriber"))

    @subscriber.on("user.created")
    def welcome(event: ServiceEvent) -> None: ...

    def handler(event, context):
        return subscriber.handle(event, context)

It consumes an SQS batch with Powertools' batch processor and reports partial batch failures (only the
messages that failed come back), binds each event's request/correlation ids to the logs, and runs each
event at most once per subscriber: Powertools idempotency on the event id, kept in the idempotency table.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
from botocore.exceptions import BotoCoreError, ClientError

from shared import aws, observability
from shared import context as request_context
from shared.config import settings
from shared.context import RequestContext, new_id
from shared.declarations import IDEMPOTENCY_TABLE, Function, Subscription, event_type_matches
from shared.events.model import ServiceEvent

EventHandler = Callable[[ServiceEvent], None]
# How long a processed event id is remembered: longer than any redelivery or DLQ redrive window.
REMEMBER_SECONDS = 14 * 24 * 3600


# SQS's ceiling for a message's visibility timeout.
MAX_VISIBILITY_SECONDS = 12 * 3600


class Subscriber:
    """`backoff` (optional): receive count → seconds. A message whose event failed is hidden that long
    before it comes back (ChangeMessageVisibility), instead of the queue's fixed visibility timeout — so
    redeliveries back off, e.g. exponentially, until `max_receive_count` moves it to the DLQ."""

    def __init__(self, function: Function, *, backoff: Callable[[int], int] | None = None) -> None:
        if not isinstance(function.trigger, Subscription):
            raise TypeError(f"{function.qualified_name} is not a subscriber")
        self.function = function
        self.backoff = backoff
        self.subscription = function.trigger
        self.service = function.service
        self.logger = observability.logger(function.service)
        self._handlers: list[tuple[str, EventHandler]] = []
        self._processor = BatchProcessor(event_type=EventType.SQS)
        self._idempotency = IdempotencyConfig(event_key_jmespath="id", expires_after_seconds=REMEMBER_SECONDS)
        self._once_built: tuple[Any, Callable[..., dict[str, Any]]] | None = None

    def on(self, *patterns: str) -> Callable[[EventHandler], EventHandler]:
        """Register a handler for event types (exact, or `user.*`); each must be in the subscription."""
        for pattern in patterns:
            probe = pattern[:-1] + "x" if pattern.endswith(".*") else pattern
            if not self.subscription.matches(probe):
                raise ValueError(f"{self.function.qualified_name} does not subscribe to {pattern!r}")

        def register(func: EventHandler) -> EventHandler:
            self._handlers.extend((p, func) for p in patterns)
            return func

        return register

    # --- the entry point ----------------------------------------------------------------------------
    def handle(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        # An in-progress marker outlives a crashed invocation only until the invocation's own deadline.
        self._idempotency.register_lambda_context(context)
        response = process_partial_response(
            event=event, record_handler=self._record, processor=self._processor, context=context
        )
        return dict(response)

    def _record(self, record: SQSRecord) -> None:
        try:
            self.process(ServiceEvent.from_sqs_body(record.body))
        except Exception:
            if self.backoff is not None:
                self._delay(record)
            raise

    def _delay(self, record: SQSRecord) -> None:
        """Hide a failed message for `backoff(receive count)` seconds; if that fails, the queue's own
        visibility timeout applies (the message still comes back)."""
        assert self.backoff is not None
        receives = int(record.attributes.approximate_receive_count or 1)
        seconds = max(0, min(MAX_VISIBILITY_SECONDS, self.backoff(receives)))
        try:
            sqs = aws.client("sqs")
            url = sqs.get_queue_url(QueueName=record.event_source_arn.rsplit(":", 1)[-1])["QueueUrl"]
            sqs.change_message_visibility(
                QueueUrl=url, ReceiptHandle=record.receipt_handle, VisibilityTimeout=seconds
            )
        except (BotoCoreError, ClientError):
            self.logger.warning("backoff not applied; the queue's visibility timeout holds", exc_info=True)

    def process(self, event: ServiceEvent, context: Any = None) -> None:
        """Run the handlers for one event, once. Raises if a handler fails (the message is retried).

        `context` (a Lambda context) bounds how long an in-progress marker blocks a redelivery; off Lambda
        (CloudEvent targets) the declared timeout does."""
        if context is not None:
            self._idempotency.register_lambda_context(context)
        request_id = event.metadata.request_id or new_id("req_")
        ctx = RequestContext(
            request_id=request_id,
            correlation_id=event.correlation_id or request_id,
            service=self.service,
            tenant_id=event.tenant_id,
        )
        keys = {
            "request_id": ctx.request_id,
            "correlation_id": ctx.correlation_id,
            "tenant_id": ctx.tenant_id,
            "event_id": event.id,
            "event_type": event.type,
        }
        with request_context.bound(ctx), observability.log_keys(self.logger, **keys):
            self._once(event=event.model_dump(mode="json", by_alias=True))

    @property
    def _once(self) -> Callable[..., dict[str, Any]]:
        """The idempotent dispatch, built on first use (the persistence layer needs a DynamoDB client,
        which a cold start defers) and again whenever the client is replaced — the local runner and the
        tests point the process at a new emulator, and a layer bound to the old one would fail."""
        client = aws.client("dynamodb")
        if self._once_built is None or self._once_built[0] is not client:
            store = persistence_layer(
                table_name=settings().table_name(IDEMPOTENCY_TABLE.name),
                key_attr="pk",
                sort_key_attr="sk",
                expiry_attr=IDEMPOTENCY_TABLE.ttl_attribute or "expiration",
                boto3_client=client,
            )
            once: Callable[..., dict[str, Any]] = idempotent_function(
                data_keyword_argument="event",
                persistence_store=store,
                config=self._idempotency,
                key_prefix=self.function.qualified_name,
            )(self._dispatch)
            self._once_built = (client, once)
        return self._once_built[1]

    def _dispatch(self, event: dict[str, Any]) -> dict[str, Any]:
        parsed = ServiceEvent.model_validate(event)
        handlers = [h for pattern, h in self._handlers if event_type_matches(pattern, parsed.type)]
        if not handlers:
            self.logger.warning("no handler for event type; acknowledged")
        for handler in handlers:
            handler(parsed)
        self.logger.info("event processed", handlers=len(handlers))
        return {"eventId": parsed.id, "handlers": len(handlers)}


def persistence_layer(**options: Any) -> Any:
    """Powertools' DynamoDB idempotency store (the tests put an in-memory one in its place). Its module
    imports boto3 (~15 ms): loaded with the first event, not at init (issue 15)."""
    from aws_lambda_powertools.utilities.idempotency.persistence.dynamodb import DynamoDBPersistenceLayer

    return DynamoDBPersistenceLayer(**options)
