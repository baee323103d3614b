"""The health app's types in the GraphQL read API (shared.app_graphql; docs/graphql.md "App types"): the
caller's readings (or a granting owner's) and consultations, each with its expert (batched). Answered by
`graphql_read.py` with the same domain calls as the REST routes."""

from shared.app_graphql import AppField, GraphQLContribution

SDL = """
extend type Query {
  "The caller's readings, oldest first, by type and time range; `userId`: a granting owner's (health)."
  readings(
    type: String, from: String, to: String, userId: ID, pageSize: Int = 50, cursor: String
  ): ReadingPage
  "The caller's consultations (the slots they booked), oldest first, at most 100 (health)."
  consultations: [Consultation!]
  "Experts waiting for verification, oldest first: the verifier's queue (health.expert.verify) (health)."
  pendingExperts: [Expert!]
}

type Reading {
  readingId: ID!
  userId: ID!
  type: String!
  "A number, or an object of numbers (blood_pressure: {systolic, diastolic})."
  value: JSON!
  unit: String!
  measuredAt: String!
  createdAt: String!
  outOfRange: Boolean!
}

type ReadingPage {
  items: [Reading!]!
  nextCursor: String
}

type Expert {
  expertId: ID!
  name: String!
  specialty: String!
  bio: String
  status: String!
  createdAt: String!
  verifiedAt: String
}

type Consultation {
  consultationId: ID!
  slotId: ID!
  expertId: ID!
  userId: ID!
  startsAt: String!
  status: String!
  createdAt: String!
  updatedAt: String
  "The expert (null if no longer verified; one batched call for every consultation of the list)."
  expert: Expert
}
"""

GRAPHQL = GraphQLContribution(
    sdl=SDL,
    fields=(
        AppField("Query", "readings", "readings", paged=True),
        AppField("Query", "consultations", "consultations", estimate=20),
        AppField("Query", "pendingExperts", "pendingExperts", permission="health.expert.verify", estimate=20),
        AppField("Consultation", "expert", "expertsById", key="expertId"),
    ),
)
