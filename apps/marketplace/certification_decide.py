"""PUT /api/v1/apps/marketplace/products/{productId}/certification — decide (product.certify)."""

from __future__ import annotations

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.utilities.typing import LambdaContext

from apps.marketplace import access, products
from apps.marketplace.manifest import SERVICE
from apps.marketplace.models import Certification, CertificationDecision
from shared.app_http import AppHttpApp

app = AppHttpApp(SERVICE.function("certification-decide"), access=access.ACCESS)
logger = app.logger
ProductId = Annotated[str, Path(max_length=64)]


@app.endpoint
def decide(productId: ProductId, body: CertificationDecision) -> Certification:
    """Approve a pending certification with a level, or reject it with feedback."""
    return products.decide_certification(productId, body)


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
