"""The marketplace's types in the GraphQL read API (shared.app_graphql; docs/graphql.md "App types"): the
storefront's products and the caller's orders, each line with its product (batched). Answered by
`graphql_read.py` with the same domain calls as the REST routes."""

from shared.app_graphql import AppField, GraphQLContribution

SDL = """
extend type Query {
  "The tenant's products, newest first, of one category if given (marketplace; public for the tenant)."
  products(category: String, pageSize: Int = 20, cursor: String): ProductPage
  "One product of the tenant (marketplace)."
  product(productId: ID!): Product
  "The caller's own orders, newest first (marketplace)."
  orders(pageSize: Int = 20, cursor: String): OrderPage
  "One order: the caller's own, or any with order.read (marketplace)."
  order(orderId: ID!): Order
}

"An amount in integer minor units of its currency."
type Money {
  amount: Int!
  currency: String!
}

type ProductCertification {
  status: String!
  level: String
}

type Product {
  productId: ID!
  name: String!
  description: String!
  category: String!
  pricing: Money!
  specifications: JSON
  tags: [String!]!
  images: [String!]!
  creatorId: ID
  status: String!
  certification: ProductCertification!
  createdAt: String!
  updatedAt: String!
}

type ProductPage {
  items: [Product!]!
  total: Int!
  nextCursor: String
}

type OrderLine {
  productId: ID!
  name: String!
  quantity: Int!
  unitPrice: Int!
  totalPrice: Int!
  creatorId: ID
  "The product as it is now (null if deleted; one batched call for every line of a page of orders)."
  product: Product
}

type OrderPayment {
  status: String!
  chargeId: String
  amount: Int!
  currency: String!
}

type SagaStep {
  name: String!
  status: String!
  at: String!
  detail: String
}

type Order {
  orderId: ID!
  status: String!
  reason: String
  customerId: ID!
  items: [OrderLine!]!
  total: Money!
  payment: OrderPayment!
  reservation: String!
  steps: [SagaStep!]!
  createdAt: String!
  updatedAt: String!
}

type OrderPage {
  items: [Order!]!
  nextCursor: String
}
"""

GRAPHQL = GraphQLContribution(
    sdl=SDL,
    fields=(
        AppField("Query", "products", "products", paged=True),
        AppField("Query", "product", "product"),
        AppField("Query", "orders", "orders", paged=True),
        AppField("Query", "order", "order"),
        AppField("OrderLine", "product", "productsById", key="productId"),
    ),
)
