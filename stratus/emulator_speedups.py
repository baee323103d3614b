"""Two costs of the embedded moto server that grow with the platform rather than with the request, removed
without changing what any request answers (issue 15, fan-out and gateway load). Installed once per process,
next to `stratus.emulator`'s own patches, only for the embedded emulator.

- PutEvents: moto builds each target's input with `jsonpath_ng.ext.parse`, which builds a new LR parser
  (ply yacc tables) per call — per event, per matching rule. The parsed paths are pure values, so they are
  cached by their text.
- TransactWriteItems: moto backs up every table the transaction touches (a deep copy of all of its items)
  to roll back a failed transaction, so each one costs time proportional to the table — the monitoring
  table grows with every event. The embedded emulator runs one DynamoDB request at a time
  (`make_dynamodb_requests_atomic`), so backing up only the items the transaction names is the same
  rollback: each is restored (or removed, if it did not exist) when the transaction fails.
"""

from __future__ import annotations

import copy
import functools
import threading
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
