"""The marketplace app's refusals beyond the ones every route documents (docs/marketplace.md), by route key:
what `stratus/openapi.py` adds to each operation of the published document."""

from __future__ import annotations

_BASE = "/api/v1/apps/marketplace"
# The storefront's public routes: a caller without a credential names the tenant with X-Tenant-ID or the
# host — neither (400 INVALID_REQUEST), or one that does not exist (404 TENANT_NOT_FOUND).
_PUBLIC = (400, 404)
PUBLIC_ROUTES = (
    f"GET {_BASE}/products",
    f"GET {_BASE}/products/categories",
    f"GET {_BASE}/products/{{productId}}",
    f"GET {_BASE}/products/{{productId}}/certification",
    f"GET {_BASE}/products/{{productId}}/inventory",
    f"POST {_BASE}/search",
    f"GET {_BASE}/search/autocomplete",
    f"POST {_BASE}/events",
    f"POST {_BASE}/events/batch",
)

EXTRA_STATUSES: dict[str, tuple[int, ...]] = {
    **dict.fromkeys(PUBLIC_ROUTES, _PUBLIC),
    # a creatorId that is not one of the tenant's creators
    f"POST {_BASE}/products": (404,),
    # the product changed meanwhile (optimistic concurrency); an order still holds its stock (delete)
    f"PUT {_BASE}/products/{{productId}}": (409,),
    f"DELETE {_BASE}/products/{{productId}}": (409,),
    f"PUT {_BASE}/products/{{productId}}/inventory": (409,),
    # a certification already pending (certify), or none pending (decide)
    f"POST {_BASE}/products/{{productId}}/certify": (409,),
    f"PUT {_BASE}/products/{{productId}}/certification": (409,),
    # a product of the order that is not the tenant's (404); the same Idempotency-Key in flight (409)
    f"POST {_BASE}/orders": (404, 409),
    f"POST {_BASE}/orders/{{orderId}}/cancel": (409,),  # still being processed
    f"POST {_BASE}/creators/register": (409,),  # the user is a creator already
    f"POST {_BASE}/creators/{{creatorId}}/verify": (409,),  # verified already
    f"PUT {_BASE}/creators/{{creatorId}}/verification": (409,),  # nothing under review
    f"PUT {_BASE}/creators/{{creatorId}}/portfolio/{{itemId}}": (409,),  # not a draft or rejected item
    f"POST {_BASE}/creators/{{creatorId}}/portfolio/{{itemId}}/submit": (409,),
    f"POST {_BASE}/creators/{{creatorId}}/portfolio/{{itemId}}/review": (409,),
    f"POST {_BASE}/creators/{{creatorId}}/payouts": (409,),  # more than available, or not verified
}
