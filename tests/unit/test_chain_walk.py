"""What the chain walk concludes from each kind of tampering, on chains built in memory."""

from __future__ import annotations

import hashlib

from hub.audit.chain import ChainWalk, Report
from hub.audit.entry import FORMAT, GENESIS_HASH

Event = tuple[int, str, str, str]  # seq, prev_hash, hash, event digest


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def link(seq: int, prev: str, event_digest: str) -> str:
    return hashlib.sha256(f"{FORMAT} {seq} {prev} {event_digest}".encode()).hexdigest()


def chain(contents: list[str], first: int = 1, prev: str = GENESIS_HASH) -> list[Event]:
    events = []
    for seq, content in enumerate(contents, start=first):
        events.append((seq, prev, link(seq, prev, digest(content)), digest(content)))
        prev = events[-1][2]
    return events


def walk(events: list[Event], roots: dict[int, str] | None = None) -> Report:
    walker = ChainWalk(Report(), roots or {})
    for seq, prev, stored, event_digest in events:
        if not walker.event(seq, prev, stored, event_digest):
            break
    return walker.finish()


ORIGINAL = chain([f"event {n}" for n in range(1, 21)])
ROOTS = {size: ORIGINAL[size - 1][2] for size in (5, 10, 15)}


def test_an_untouched_chain_is_intact() -> None:
    report = walk(ORIGINAL, ROOTS)
    assert report.intact and report.events == 20 and report.last_seq == 20


def test_an_edited_event_is_named() -> None:
    events = list(ORIGINAL)
    seq, prev, stored, _ = events[6]
    events[6] = (seq, prev, stored, digest("edited"))
    assert walk(events, ROOTS).first_bad == 7


def test_an_edited_and_rehashed_event_is_named_by_the_event_after_it() -> None:
    events = list(ORIGINAL)
    seq, prev, _, _ = events[6]
    events[6] = (seq, prev, link(seq, prev, digest("edited")), digest("edited"))
    report = walk(events)
    assert report.first_bad == 7 and "replaced" in (report.problem or "")


def test_a_deleted_event_is_named() -> None:
    report = walk(ORIGINAL[:8] + ORIGINAL[9:], ROOTS)
    assert report.first_bad == 9 and "deleted" in (report.problem or "")


def test_an_inserted_event_is_named_even_when_its_hash_is_valid() -> None:
    forged = (9, ORIGINAL[7][2], link(9, ORIGINAL[7][2], digest("forged")), digest("forged"))
    shifted = [(seq + 1, prev, stored, d) for seq, prev, stored, d in ORIGINAL[8:]]
    report = walk([*ORIGINAL[:8], forged, *shifted], ROOTS)
    assert report.first_bad == 9 and "inserted" in (report.problem or "")


def test_reordered_events_are_named() -> None:
    events = list(ORIGINAL)
    a, b = events[11], events[12]
    events[11], events[12] = (12, *b[1:]), (13, *a[1:])
    assert walk(events, ROOTS).first_bad == 12


def test_a_rewritten_and_rehashed_tail_is_caught_by_the_next_checkpoint() -> None:
    rewritten = ORIGINAL[:11] + chain([f"rewritten {n}" for n in range(12, 21)], 12, ORIGINAL[10][2])
    report = walk(rewritten, ROOTS)
    assert report.first_bad == 11 and "root signed at size 15" in (report.problem or "")


def test_a_tail_deleted_before_a_checkpoint_is_caught() -> None:
    report = walk(ORIGINAL[:12], ROOTS)
    assert report.first_bad == 13 and "deleted" in (report.problem or "")


def test_omitted_events_link_by_digest_alone() -> None:
    walker = ChainWalk(Report(), ROOTS)
    for seq, prev, stored, event_digest in ORIGINAL:
        shown = seq % 3 == 0
        assert walker.event(seq, prev if shown else None, stored if shown else None, event_digest)
    report = walker.finish()
    assert report.intact and report.events == 6 and report.omitted == 14
