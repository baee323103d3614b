"""The one exception to JSON bodies: a route declared `HttpApp(..., form=True)` (the OAuth token endpoint)
also takes `application/x-www-form-urlencoded` in UTF-8; every other route still answers it 415."""

from __future__ import annotations

import pytest

from shared import request_body
from shared.errors import InvalidRequest, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"


def test_a_form_route_takes_a_form_body() -> None:
    request_body.check("grant_type=client_credentials&scope=", is_base64=False, content_type=FORM, form=True)
    request_body.check("a=%C3%A9", is_base64=False, content_type=f"{FORM}; charset=UTF-8", form=True)


def test_a_form_route_still_takes_json() -> None:
    request_body.check('{"a": 1}', is_base64=False, content_type="application/json", form=True)


def test_every_other_route_refuses_a_form_with_415() -> None:
    with pytest.raises(UnsupportedMediaType):
        request_body.check("a=1", is_base64=False, content_type=FORM)


@pytest.mark.parametrize("body", ["a=%FF", "novalue", "a=1&&b"])
def test_a_malformed_form_is_400(body: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        request_body.check(body, is_base64=False, content_type=FORM, form=True)
    assert refused.value.status == 400


def test_a_form_in_another_charset_is_415() -> None:
    with pytest.raises(UnsupportedMediaType):
        request_body.check("a=1", is_base64=False, content_type=f"{FORM}; charset=latin-1", form=True)
