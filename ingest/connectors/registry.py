"""Which connectors exist, by the kind of export they read, and how a caller runs one.

The CLI (`relintel convert KIND`) and the Dagster connector assets both dispatch through here.
A connector is imported only when used, so a broken or missing one breaks only itself.
"""

from __future__ import annotations

import datetime as dt
import importlib

MAIL_KINDS = ("mbox", "maildir", "eml")  # ingest.connectors.mail.convert_<kind>
CRM_KINDS = ("dynamics", "salesforce", "hubspot")  # ingest.connectors.crm.<kind>.convert
FILE_KINDS = frozenset({"mbox", "eml", "ics"})  # the input may be a single file for these, not only a folder

# kind -> (module, function)
CONNECTORS: dict[str, tuple[str, str]] = {
    **{kind: ("ingest.connectors.mail", f"convert_{kind}") for kind in MAIL_KINDS},
    "ics": ("ingest.connectors.ics", "convert"),
    **{kind: (f"ingest.connectors.crm.{kind}", "convert") for kind in CRM_KINDS},
}


def load_connector(kind: str):  # type: ignore[no-untyped-def]
    """The convert function of a connector kind (imported on first use)."""
    module_name, function = CONNECTORS[kind]
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise RuntimeError(f"the {kind} connector is not available ({module_name}: {exc})") from exc
    if not hasattr(module, function):
        raise RuntimeError(f"the {kind} connector ({module_name}) has no {function}() function")
    return getattr(module, function)


def default_batch_name(kind: str) -> str:
    """A batch name that sorts by conversion time and never collides with another connector's."""
    return f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{kind}"
