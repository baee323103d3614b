"""A search request turned into a tantivy query, safely.

The user's text never reaches tantivy's query parser as syntax: it is cut into words (letters and digits)
and quoted phrases, and the query is built from those with the query API — so `category:x`, `*`,
`name:/.*/`, unbalanced quotes or parentheses are just words (or nothing), never a field, a regex or a
parse error. Filters name only the fields of `search_schema.FIELDS`, each with the operators its kind
allows; anything else is a 400.
"""

from __future__ import annotations

import re
from typing import Any

import tantivy

from apps.marketplace import search_schema
from apps.marketplace.search_models import SearchFilter
from shared.errors import InvalidRequest

_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
MAX_WORDS = 32
_BOOSTS = {"name": 3.0, "tags_text": 2.0, "description": 1.0}
_ALLOWED = {
    "keyword": {"eq", "ne", "in", "nin", "contains"},
    "integer": {"eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"},
    "date": {"eq", "ne", "gt", "gte", "lt", "lte"},
    "text": {"contains"},
}
_I64 = 2**63 - 1


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)][:MAX_WORDS]


def _any_field(schema: tantivy.Schema, word: str) -> tantivy.Query:
    clauses = [
        (tantivy.Occur.Should, tantivy.Query.boost_query(tantivy.Query.term_query(schema, f, word), boost))
        for f, boost in _BOOSTS.items()
    ]
    return tantivy.Query.boolean_query(clauses)


def _phrase(schema: tantivy.Schema, phrase: list[str]) -> tantivy.Query:
    if len(phrase) == 1:
        return _any_field(schema, phrase[0])
    terms: list[str | tuple[int, str]] = list(phrase)
    clauses = [
        (
            tantivy.Occur.Should,
            tantivy.Query.boost_query(tantivy.Query.phrase_query(schema, f, terms), boost),
        )
        for f, boost in _BOOSTS.items()
    ]
    return tantivy.Query.boolean_query(clauses)


def text_query(schema: tantivy.Schema, text: str) -> tantivy.Query | None:
    """Every word (and quoted phrase) must match somewhere; None: no words at all."""
    must: list[tuple[tantivy.Occur, tantivy.Query]] = []
    for quoted in _PHRASE.findall(text):
        found = words(quoted)
        if found:
            must.append((tantivy.Occur.Must, _phrase(schema, found)))
    for word in words(_PHRASE.sub(" ", text)):
        must.append((tantivy.Occur.Must, _any_field(schema, word)))
    return tantivy.Query.boolean_query(must[:MAX_WORDS]) if must else None


def _scalar(field: search_schema.Field, value: Any) -> Any:
    if field.kind == "keyword":
        if not isinstance(value, str):
            raise InvalidRequest(f"filters: {field.api} takes strings", field="filters")
        return value
    if field.kind == "integer":
        if not isinstance(value, int) or not -_I64 <= value <= _I64:
            raise InvalidRequest(f"filters: {field.api} takes integers", field="filters")
        return value
    if field.kind == "date":
        try:
            return search_schema.epoch_ms(str(value))
        except ValueError as exc:
            raise InvalidRequest(f"filters: {field.api} takes ISO-8601 times", field="filters") from exc
    raise InvalidRequest(f"filters: {field.api} takes text", field="filters")


def _equals(schema: tantivy.Schema, field: search_schema.Field, value: Any) -> tantivy.Query:
    if field.kind == "keyword":
        return tantivy.Query.term_query(schema, field.index, value)
    return tantivy.Query.range_query(schema, field.index, tantivy.FieldType.Integer, value, value)


def _range(schema: tantivy.Schema, field: search_schema.Field, operator: str, value: int) -> tantivy.Query:
    lower = value if operator in ("gt", "gte") else None
    upper = value if operator in ("lt", "lte") else None
    return tantivy.Query.range_query(
        schema,
        field.index,
        tantivy.FieldType.Integer,
        lower,
        upper,
        include_lower=operator != "gt",
        include_upper=operator != "lt",
    )


def filter_clause(schema: tantivy.Schema, wanted: SearchFilter) -> tuple[tantivy.Occur, tantivy.Query]:
    field = search_schema.FIELDS.get(wanted.field)
    if field is None:
        known = ", ".join(search_schema.FIELDS)
        raise InvalidRequest(f"filters: no field {wanted.field!r} (one of {known})", field="filters")
    if wanted.operator not in _ALLOWED[field.kind]:
        raise InvalidRequest(f"filters: {wanted.field} does not take {wanted.operator}", field="filters")
    if wanted.operator in ("in", "nin"):
        if not isinstance(wanted.value, list) or not wanted.value:
            raise InvalidRequest(f"filters: {wanted.operator} takes a non-empty list", field="filters")
        values = [_scalar(field, v) for v in wanted.value]
        any_of = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, _equals(schema, field, v)) for v in values]
        )
        return (tantivy.Occur.Must if wanted.operator == "in" else tantivy.Occur.MustNot, any_of)
    if isinstance(wanted.value, list):
        raise InvalidRequest(f"filters: {wanted.operator} takes one value", field="filters")
    if field.kind == "text":
        found = words(str(wanted.value))
        if not found:
            raise InvalidRequest("filters: contains needs a word", field="filters")
        every = [(tantivy.Occur.Must, tantivy.Query.term_query(schema, field.index, w)) for w in found]
        return tantivy.Occur.Must, tantivy.Query.boolean_query(every)
    value = _scalar(field, wanted.value)
    if wanted.operator in ("eq", "contains"):
        return tantivy.Occur.Must, _equals(schema, field, value)
    if wanted.operator == "ne":
        return tantivy.Occur.MustNot, _equals(schema, field, value)
    return tantivy.Occur.Must, _range(schema, field, wanted.operator, value)


def build(
    schema: tantivy.Schema, text: str, filters: list[SearchFilter]
) -> tuple[tantivy.Query, tantivy.Query | None]:
    """(the whole query, its text part — what highlights are made from)."""
    textual = text_query(schema, text)
    clauses = [(tantivy.Occur.Must, textual if textual is not None else tantivy.Query.all_query())]
    clauses.extend(filter_clause(schema, wanted) for wanted in filters)
    return tantivy.Query.boolean_query(clauses), textual
