"""`hub demo --children N`: a region written in bulk, sealed with the real keys, found by FIND, and
idempotent (a rerun writes nothing; a larger N adds only the difference)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

from sqlalchemy import func, select

from hub import region, region_names
from hub.bootstrap import bootstrap
from hub.demo import seed
from hub.identity import matcher
from hub.identity.demographics import Demographics
from hub.migrate import upgrade
from hub.storage import sealing
from hub.storage import tables as t
from hub.storage.unit_of_work import UnitOfWork
from tests.conftest import make_settings
from tests.databases import sqlite_url


def test_a_region_is_sealed_findable_and_idempotent(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    hub = bootstrap(make_settings(url, tmp_path / "keys"))
    try:
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session, children=0)
            uow.commit()
        first = region.build(hub.engine, hub.keys, 120, batch=50)
        assert (first.children, first.skipped) == (120, 0)
        assert 8 * 120 * 0.8 <= first.records <= 12 * 120
        again = region.build(hub.engine, hub.keys, 150, batch=50)
        assert (again.children, again.skipped) == (30, 120)
        with UnitOfWork(hub.session_factory) as uow:
            session = uow.session
            assert session.scalar(select(func.count()).select_from(t.Child)
                                  .where(t.Child.id.in_([region.child_id(i) for i in range(150)]))) == 150
            record = session.scalars(select(t.RecordVersion).where(
                t.RecordVersion.child_id == region.child_id(7), t.RecordVersion.detail.is_not(None))).first()
            assert record is not None and sealing.is_sealed(record.detail)
            opened = sealing.open_record(record)
            assert opened.detail and not sealing.is_sealed(opened.detail)
            child = session.get(t.Child, region.child_id(7))
            assert child is not None
            found = matcher.match(session, Demographics(child.given_name, child.family_name, child.date_of_birth,
                                                        child.sex, child.postcode))
            assert region.child_id(7) in {candidate.child_id for candidate in found.candidates}
    finally:
        hub.dispose()


def test_the_demo_command_reports_progress_and_rate(tmp_path: Path) -> None:
    environment = {**os.environ, "HUB_DATABASE_URL": sqlite_url(tmp_path), "HUB_KEY_DIR": str(tmp_path / "keys")}
    hub = Path(sys.executable).parent / "hub"
    subprocess.run([hub, "migrate"], env=environment, check=True, capture_output=True)
    # The first 200 are the demo's own children (numbered as the simulators number theirs); the rest in bulk.
    first = subprocess.run([hub, "demo", "--children", "240"], env=environment, check=True, capture_output=True,
                           text=True)
    assert "40 children and" in first.stdout and "children/s" in first.stdout
    second = subprocess.run([hub, "demo", "--children", "240"], env=environment, check=True, capture_output=True,
                            text=True)
    assert "0 children and 0 records added, 40 already there" in second.stdout


def test_region_ids_follow_the_childrens_order_and_names_come_from_hundreds() -> None:
    """Ids in index order keep a bulk load appending to its indexes; a few hundred names keep FIND selective."""
    for kind in (region.CHILD, region.RECORD, region.RECORD_KEY, region.LINK, region.NOTICE):
        ids = [region.ordered_id(kind, number) for number in range(0, 16_000_000, 997)]
        assert ids == sorted(ids) and len(set(ids)) == len(ids)
        assert {uuid.UUID(value).version for value in ids} == {8}
    assert not {region.child_id(i) for i in range(100)} & {region.ordered_id(region.RECORD, i) for i in range(100)}
    for names in (region_names.GIVEN, region_names.FAMILY):
        assert len(names) >= 250 and len(set(names)) == len(names)


def test_children_are_spread_over_schools_of_a_real_size(tmp_path: Path) -> None:
    """A school holds 200-2,000 pupils: each thousand children have a primary and a secondary of their own,
    each in the partnership with a DSL, and the first thousand are on the demo's two schools' rolls."""
    url = sqlite_url(tmp_path)
    upgrade(url)
    hub = bootstrap(make_settings(url, tmp_path / "keys"))
    try:
        with UnitOfWork(hub.session_factory) as uow:
            seed(uow.session, children=0)
            uow.commit()
        region.build(hub.engine, hub.keys, 2 * region.SCHOOL_BLOCK, batch=500)
        with UnitOfWork(hub.session_factory) as uow:
            session = uow.session
            link = t.AgencyRecordLink
            rolls = dict(session.execute(
                select(t.Agency.official_code, func.count()).join(link, link.agency_id == t.Agency.id)
                .where(link.kind == "ROLL").group_by(t.Agency.official_code)).all())
            assert len(rolls) == 4 and {"190001", "190002"} <= set(rolls)
            assert all(200 <= pupils <= 2_000 for pupils in rolls.values()), rolls
            schools = session.scalars(select(t.Agency).where(t.Agency.official_code.in_(rolls))).all()
            nb = session.scalar(select(t.Partnership.id).where(t.Partnership.code == "NB"))
            for school in schools:
                assert school.kind == "SCHOOL"
                assert session.get(t.AgencyPartnership, (school.id, nb)) is not None
                roles = session.scalars(select(t.Practitioner.roles).where(t.Practitioner.agency_id == school.id))
                assert any("DSL" in held for held in roles)
    finally:
        hub.dispose()
