"""detgraph schema: the Strawberry GraphQL API, the Starlette app and the CLI."""
