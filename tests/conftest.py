"""How the suite is shared between pytest-xdist workers (`make test` runs `-n auto`), and the run's
summary of the warehouse targets.

A fixture is built once per worker that runs a test needing it. So every module is a group of its
own (its module fixtures are built once), and the directories whose fixtures are session-wide (a
simulated organisation, a trained scorer, the Spark server) are one group each; a worker runs a
group whole (GroupScheduling). Groups are handed to the workers in collection order, so the longest
ones are collected first: a long group started last would leave one worker running it alone at the
end. (xdist's own `loadgroup` marks cannot be used: they rename test ids in a way pytest 9.2 no
longer takes.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import target_outcomes

TESTS = Path(__file__).resolve().parent

# a folder or file under tests/ -> its group: its tests share session-scoped fixtures
SESSION_GROUPS = {
    "scoring": "scoring",
    "simulator": "simulator",
    # the Spark server is session-wide; its users are the three-target pipelines and the Spark tests
    "targets/test_target_pipelines.py": "spark",
    "targets/test_spark_warehouse.py": "spark",
}
# The longest groups, longest first (summed seconds of a `make test` on a 2-core machine: the
# three-target pipelines with the Spark tests 470, the scorer's fixtures and tests 360, the
# kill-recovery pair 190, the pipeline tests 170, the dbt builds 130, PostgreSQL's dbt 100, Enron end
# to end 60, the hygiene findings 40; every other file under 25). Groups left to the end are short,
# so no worker is left running a long one alone.
LONGEST_FIRST = (
    "spark",
    "scoring",
    "orchestration/test_kill_recovery.py",
    "orchestration/test_pipeline.py",
    "dbt/test_dbt_build.py",
    "targets/test_postgres_dbt.py",
    "connectors/test_enron_end_to_end.py",
    "quality/test_hygiene_findings.py",
)


def group_of(path: Path) -> str:
    """The xdist group of a test file: its session group, else the file itself."""
    relative = path.resolve().relative_to(TESTS).as_posix()
    for prefix, group in SESSION_GROUPS.items():
        if relative == prefix or relative.startswith(prefix + "/"):
            return group
    return relative


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest groups first; within a rank, collection order is kept (a stable sort)."""
    rank = {group: i for i, group in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(group_of(item.path), len(rank)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):  # noqa: ANN001, ANN201 - xdist's hook
    """xdist's scheduling by scope, with this suite's groups as the scopes."""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(config.rootpath / nodeid.split("::", 1)[0])

    # xdist's scope scheduling reorders the scopes by their number of tests unless told not to,
    # which would hand out the many quick parametrised files first and the long groups last
    config.option.loadscopereorder = False
    return GroupScheduling(config, log)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand the warehouse targets' outcomes to the controller."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[target_outcomes.KEY] = dict(target_outcomes.OUTCOMES)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:  # noqa: ANN001 - xdist's hook (WorkerController, error text)
    """On the xdist controller, gather the outcomes each worker handed over."""
    target_outcomes.OUTCOMES.update(getattr(node, "workeroutput", {}).get(target_outcomes.KEY, {}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly which warehouse targets the suite ran on and why any was skipped."""
    if target_outcomes.OUTCOMES:
        terminalreporter.section("warehouse targets")
        terminalreporter.write_line("duckdb: ran (embedded)")
        for target, outcome in sorted(target_outcomes.OUTCOMES.items()):
            terminalreporter.write_line(f"{target}: {outcome}")

