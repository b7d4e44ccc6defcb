"""The Node interface: every graph node kind has a global id ``<kind>:<key>``."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object in the knowledge graph, addressable by its global id `<kind>:<key>`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global id, e.g. `technique:T1567.002`.")
