"""What every CRM connector guarantees, checked on each: clean landing and clear errors for bad exports."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from ingest.connectors.crm import dynamics, hubspot, salesforce
from ingest.connectors.crm.errors import ConnectorInputError
from tests.connectors.crm_exports import convert, convert_fixture, convert_shared, read
from tests.connectors.extract_batches import assert_lands_without_quarantine

CONNECTORS = [dynamics, salesforce, hubspot]
ids = [c.CONNECTOR for c in CONNECTORS]


@pytest.mark.parametrize(
    ("connector", "counts"),
    [
        (dynamics, (15, 9, 3, 1, 2)),  # 8 e-mail rows, 3 appointments, 4 phone calls
        (salesforce, (18, 11, 4, 2, 1)),  # 3 EmailMessage + 10 Task + 5 Event rows
        # 13 engagement inputs (7 in the engagement table, 6 further detail rows) + 2 marketing sends
        (hubspot, (15, 7, 5, 1, 2)),
    ],
    ids=ids,
)
def test_every_activity_input_is_accounted_for(connector: ModuleType, counts: tuple[int, ...], tmp_path_factory: pytest.TempPathFactory) -> None:
    out, report = convert_fixture(connector, tmp_path_factory)
    assert (report.inputs_read, report.activities, report.excluded, report.duplicates, report.rejected) == counts
    assert report.accounted == report.inputs_read
    assert len(read(out, "activities")) == report.activities
    assert len(read(out, "excluded_activities")) == report.excluded


@pytest.mark.parametrize("connector", CONNECTORS, ids=ids)
def test_output_lands_without_quarantine(connector: ModuleType, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    out, _ = convert_fixture(connector, tmp_path_factory)
    assert_lands_without_quarantine(out, tmp_path / "landed")


@pytest.mark.parametrize("connector", [salesforce, hubspot], ids=["salesforce", "hubspot"])
def test_real_export_lands_without_quarantine(connector: ModuleType, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    out, _ = convert_shared(connector, tmp_path_factory)
    assert_lands_without_quarantine(out, tmp_path / "landed")


@pytest.mark.parametrize(
    ("connector", "file_name", "header", "column"),
    [
        (dynamics, "activityparty.csv", "activityid,addressused\n", "participationtypemask"),
        (dynamics, "opportunity.csv", "opportunityid,name,ownerid,createdon,parentaccountid,stepname\n", "statecode"),
        (dynamics, "email.csv", "subject,senton\n", "activityid"),
        (salesforce, "Opportunity.csv", "Id,AccountId,OwnerId,Name,CreatedDate\n", "StageName"),
        (salesforce, "User.csv", "Id,Name\n", "Email"),
        (salesforce, "Task.csv", "Id,Subject\n", "ActivityDate"),
        (hubspot, "email_event_data.csv", "id,type,recipient\n", "created"),
        (hubspot, "engagement_contact.csv", "engagement_id,engagement_type\n", "contact_id"),
        (hubspot, "owner.csv", "owner_id,first_name\n", "email"),
    ],
)
def test_missing_required_column_is_a_clear_error(tmp_path: Path, connector: ModuleType, file_name: str, header: str, column: str) -> None:
    (tmp_path / file_name).write_text(header, encoding="utf-8")
    with pytest.raises(ConnectorInputError) as info:
        convert(connector, tmp_path, tmp_path / "out")
    assert file_name in str(info.value) and column in str(info.value)
    assert isinstance(info.value, ValueError)  # callers that know only ValueError still catch it
