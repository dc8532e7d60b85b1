"""The contract every adapter passes, against its live simulator on a loopback port.

An adapter's test module subclasses ``AdapterContract`` and provides the ``simulator`` and ``adapter``
fixtures; every test here then runs against it (as Singer SDK and Airbyte CDK connector tests do).
"""

from __future__ import annotations

import pytest

from adapters.simulation import Simulator
from hub.adapters.contract import (
    Adapter,
    AgencyUnavailableError,
    BadRecordError,
    CallContext,
    Capability,
    CapabilityNotDeclaredError,
    Category,
    Notification,
    RawItem,
    SourceRecord,
    is_valid_nhs_number,
)

CONTEXT = CallContext("contract-test-0001", "tester@hub.example", "AGENCY_RECORD_SYNC")


def pull_all(adapter: Adapter, cursor: str | None = None) -> tuple[list[RawItem], str | None]:
    items: list[RawItem] = []
    for _ in range(100):
        batch = adapter.pull(cursor, CONTEXT)
        items += batch.items
        cursor = batch.next_cursor
        if not batch.has_more:
            return items, cursor
    raise AssertionError("the adapter never said it had pulled everything")


class AdapterContract:
    """Tests every adapter passes. Subclasses provide the ``simulator`` and ``adapter`` fixtures."""

    def test_declares_what_it_is(self, adapter: Adapter) -> None:
        assert adapter.name and adapter.system and adapter.agency_code
        assert adapter.capabilities and adapter.capabilities <= set(Capability)
        assert adapter.record_kinds and adapter.record_kinds <= set(Category)

    def test_check_answers_when_the_system_is_up(self, adapter: Adapter) -> None:
        adapter.check(CONTEXT)

    def test_every_call_carries_request_id_user_and_purpose(
        self, adapter: Adapter, simulator: Simulator
    ) -> None:
        adapter.check(CONTEXT)
        adapter.pull(None, CONTEXT)
        for call in simulator.log.calls[-2:]:
            assert call.headers["x-request-id"] == CONTEXT.request_id
            assert call.headers["x-hub-user"] == CONTEXT.user
            assert call.headers["x-hub-purpose"] == CONTEXT.purpose

    def test_pulls_everything_then_nothing_new(self, adapter: Adapter) -> None:
        items, cursor = pull_all(adapter)
        assert items and len({i.source_id for i in items}) == len(items)
        again, _ = pull_all(adapter, cursor)
        assert again == []

    def test_maps_every_simulated_item_to_a_source_record(self, adapter: Adapter) -> None:
        items, _ = pull_all(adapter)
        for item in items:
            record = adapter.map(item)
            assert isinstance(record, SourceRecord) and record.version >= 1
            assert record.person.local_id and record.person.family_name
            if record.person.nhs_number:
                assert is_valid_nhs_number(record.person.nhs_number)
            if record.record is not None:
                assert record.record.category in adapter.record_kinds
                assert record.record.summary.strip()

    def test_mapping_is_pure(self, adapter: Adapter, simulator: Simulator) -> None:
        items, _ = pull_all(adapter)
        calls = len(simulator.log.calls)
        assert [adapter.map(i) for i in items[:5]] == [adapter.map(i) for i in items[:5]]
        assert len(simulator.log.calls) == calls

    def test_a_malformed_item_is_a_bad_record_with_a_reason(self, adapter: Adapter) -> None:
        with pytest.raises(BadRecordError) as raised:
            adapter.map(RawItem("broken-1", {"nonsense": True}))
        assert raised.value.reason

    def test_undeclared_capabilities_cannot_be_reached(self, adapter: Adapter) -> None:
        if Capability.FETCH not in adapter.capabilities:
            with pytest.raises(CapabilityNotDeclaredError):
                adapter.fetch("anything", CONTEXT)
        if Capability.DELIVER not in adapter.capabilities:
            with pytest.raises(CapabilityNotDeclaredError):
                adapter.deliver(Notification("RECORD_READ", None, "read"), CONTEXT)

    def test_a_system_answering_500_is_retried_then_unavailable(
        self, adapter: Adapter, simulator: Simulator
    ) -> None:
        simulator.faults.status = 500
        before = len(simulator.log.calls)
        with pytest.raises(AgencyUnavailableError, match="HTTP 500"):
            adapter.pull(None, CONTEXT)
        assert len(simulator.log.calls) - before == adapter.config.max_attempts

    def test_a_slow_system_times_out_then_is_unavailable(
        self, adapter: Adapter, simulator: Simulator
    ) -> None:
        simulator.faults.delay_seconds = adapter.config.timeout_seconds + 0.5
        with pytest.raises(AgencyUnavailableError, match="no answer within"):
            adapter.check(CONTEXT)

    def test_an_oversized_answer_is_refused(self, adapter: Adapter, simulator: Simulator) -> None:
        simulator.faults.oversize = True
        with pytest.raises(AgencyUnavailableError, match="cap"):
            adapter.pull(None, CONTEXT)

    def test_a_stopped_system_is_unavailable(self, adapter: Adapter, simulator: Simulator) -> None:
        simulator.stop()
        try:
            with pytest.raises(AgencyUnavailableError, match="connection failed"):
                adapter.check(CONTEXT)
        finally:
            simulator.requested_port = simulator.port
            simulator.start()

    def test_after_a_transient_failure_the_retry_succeeds(
        self, adapter: Adapter, simulator: Simulator
    ) -> None:
        simulator.faults.status, simulator.faults.remaining = 503, 1
        adapter.check(CONTEXT)
