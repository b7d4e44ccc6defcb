"""Analytics: pure functions of a :class:`~graph.store.KnowledgeGraph`, grouped by topic."""
