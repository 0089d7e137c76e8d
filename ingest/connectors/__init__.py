"""Connectors: map real exports (mail, calendars, CRM) into the canonical extract contract."""
