"""The ingest side: raw pages become briefings (the pipeline, the cleaner, the tagger,
retag). Never imports Pelican or the site side."""
