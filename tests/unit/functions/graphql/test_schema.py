"""The schema is the contract: every resolver binds a field it declares, every root field has one (the
apps' too), and the published schema and the apps' part the function serves are what `stratus openapi`
generates from the catalog now (a drift test, like the OpenAPI documents')."""

from __future__ import annotations

from graphql import GraphQLObjectType, build_schema, print_schema

from functions.catalog import registry
from functions.graphql import app_types, engine
from functions.graphql.resolvers import FIELD_PERMISSIONS, RESOLVERS
from stratus import graphql_schema


def test_the_published_schema_and_the_apps_types_are_generated_from_the_catalog() -> None:
    stale = graphql_schema.stale(registry())
    assert not stale, f"{[str(p) for p in stale]} drifted: run `stratus openapi`"


def test_the_published_schema_is_the_served_one_plus_the_subscriptions() -> None:
    published = build_schema(graphql_schema.PUBLISHED.read_text(encoding="utf-8"))
    served = engine.schema()
    assert {n for n in served.type_map if not n.startswith("__")} <= set(published.type_map)
    assert published.subscription_type is not None
    assert set(published.subscription_type.fields) == {"notificationCreated", "channelMessage", "appMessage"}


def test_every_app_of_the_catalog_with_types_is_deployed_with_the_function() -> None:
    with_types = sorted(s.name for s in registry().services if s.graphql is not None)
    assert sorted(app_types.callees()) == with_types == ["health", "marketplace"]


def test_every_resolver_names_a_declared_field_and_every_root_field_has_one() -> None:
    declared = build_schema(engine.sdl())
    for type_name, fields in RESOLVERS.items():
        kind = declared.type_map[type_name]
        assert isinstance(kind, GraphQLObjectType)
        assert set(fields) <= set(kind.fields), type_name
    app_roots = {b.field_name for a in app_types.deployed() for b in a.bindings if b.type_name == "Query"}
    assert set(RESOLVERS["Query"]) | app_roots == set(declared.query_type.fields)  # type: ignore[union-attr]
    assert not set(RESOLVERS["Query"]) & app_roots, "an app may not take a platform field's name"
    assert set(FIELD_PERMISSIONS) <= set(RESOLVERS["Query"])


def test_every_field_an_app_binds_is_declared_by_its_fragment() -> None:
    served = engine.schema()
    for app in app_types.deployed():
        for b in app.bindings:
            kind = served.type_map[b.type_name]
            assert isinstance(kind, GraphQLObjectType)
            assert kind.fields[b.field_name].resolve is not None, f"{app.app}: {b.type_name}.{b.field_name}"


def test_the_bound_schema_prints_as_the_text_declares() -> None:
    assert print_schema(engine.schema()) == print_schema(build_schema(engine.sdl()))
