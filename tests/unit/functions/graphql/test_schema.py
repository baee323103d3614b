"""The schema file is the contract: every resolver binds a field it declares, every root field has one,
and the published copy (docs/graphql.schema.graphql) is the file the function serves."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLObjectType, build_schema, print_schema

from functions.graphql import engine
from functions.graphql.resolvers import FIELD_PERMISSIONS, RESOLVERS

ROOT = Path(__file__).resolve().parents[4]
PUBLISHED = ROOT / "docs" / "graphql.schema.graphql"


def test_the_published_schema_is_the_served_one() -> None:
    served = engine.SCHEMA_FILE.read_text(encoding="utf-8")
    assert PUBLISHED.read_text(encoding="utf-8") == served, (
        "docs/graphql.schema.graphql drifted: cp functions/graphql/schema.graphql docs/graphql.schema.graphql"
    )


def test_every_resolver_names_a_declared_field_and_every_root_field_has_one() -> None:
    declared = build_schema(engine.SCHEMA_FILE.read_text(encoding="utf-8"))
    for type_name, fields in RESOLVERS.items():
        kind = declared.type_map[type_name]
        assert isinstance(kind, GraphQLObjectType)
        assert set(fields) <= set(kind.fields), type_name
    assert set(RESOLVERS["Query"]) == set(declared.query_type.fields)  # type: ignore[union-attr]
    assert set(FIELD_PERMISSIONS) <= set(RESOLVERS["Query"])


def test_the_bound_schema_prints_as_the_file_declares() -> None:
    declared = build_schema(engine.SCHEMA_FILE.read_text(encoding="utf-8"))
    assert print_schema(engine.schema()) == print_schema(declared)
