"""marketplace (application, an in-repo app): seed 002's storefront — catalog, certification, inventory
(docs/marketplace.md). Public reads resolve the storefront's tenant from X-Tenant-ID or the host."""

from apps.marketplace import saga_definition
from apps.marketplace.graphql_types import GRAPHQL
from shared.app_graphql import read_function
from shared.declarations import (
    Function,
    Layer,
    Route,
    Schedule,
    Service,
    StateMachine,
    StateTask,
    Subscription,
    Table,
)

BASE = "/api/v1/apps/marketplace"
TABLES = ("marketplace",)
GATE = ("registry", "tenants")  # what the app's gate asks (apps/marketplace/access.py)


def _route(method: str, path: str, status: int = 200) -> Route:
    return Route(method, BASE + path, status=status)


SERVICE = Service(
    name="marketplace",
    layer=Layer.APPLICATION,
    package="apps",
    tables=(Table("marketplace", indexes=2),),
    state_machines=(StateMachine("order-saga", saga_definition.definition, tasks=saga_definition.TASKS),),
    functions=(
        # --- catalog -------------------------------------------------------------------------------
        Function(
            "products-list",
            _route("GET", "/products"),
            tables=TABLES,
            calls=GATE,
            description="The storefront's products, newest first, of one category if given (public).",
        ),
        Function(
            "products-categories",
            _route("GET", "/products/categories"),
            tables=TABLES,
            calls=GATE,
            description="The storefront's categories with their product counts (public).",
        ),
        Function(
            "products-get",
            _route("GET", "/products/{productId}"),
            tables=TABLES,
            calls=GATE,
            description="One product of the storefront (public).",
        ),
        Function(
            "products-create",
            _route("POST", "/products", 201),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            description="Add a product (product.write); emits product.created.",
        ),
        Function(
            "products-update",
            _route("PUT", "/products/{productId}"),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            description="Replace a product's fields (product.write); emits product.updated.",
        ),
        Function(
            "products-delete",
            _route("DELETE", "/products/{productId}", 204),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            description="Remove a product no order holds stock of (product.write); emits product.deleted.",
        ),
        Function(
            "products-certify",
            _route("POST", "/products/{productId}/certify"),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            description="Ask for certification at a level (product.write): the request is pending.",
        ),
        Function(
            "certification-get",
            _route("GET", "/products/{productId}/certification"),
            tables=TABLES,
            calls=GATE,
            description="A product's certification (public).",
        ),
        Function(
            "certification-decide",
            _route("PUT", "/products/{productId}/certification"),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            description="Approve (with a level) or reject a pending certification (product.certify).",
        ),
        Function(
            "inventory-get",
            _route("GET", "/products/{productId}/inventory"),
            tables=TABLES,
            calls=GATE,
            description="A product's available and reserved stock (public).",
        ),
        Function(
            "inventory-put",
            _route("PUT", "/products/{productId}/inventory"),
            tables=TABLES,
            calls=GATE,
            description="Set a product's available stock (product.write).",
        ),
        # --- orders and the saga -------------------------------------------------------------------
        Function(
            "orders-create",
            _route("POST", "/orders", 201),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            starts=("order-saga",),
            description="Place an order (Idempotency-Key) and start its saga: reserve, charge, confirm.",
        ),
        Function(
            "orders-get",
            _route("GET", "/orders/{orderId}"),
            tables=TABLES,
            calls=GATE,
            description="An order with its status, reason and each saga step (its customer, order.read).",
        ),
        Function(
            "orders-cancel",
            _route("POST", "/orders/{orderId}/cancel"),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            timeout=20,
            description="Cancel a paid order: refunded (payment.refunded), order.cancelled.",
        ),
        Function(
            "saga-reserve",
            StateTask("order-saga"),
            tables=TABLES,
            description="Saga step: reserve every line's stock, all or nothing.",
        ),
        Function(
            "saga-charge",
            StateTask("order-saga"),
            tables=TABLES,
            timeout=saga_definition.CHARGE_TIMEOUT_SECONDS,
            description="Saga step: charge through the payment provider (idempotent on the order id).",
        ),
        Function(
            "saga-confirm",
            StateTask("order-saga"),
            tables=TABLES,
            publishes=True,
            description="Saga step: settle the stock and mark the order paid (order.paid).",
        ),
        Function(
            "saga-compensate",
            StateTask("order-saga"),
            tables=TABLES,
            publishes=True,
            timeout=20,
            description="Saga step: refund or void, release the stock, cancel with the reason.",
        ),
        Function(
            "reservations-job",
            Schedule("rate(1 minute)"),
            tables=TABLES,
            calls=("monitoring",),  # its job record (shared.jobs)
            publishes=True,
            timeout=60,
            description="Release reservations not confirmed within 15 minutes and cancel their orders.",
        ),
        # --- creators ------------------------------------------------------------------------------
        Function(
            "creators-register",
            _route("POST", "/creators/register", 201),
            tables=TABLES,
            calls=GATE,
            description="Register the caller as a creator (pending until verified).",
        ),
        Function(
            "creators-get",
            _route("GET", "/creators/{creatorId}"),
            tables=TABLES,
            calls=GATE,
            description="A creator's profile (the creator themself, or creator.review).",
        ),
        Function(
            "creators-verify",
            _route("POST", "/creators/{creatorId}/verify"),
            tables=TABLES,
            calls=GATE,
            description="Submit verification documents (file ids): under review.",
        ),
        Function(
            "creators-verification",
            _route("PUT", "/creators/{creatorId}/verification"),
            tables=TABLES,
            calls=GATE,
            description="Verify or reject a creator under review (creator.review).",
        ),
        Function(
            "portfolio-list",
            _route("GET", "/creators/{creatorId}/portfolio"),
            tables=TABLES,
            calls=GATE,
            description="A creator's portfolio items with their review status.",
        ),
        Function(
            "portfolio-create",
            _route("POST", "/creators/{creatorId}/portfolio", 201),
            tables=TABLES,
            calls=GATE,
            description="Add a portfolio item (draft).",
        ),
        Function(
            "portfolio-update",
            _route("PUT", "/creators/{creatorId}/portfolio/{itemId}"),
            tables=TABLES,
            calls=GATE,
            description="Edit a draft or rejected portfolio item.",
        ),
        Function(
            "portfolio-submit",
            _route("POST", "/creators/{creatorId}/portfolio/{itemId}/submit"),
            tables=TABLES,
            calls=GATE,
            description="Submit a draft portfolio item for review.",
        ),
        Function(
            "portfolio-review",
            _route("POST", "/creators/{creatorId}/portfolio/{itemId}/review"),
            tables=TABLES,
            calls=GATE,
            description="Review a portfolio item (creator.review): start, approve, reject.",
        ),
        Function(
            "creators-revenue",
            _route("GET", "/creators/{creatorId}/revenue"),
            tables=TABLES,
            calls=GATE,
            description="A creator's revenue: earned, pending payout, paid out (own only).",
        ),
        Function(
            "payouts-list",
            _route("GET", "/creators/{creatorId}/payouts"),
            tables=TABLES,
            calls=GATE,
            description="A creator's payouts (own only, or payout.manage).",
        ),
        Function(
            "payouts-request",
            _route("POST", "/creators/{creatorId}/payouts", 201),
            tables=TABLES,
            calls=GATE,
            description="Request a payout of available revenue (verified creators).",
        ),
        Function(
            "payouts-job",
            Schedule("rate(5 minutes)"),
            tables=TABLES,
            calls=("monitoring",),  # its job record (shared.jobs)
            publishes=True,
            timeout=60,
            description="Process requested payouts: requested → paid out, payout.processed.",
        ),
        # --- search ------------------------------------------------------------------------------
        Function(
            "search-products",
            _route("POST", "/search"),
            tables=TABLES,
            calls=GATE,
            bucket=True,
            memory=1024,
            description="Full-text search of the storefront: filters, sort, facets, highlights (public).",
        ),
        Function(
            "search-autocomplete",
            _route("GET", "/search/autocomplete"),
            tables=TABLES,
            calls=GATE,
            bucket=True,
            memory=1024,
            description="Product names and terms completing what was typed (public).",
        ),
        Function(
            "search-rebuild",
            _route("POST", "/search/index/rebuild", 202),
            tables=TABLES,
            calls=GATE,
            publishes=True,
            description="Rebuild the tenant's search index from the catalog (product.write), asynchronously.",
        ),
        Function(
            "search-status",
            _route("GET", "/search/index/status"),
            tables=TABLES,
            calls=GATE,
            description="The tenant's search index: version, documents, status, build time.",
        ),
        # --- analytics ---------------------------------------------------------------------------
        Function(
            "events-ingest",
            _route("POST", "/events", 202),
            tables=TABLES,
            calls=GATE,
            description="Count one storefront event in the tenant's daily aggregates (public).",
        ),
        Function(
            "events-batch",
            _route("POST", "/events/batch", 202),
            tables=TABLES,
            calls=GATE,
            description="Count up to 500 storefront events at once (public).",
        ),
        Function(
            "analytics-overview",
            _route("GET", "/analytics/overview"),
            tables=TABLES,
            calls=GATE,
            description="Views, orders, revenue, conversion over a date range (analytics.read).",
        ),
        Function(
            "analytics-product",
            _route("GET", "/analytics/products/{productId}"),
            tables=TABLES,
            calls=GATE,
            description="One product's views, orders, units, revenue over a date range (analytics.read).",
        ),
        Function(
            "subscriber",
            Subscription(
                (
                    "order.paid",
                    "payment.refunded",
                    "product.*",
                    "search.index_rebuild_requested",
                    "tenant.deleted",
                ),
                visibility_timeout=960,
            ),
            tables=TABLES,
            bucket=True,
            timeout=900,
            memory=2048,
            description="Credit creators (and reverse); keep the search index current; purge deleted tenants",
        ),
        # --- GraphQL's reads of the app's types (graphql_types.py) ---------------------------------
        read_function("marketplace", tables=TABLES, calls=GATE),
    ),
    graphql=GRAPHQL,
)
