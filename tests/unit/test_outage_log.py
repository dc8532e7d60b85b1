"""The storage outage log: one line when a burst starts, one when storage answers again, none between."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import exc

from hub.web.outage import OutageLog, is_storage_failure


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_one_line_and_its_end_another(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    outage = OutageLog(clock, quiet_seconds=30)
    error = exc.OperationalError("SELECT 1", {"name": "Amelia Hart"}, ConnectionError("gone"))
    with caplog.at_level(logging.INFO, logger="hub.outage"):
        for _ in range(1700):
            outage.failed(error)
            clock.now += 0.005
        outage.succeeded()
        outage.succeeded()
        clock.now += 60
        outage.failed(error)  # a new outage, after a quiet spell
    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 3, messages
    assert "storage unavailable" in messages[0] and "1700 request(s)" in messages[1]
    assert all("Amelia" not in message for message in messages)  # types only, never a driver's message


def test_what_counts_as_a_storage_failure() -> None:
    assert is_storage_failure(exc.OperationalError("SELECT 1", {}, ConnectionError("gone")))
    try:
        try:
            raise exc.OperationalError("SELECT 1", {}, ConnectionError("gone"))
        except exc.OperationalError as cause:
            raise RuntimeError("the rollback failed too") from cause
    except RuntimeError as wrapped:
        assert is_storage_failure(wrapped)
    assert not is_storage_failure(ValueError("a bug, not an outage"))
