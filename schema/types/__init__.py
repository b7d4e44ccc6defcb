"""GraphQL types; each wraps a domain record through ``from_record``."""
