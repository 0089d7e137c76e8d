"""What's New: public news feeds fetched, normalised, matched to accounts, classified."""
