"""Walking the chain: the checks ``hub audit verify`` makes, whatever the events are read from.

Events are fed in the order read (by sequence number for a database, line by line for an export). The walk
stops at the first event that fails, and names the first sequence number that is not as it was recorded:

- a gap in the numbers: the missing event was deleted;
- an event whose prev_hash is not the hash of the event before: when it names an earlier event's hash, the
  events in between were inserted; otherwise this event (or its link) was altered or moved;
- an event whose hash is not the hash of its stored bytes: it was edited;
- a chain that does not reach the root a signed checkpoint recorded: events were rewritten and re-hashed
  after the previous checkpoint;
- a checkpoint beyond the last event: the events after the last one were deleted.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from hub.audit.entry import FORMAT, GENESIS_HASH

# How far back an inserted run can be recognised by the hash the next event still names.
_RECENT = 4096


@dataclass
class Report:
    events: int = 0  # events whose content was checked
    omitted: int = 0  # events an export shows only as digests
    checkpoints: int = 0  # checkpoints that verified
    newest_checkpoint: int | None = None
    last_seq: int = 0
    first_bad: int | None = None
    problem: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.first_bad is None

    def fail(self, seq: int, problem: str) -> None:
        if self.first_bad is None or seq < self.first_bad:
            self.first_bad, self.problem = seq, problem


class ChainWalk:
    """Checks events one by one against the chain rules and the verified checkpoint roots."""

    def __init__(self, report: Report, roots: dict[int, str], *, after_seq: int = 0,
                 after_hash: str = GENESIS_HASH, recheck: Callable[[int], str] | None = None) -> None:
        """``recheck(seq)`` gives the exact event digest when a fast one (made by the database) fails."""
        self.report = report
        self._recheck = recheck
        self.roots = roots  # size -> root hash of every checkpoint that verified
        self.first = self.expected = after_seq + 1
        self.prev = after_hash
        self.last_good_root = after_seq  # the newest checkpoint the walk has matched so far
        self._recent: deque[tuple[int, str]] = deque(maxlen=_RECENT)  # events checked one by one
        self._runs: deque[Sequence[tuple[int, str, str, bytes]]] = deque(maxlen=2)  # and in runs
        self.stopped = False

    def event(self, seq: int, prev_hash: str | None, stored_hash: str | None, digest_hex: str) -> bool:
        """One event; ``prev_hash``/``stored_hash`` are None for an export's omitted events. False stops."""
        if seq != self.expected:
            if seq > self.expected:
                return self._stop(self.expected, f"events {self.expected}..{seq - 1} are missing: deleted")
            return self._stop(seq, f"event {seq} appears after event {self.expected - 1}: out of order")
        computed = hashlib.sha256(f"{FORMAT} {seq} {self.prev} {digest_hex}".encode()).hexdigest()
        if stored_hash is not None and (computed != stored_hash or prev_hash != self.prev):
            if self._recheck is not None:
                digest_hex = self._recheck(seq)
                computed = hashlib.sha256(f"{FORMAT} {seq} {self.prev} {digest_hex}".encode()).hexdigest()
            if prev_hash != self.prev:
                return self._broken_link(seq, prev_hash or "", stored_hash, digest_hex)
            if computed != stored_hash:
                return self._stop(seq, f"event {seq} is not as recorded: its content was edited")
        root = self.roots.get(seq)
        if root is not None:
            if root != computed:
                return self._stop(self.last_good_root + 1,
                                  f"the chain does not reach the root signed at size {seq}: events "
                                  f"{self.last_good_root + 1}..{seq} were rewritten and re-hashed")
            self.last_good_root = seq
        self._recent.append((seq, computed))
        self.prev = computed
        self.expected = seq + 1
        if stored_hash is None:
            self.report.omitted += 1
        else:
            self.report.events += 1
        return True

    def run(self, events: Sequence[tuple[int, str, str, bytes]]) -> bool:
        """Many events given as (seq, prev_hash, hash, event bytes): the same checks as ``event``, with
        nothing but the hashing done per event while all is well. False stops."""
        sha256, roots = hashlib.sha256, self.roots
        self._runs.append(events)  # the events that pass are kept here for _broken_link, not copied
        expected, prev, counted = self.expected, self.prev, 0
        for seq, prev_hash, stored_hash, data in events:
            digest_hex = sha256(data).hexdigest()
            computed = sha256(f"{FORMAT} {seq} {prev} {digest_hex}".encode()).hexdigest()
            if computed == stored_hash and prev_hash == prev and seq == expected and seq not in roots:
                prev, expected, counted = computed, seq + 1, counted + 1
                continue
            self.expected, self.prev, self.report.events = expected, prev, self.report.events + counted
            counted = 0
            if not self.event(seq, prev_hash, stored_hash, digest_hex):
                return False
            expected, prev = self.expected, self.prev
        self.expected, self.prev, self.report.events = expected, prev, self.report.events + counted
        return True

    def finish(self) -> Report:
        """Checks that need the whole walk: checkpoints beyond the end, and what no signature covers."""
        report = self.report
        report.last_seq = self.expected - 1
        if self.stopped:
            return report
        beyond = [size for size in self.roots if size > report.last_seq]
        if beyond:
            report.fail(report.last_seq + 1, f"a checkpoint signs {max(beyond)} events but the log ends at "
                        f"{report.last_seq}: events {report.last_seq + 1}..{max(beyond)} were deleted")
        return report

    def _broken_link(self, seq: int, prev_hash: str, stored_hash: str | None, digest_hex: str) -> bool:
        """Which event a broken link points at: the inserted run, the predecessor, or this event."""
        checked = [*self._recent, *((s, h) for run in self._runs for s, _, h, _ in run if s < seq)]
        inserted_after = max((s for s, h in checked if h == prev_hash and s < seq - 1), default=None)
        if inserted_after is not None:
            return self._stop(inserted_after + 1, f"events {inserted_after + 1}..{seq - 1} were inserted: "
                              f"event {seq} still names event {inserted_after} as its predecessor")
        consistent = hashlib.sha256(f"{FORMAT} {seq} {prev_hash} {digest_hex}".encode()).hexdigest()
        if consistent == stored_hash and seq > self.first:
            # This event is as it was written; the one before it is not the one it followed.
            return self._stop(seq - 1, f"event {seq - 1} was replaced: event {seq} followed a different one")
        return self._stop(seq, f"event {seq} does not follow event {seq - 1}: it was altered or moved")

    def _stop(self, seq: int, problem: str) -> bool:
        self.report.fail(seq, problem)
        self.stopped = True
        return False
