"""Powertools' packages made lazy: a name taken from them loads only its submodule, and nothing is missing.

Each case runs in an interpreter of its own (what is in `sys.modules` is the point), importing `functions`
first as a Lambda container does.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from shared.lazy_packages import exports

REPO = Path(__file__).resolve().parents[3]


def run(code: str) -> object:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], cwd=REPO, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_http_resolver_loads_neither_the_other_resolvers_nor_every_event_class() -> None:
    # GIVEN a container that imported `functions`  WHEN it takes what `shared.http_app` takes
    loaded = run(
        """
        import json, sys
        import functions
        from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
        from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
        print(json.dumps(sorted(sys.modules)))
        """
    )
    assert isinstance(loaded, list)
    # THEN AppSync's resolver (and asyncio behind it), Bedrock's and every other event class stay unloaded
    for unused in (
        "asyncio",
        "aws_lambda_powertools.event_handler.appsync",
        "aws_lambda_powertools.event_handler.bedrock_agent",
        "aws_lambda_powertools.utilities.data_classes.s3_event",
        "aws_lambda_powertools.utilities.data_classes.kafka_event",
    ):
        assert unused not in loaded
    assert "aws_lambda_powertools.event_handler.api_gateway" in loaded


def test_every_name_the_packages_export_is_there_and_the_same_object_as_without_laziness() -> None:
    # GIVEN each lazy package: every name its `__all__` lists, taken one by one
    # WHEN compared with the same names after the real `__init__` has run (asking for `__all__` runs it)
    found = run(
        """
        import importlib, json
        import functions
        from shared.lazy_packages import PACKAGES
        report = {}
        for name in PACKAGES:
            package = importlib.import_module(name)
            early = {}
            for attribute in ("Response", "APIGatewayHttpResolver", "APIGatewayProxyEventV2", "SQSEvent"):
                if hasattr(package, attribute):
                    early[attribute] = getattr(package, attribute)
            listed = list(package.__all__)
            report[name] = {
                "missing": [a for a in listed if not hasattr(package, a)],
                "changed": [a for a, value in early.items() if getattr(package, a) is not value],
                "listed": len(listed),
            }
        print(json.dumps(report))
        """
    )
    # THEN nothing is missing, and nothing taken early differs from what the full package holds
    assert isinstance(found, dict)
    for package, report in found.items():
        assert report["missing"] == [], package
        assert report["changed"] == [], package
        assert report["listed"] > 5, package


def test_a_submodule_asked_for_by_name_is_imported_not_the_whole_package() -> None:
    loaded = run(
        """
        import json, sys
        import functions
        from aws_lambda_powertools.event_handler import content_types
        appsync = "aws_lambda_powertools.event_handler.appsync" in sys.modules
        print(json.dumps([content_types.APPLICATION_JSON, appsync]))
        """
    )
    assert loaded == ["application/json", False]


def test_exports_reads_relative_absolute_multi_line_and_aliased_imports() -> None:
    source = textwrap.dedent(
        """
        from .alb import ALBEvent
        from .proxy import (
            ProxyEvent,  # the REST one
            ProxyEventV2 as V2,
        )
        from pkg.sub.other import Thing
        from elsewhere import NotOurs
        """
    )
    assert exports("pkg.sub", source) == {
        "ALBEvent": ("pkg.sub.alb", "ALBEvent"),
        "ProxyEvent": ("pkg.sub.proxy", "ProxyEvent"),
        "V2": ("pkg.sub.proxy", "ProxyEventV2"),
        "Thing": ("pkg.sub.other", "Thing"),
    }
