"""Templates: every declared variable is required, and values go in verbatim."""

from __future__ import annotations

import pytest

from functions.notification.templates import ALERT, WELCOME, MissingVariable, Template


def test_rendering_without_a_declared_variable_is_an_error_not_a_hole() -> None:
    # GIVEN the welcome template, which declares name, email and tenantId
    # WHEN it is rendered without a name (missing, or None)
    # THEN it refuses, naming what is missing
    with pytest.raises(MissingVariable, match="name"):
        WELCOME.render({"email": "jane@acme.io", "tenantId": "acme"})
    with pytest.raises(MissingVariable, match="name"):
        WELCOME.render({"name": None, "email": "jane@acme.io", "tenantId": "acme"})


def test_values_are_inserted_verbatim_and_never_expanded_again() -> None:
    # GIVEN values with markup and with a placeholder of their own
    rendered = WELCOME.render(
        {"name": "<b>Jane & Co</b> {{tenantId}}", "email": "j@acme.io", "tenantId": "acme"}
    )
    # THEN plain text keeps them as they are (no HTML escaping, no second expansion)
    assert "Hello <b>Jane & Co</b> {{tenantId}}," in rendered.body
    assert rendered.subject == "Welcome to acme"


def test_a_template_must_declare_exactly_the_variables_it_uses() -> None:
    with pytest.raises(ValueError, match="declares"):
        Template("bad", "Hi {{name}}", "Body {{other}}", frozenset({"name"}))


def test_sms_text_is_bounded() -> None:
    rendered = ALERT.render({"severity": "info", "alertType": "x", "message": "m" * 5000, "jobId": "j"})
    assert len(rendered.sms) <= 1400
