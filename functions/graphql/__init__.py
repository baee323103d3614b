"""graphql (edge): the read API over the platform (docs/graphql.md)."""
