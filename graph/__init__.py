"""detgraph graph: one networkx graph over the records, with indices and analytics."""
