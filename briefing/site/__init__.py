"""The site side: what the Pelican plugins compute, over plain data (settings, facet index,
related scoring, site files, search bundles, safe Markdown, link check, build state, caches,
the output ledger). No Pelican objects here; ``plugins/`` adapts them."""
