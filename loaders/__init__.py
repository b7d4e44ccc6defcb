"""detgraph loaders: read upstream detection content into vendor-neutral records."""
