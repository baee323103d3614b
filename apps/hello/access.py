"""The app's gate (shared.app_access): which tenants enabled it, and the tenant of an anonymous request."""

from __future__ import annotations

from apps.hello.manifest import SERVICE
from functions.registry.client import RegistryClient
from functions.tenants.client import TenantsClient
from shared.app_access import AppAccess

ACCESS = AppAccess(SERVICE, registry=RegistryClient(SERVICE), tenants=TenantsClient(SERVICE))
