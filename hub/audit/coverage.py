"""What the signatures must cover. The ledger signs a checkpoint every N events or T seconds, whichever comes
first (``hub.audit.checkpoint``), so a log that holds more unsigned events than that, or unsigned events
written well after a checkpoint fell due, lost its checkpoints: they were deleted, and the events they
signed may have been rewritten with them. That is a failure of the log, not a warning.

A log cut back to an older checkpoint, or whose unsigned tail was cut, still looks whole by this rule:
only a checkpoint kept outside the database shows that (``hub.audit.witness``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hub.audit.chain import Report

STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # occurred_at as the event bytes spell it


@dataclass(frozen=True)
class Coverage:
    every_events: int = 1000
    every_seconds: int = 60
    # Between an event's occurred_at and its append a request may run a while (an adapter FETCH, say).
    slack_seconds: int = 300


def check(report: Report, coverage: Coverage, covered_at: object, last_at: object) -> None:
    """Fail ``report`` when the unsigned events after its newest checkpoint are more than the ledger leaves.
    ``covered_at`` and ``last_at``: when the newest signed event and the last event happened."""
    if not report.intact or report.last_seq == 0:
        return
    newest = report.newest_checkpoint or 0
    if newest == 0:
        report.fail(1, f"events 1..{report.last_seq} are covered by no signed checkpoint: the log may have been "
                    "rewritten whole and its checkpoints deleted")
        return
    unsigned = report.last_seq - newest
    if unsigned <= 0:
        return
    if unsigned >= coverage.every_events:
        report.fail(newest + 1, f"{unsigned} events after the newest checkpoint (size {newest}), where a "
                    f"checkpoint was due every {coverage.every_events}: checkpoints were deleted, and events "
                    f"{newest + 1}..{report.last_seq} cannot be trusted")
        return
    gap = _between(covered_at, last_at)
    if gap is not None and gap > timedelta(seconds=coverage.every_seconds + coverage.slack_seconds):
        report.fail(newest + 1, f"event {report.last_seq} happened {gap} after the newest checkpoint (size "
                    f"{newest}), where a checkpoint was due every {coverage.every_seconds} s: checkpoints "
                    f"were deleted, and events {newest + 1}..{report.last_seq} cannot be trusted")
        return
    report.warnings.append(f"{unsigned} event(s) after the newest checkpoint (size {newest}) are not yet signed")


def _between(start: object, end: object) -> timedelta | None:
    try:
        return _moment(end) - _moment(start)
    except (TypeError, ValueError):
        return None


def _moment(stamp: object) -> datetime:
    if not isinstance(stamp, str):
        raise TypeError(stamp)
    return datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
