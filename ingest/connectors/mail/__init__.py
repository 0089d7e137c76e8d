"""Raw mail connectors: mbox, maildir and .eml files into the canonical extract."""

from ingest.connectors.mail.convert import convert_eml, convert_maildir, convert_mbox

__all__ = ["convert_eml", "convert_maildir", "convert_mbox"]
