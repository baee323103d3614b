"""gateway (application layer): orchestrators of cross-service public flows, the authorizer, the API doc."""
