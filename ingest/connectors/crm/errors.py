"""Errors the CRM connectors raise for an export that cannot be converted as a whole."""

from __future__ import annotations


class ConnectorInputError(ValueError):
    """The export folder or one of its files cannot be read as a whole.

    Raised for a missing required column, an unreadable file, two files for the same object,
    or a folder holding none of the connector's objects. Problems with single rows never raise:
    those rows go to ``source_rejections``.
    """
