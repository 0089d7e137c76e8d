"""CRM export connectors: Dynamics 365 / Dataverse, Salesforce and HubSpot.

Each module (`dynamics`, `salesforce`, `hubspot`) exposes
``convert(input_dir, out_dir, *, batch_name, config) -> ConversionReport``, reading a folder with
one file per CRM object and writing one canonical extract batch. The modules are imported on
demand, so a problem in one never stops the others.
"""

from __future__ import annotations

from ingest.connectors.crm.errors import ConnectorInputError

__all__ = ["ConnectorInputError"]
