"""The core both sides share: front matter, the vocabulary, the facet list, slugs, the error
base class, and writing files and digests. No Pelican, no trafilatura, no lxml here."""
