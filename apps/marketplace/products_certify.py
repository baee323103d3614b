"""POST /api/v1/apps/marketplace/products/{productId}/certify — ask for certification."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, products
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import Certification, CertifyRequest
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("products-certify"), access=access.ACCESS)
logger = app.logger
ProductId = Annotated[str, Path(max_length=64)]


@app.endpoint
def certify(productId: ProductId, body: CertifyRequest) -> Certification:
    """Ask for certification at a level: the request is pending until a reviewer decides."""
    return products.request_certification(productId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
