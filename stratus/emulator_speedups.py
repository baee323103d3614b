"""Costs of the embedded moto server that grow with the platform rather than with the request, or that moto
pays again and again for the same input, removed without changing what any request answers (issue 15,
fan-out and gateway load; docs/benchmarks.md). Installed once per process, next to `stratus.emulator`'s
own patches, only for the embedded emulator; each is held by a test in tests/unit/stratus/.

- PutEvents: moto builds each target's input with `jsonpath_ng.ext.parse`, which builds a new LR parser
  (ply yacc tables) per call — per event, per matching rule. The parsed paths are pure values, so they are
  cached by their text.
- TransactWriteItems: moto backs up every table the transaction touches (a deep copy of all of its items)
  to roll back a failed transaction, so each one costs time proportional to the table — the monitoring
  table grows with every event. The embedded emulator runs one DynamoDB request at a time
  (`make_dynamodb_requests_atomic`), so backing up only the items the transaction names is the same
  rollback: each is restored (or removed, if it did not exist) when the transaction fails.
- ReceiveMessage: for every message it hands out, moto checks the retention period by asking the queue for
  its attributes, which computes all of them — three of which count every message in the queue — three
  times over; and each message's "visible"/"delayed" reads the clock through two timezone-aware datetimes.
  Under a backlog each receive became quadratic in the queue's depth. The retention period is read from the
  queue directly and the clock as `time.time()` (the same number: moto's `unix_time` is seconds since the
  epoch, to the microsecond). SendMessage (each PutEvents target) asks for all attributes too, only to read
  `ContentBasedDeduplication`: while it runs, its queue answers that one attribute without counting.
- Every request: moto's server finds the service of a request by asking whether its host is the name of a
  moto module, listing (and stat-ing) moto's ~200 package folders each time (~0.5 ms a request). The list
  is the installed package's: read once.
- DynamoDB expressions: moto lexes a condition expression and parses an update expression from their text
  several times per request (a transaction's item: when the request is validated, when its condition is
  checked, when it is applied), and deep-copies each update AST before validating it. The tokens of a
  condition (immutable tuples, which nothing changes) are kept by text; an update AST is kept pickled by
  text and every caller gets its own copy, made by unpickling (as deep as `deepcopy`, four times faster).
- DeleteMessageBatch: moto deletes entry by entry, each a pass over (and a copy of) every message of the
  queue; one pass serves the whole batch, with the same answer per entry.
"""

from __future__ import annotations

import copy
import functools
import pickle
import threading
import time
from collections import deque
from typing import Any

_lock = threading.Lock()
_installed = False


def install() -> None:
    global _installed
    with _lock:
        if _installed:
            return
        _cache_jsonpath_parsing()
        _back_up_only_touched_items()
        _sqs_without_rescans()
        _list_moto_modules_once()
        _expressions_parsed_once()
        _installed = True


def _cache_jsonpath_parsing() -> None:
    import jsonpath_ng.ext

    parse = getattr(jsonpath_ng.ext, "parse")  # noqa: B009 - not in the module's declared exports
    if not hasattr(parse, "cache_info"):
        # moto imports `parse` from the module inside the function, so the module attribute is what it uses.
        setattr(jsonpath_ng.ext, "parse", functools.lru_cache(maxsize=256)(parse))  # noqa: B010


