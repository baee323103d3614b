"""The one base of every wire model: camelCase on the wire, snake_case in Python.

The alias comes from the field's name (`tenant_id` → `tenantId`), so a model never spells an alias out
unless the wire name is not the camelCase of the Python one. Either name is accepted on input
(`validate_by_name`), so code can build models with Python names. `tests/unit/shared/test_models.py`
refuses a second base anywhere else: nine hand-kept copies of it were how the services drifted apart.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class CamelModel(BaseModel):
    """A response or an internal message: fields the model does not know are ignored."""

    # validate_by_name: pydantic's current spelling of populate_by_name (and what its mypy plugin reads).
    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)


class CamelBody(CamelModel):
    """A request body from a client: a field the model does not know is a 400 naming it."""

    model_config = ConfigDict(extra="forbid")
