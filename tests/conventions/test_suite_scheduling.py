"""The suite's own scheduling (tests/conftest.py): the longest groups go to the workers first, so
no worker is left running a long group alone at the end of `make test`."""

from __future__ import annotations

import types

from tests import conftest


class Worker:
    """What xdist's scheduler asks of a worker: it records the tests it is sent."""

    def __init__(self, name: str) -> None:
        self.gateway = types.SimpleNamespace(id=name)
        self.sent: list[int] = []
        self.shutting_down = False

    def send_runtest_some(self, indices: list[int]) -> None:
        self.sent.extend(indices)

    def shutdown(self) -> None:
        self.shutting_down = True


def test_the_longest_groups_are_handed_out_first_however_many_tests_the_others_hold() -> None:
    longest = conftest.LONGEST_FIRST[0]
    collection = [f"tests/connectors/test_many_quick_cases.py::test_case[{n}]" for n in range(40)]
    collection += ["tests/targets/test_target_pipelines.py::test_one", "tests/scoring/test_training.py::test_two"]
    # the order the suite's collection hook gives: the longest groups first
    collection.sort(key=lambda nodeid: conftest.group_of(conftest.TESTS.parent / nodeid.split("::")[0])
                    not in conftest.LONGEST_FIRST)
    # xdist's default: scopes reordered by their number of tests
    config = types.SimpleNamespace(getvalue=lambda name: ["2*popen"], rootpath=conftest.TESTS.parent,
                                   option=types.SimpleNamespace(loadscopereorder=True))
    scheduler = conftest.pytest_xdist_make_scheduler(config, None)
    workers = [Worker("gw0"), Worker("gw1")]
    for worker in workers:
        scheduler.add_node(worker)
        scheduler.add_node_collection(worker, collection)
    scheduler.schedule()

    first_groups = [conftest.group_of(conftest.TESTS.parent / collection[w.sent[0]].split("::")[0]) for w in workers]
    assert first_groups == [longest, "scoring"]