class _TablesAsIs:
    """Stands in for `copy` in moto's DynamoDB backend module: a Table is not copied (the transaction's own
    backup is taken per item, below); every other deep copy is the real one."""

    def __init__(self, table_type: type) -> None:
        self.table_type = table_type

    def deepcopy(self, value: Any, memo: Any = None) -> Any:
        if isinstance(value, self.table_type):
            return value
        return copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _back_up_only_touched_items() -> None:
    import moto.dynamodb.models as backend_module
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table

    original = DynamoDBBackend.transact_write_items

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        backup = [found for entry in transact_items if (found := _touched(self, entry)) is not None]
        try:
            original(self, transact_items)
        except Exception:
            for table, hash_value, range_value, item in backup:
                _restore(table, hash_value, range_value, item)
            raise

    setattr(backend_module, "copy", _TablesAsIs(Table))  # noqa: B010 - moto's module, not its exports
    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def _touched(backend: Any, entry: dict[str, Any]) -> tuple[Any, Any, Any, Any] | None:
    """(table, hash key, range key, a copy of the item as it is now or None) for one transaction entry;
    None when the entry names no existing table or no full key (moto then refuses the transaction)."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    if len(entry) != 1:
        return None
    op = next(iter(entry.values()))
    table = backend.tables.get(op.get("TableName")) if isinstance(op, dict) else None
    if table is None:
        return None
    key = op.get("Item") or op.get("Key") or {}
    try:
        hash_value = DynamoType(key[table.hash_key_attr])
        range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
        current = table.get_item(hash_value, range_value)
    except Exception:  # an invalid key: moto's own validation answers it
        return None
    return table, hash_value, range_value, copy.deepcopy(current)


def _restore(table: Any, hash_value: Any, range_value: Any, item: Any) -> None:
    if item is None:
        if range_value is None:
            table.items.pop(hash_value, None)
        elif hash_value in table.items:
            table.items[hash_value].pop(range_value, None)
    elif range_value is not None:
        table.items[hash_value][range_value] = item
    else:
        table.items[hash_value] = item


def _unix_time(dt: Any = None) -> float:
    from moto.core.utils import unix_time

    return time.time() if dt is None else unix_time(dt)


def _unix_time_millis(dt: Any = None) -> float:
    return _unix_time(dt) * 1000.0


_sending = threading.local()  # .queue: the queue a SendMessage on this thread is sending to


def _sqs_without_rescans() -> None:
    import moto.sqs.models as sqs_module
    from moto.sqs.models import Queue, SQSBackend

    # moto's module imported these names from moto.core.utils; its own calls look them up here.
    setattr(sqs_module, "unix_time", _unix_time)  # noqa: B010 - moto's module, not its exports
    setattr(sqs_module, "unix_time_millis", _unix_time_millis)  # noqa: B010

    def is_message_valid_based_on_retention_period(self: Any, queue_name: str, message: Any) -> bool:
        queue = self.get_queue(queue_name)
        retain_until = int(queue.message_retention_period) + message.sent_timestamp / 1000
        return bool(retain_until > time.time())

    def delete_message_batch(
        self: Any, queue_name: str, receipts: list[dict[str, Any]]
    ) -> tuple[list[str], list[dict[str, str]]]:
        queue = self.get_queue(queue_name)
        wanted = {entry["ReceiptHandle"] for entry in receipts} - queue.deleted_messages
        if wanted:
            kept = []
            for message in queue._messages:
                handles = message.all_receipt_handles
                if wanted.isdisjoint(handles):
                    kept.append(message)
                    continue
                queue.pending_messages.discard(message)
                queue.deleted_messages.update(handles)
            queue._messages = kept
        success, errors = [], []
        for entry in receipts:
            if entry["ReceiptHandle"] in queue.deleted_messages:
                success.append(entry["Id"])
            else:  # what moto answers for an entry whose delete raised ReceiptHandleIsInvalid
                errors.append(
                    {
                        "Id": entry["Id"],
                        "SenderFault": True,
                        "Code": "ReceiptHandleIsInvalid",
                        "Message": f'The input receipt handle "{entry["ReceiptHandle"]}" is not a valid '
                        "receipt handle.",
                    }
                )
        return success, errors

    counted: Any = Queue.__dict__["attributes"]  # the property

    def attributes(queue: Any) -> dict[str, Any]:
        sending: Any = getattr(_sending, "queue", None)
        if sending is not queue:
            return counted.fget(queue)  # type: ignore[no-any-return]
        # As `attributes` holds it: a FIFO attribute, "true" or "false"; absent on a standard queue.
        if not queue.fifo_queue:
            return {}
        return {"ContentBasedDeduplication": str(queue.content_based_deduplication).lower()}

    send = SQSBackend.send_message

    def send_message(self: Any, queue_name: str, *args: Any, **kwargs: Any) -> Any:
        _sending.queue = self.get_queue(queue_name)
        try:
            return send(self, queue_name, *args, **kwargs)
        finally:
            _sending.queue = None

    Queue.attributes = property(attributes)  # type: ignore[assignment,method-assign]
    SQSBackend.send_message = send_message  # type: ignore[method-assign]
    SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period  # type: ignore[method-assign]
    SQSBackend.delete_message_batch = delete_message_batch  # type: ignore[method-assign]


def _list_moto_modules_once() -> None:
    from moto import backends

    listed = tuple(backends.list_of_moto_modules())
    # The server calls it through the module (`backends.list_of_moto_modules()`), so this is what it uses.
    setattr(backends, "list_of_moto_modules", lambda: listed)  # noqa: B010 - moto's module, not its exports


_EXPRESSIONS_KEPT = 2048  # distinct expression texts; the platform's are a few dozen


def _expressions_parsed_once() -> None:
    import moto.dynamodb.parsing.validators as validators_module
    from moto.dynamodb.comparisons import ConditionExpressionParser
    from moto.dynamodb.parsing.ast_nodes import Node  # type: ignore[attr-defined]
    from moto.dynamodb.parsing.expressions import UpdateExpressionParser  # type: ignore[attr-defined]

    tokens: dict[str, tuple[Any, ...]] = {}
    lex = ConditionExpressionParser._lex_condition_expression

    def lex_once(self: Any) -> deque[Any]:
        text = self.condition_expression
        found = tokens.get(text)
        if found is None:
            found = tuple(lex(self))  # an invalid expression raises here, and is not kept
            if len(tokens) >= _EXPRESSIONS_KEPT:
                tokens.clear()
            tokens[text] = found
        return deque(found)  # the parser consumes its deque: each gets its own

    asts: dict[str, bytes] = {}
    make = UpdateExpressionParser.make.__func__

    def make_once(cls: Any, expression_str: str) -> Any:
        pickled = asts.get(expression_str)
        if pickled is None:
            ast = make(cls, expression_str)  # an invalid expression raises here, and is not kept
            try:
                pickled = pickle.dumps(ast, pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError):
                return ast  # (not seen: every node is plain data) parsed each time, as moto does
            if len(asts) >= _EXPRESSIONS_KEPT:
                asts.clear()
            asts[expression_str] = pickled
        return pickle.loads(pickled)  # noqa: S301 - bytes this process pickled itself, just above

    def deepcopy(value: Any, memo: Any = None) -> Any:
        if isinstance(value, Node) and memo is None:  # an AST: plain objects, lists and strings
            try:
                pickled = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            except (pickle.PicklingError, TypeError, AttributeError):
                return copy.deepcopy(value)
            return pickle.loads(pickled)  # noqa: S301 - bytes this process pickled itself, just above
        return copy.deepcopy(value, memo)

    ConditionExpressionParser._lex_condition_expression = lex_once  # type: ignore[method-assign]
    UpdateExpressionParser.make = classmethod(make_once)
    setattr(validators_module, "deepcopy", deepcopy)  # noqa: B010 - moto's module, not its exports
