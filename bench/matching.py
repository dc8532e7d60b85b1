"""Identity matching against 1,000,000 synthetic children: speed, precision and recall.

Runs the hub's own matcher (``hub.identity.matcher``) on a SQLite database with the hub's schema
(migrations applied) holding N children and their blocking keys. SQLite with indexes rather than an
in-memory index: it is the code path ingest uses, the index lives on disk rather than in the Python heap
(a few hundred MB, not several GB), and it builds in a few minutes on two cores.

Prints, for exact NHS number lookups and for demographic matching, the median and 95th percentile time per
lookup; precision and recall at the auto-link threshold on a synthetic set with known truth (typos, swapped
names, transposed dates, nicknames, missing NHS numbers, and people who are not there, twins included);
and, last, the ratio of the demographic median to a plain indexed lookup by NHS number in the same run.

    .venv/bin/python bench/matching.py [--children 1000000] [--queries 2000]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import string
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from hub.domain.nhs_number import check_digit
from hub.identity import matcher
from hub.identity.demographics import Demographics
from hub.identity.keys import index_keys
from hub.identity.matcher import Outcome
from hub.identity.names import canonical_given
from hub.migrate import upgrade
from hub.storage import tables as t
from hub.storage.database import make_engine, make_session_factory

GIVEN = [
    "Muhammad",
    "Oliver",
    "Noah",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Harry",
    "Theodore",
    "Jack",
    "Henry",
    "Charlie",
    "Freddie",
    "Alfie",
    "Archie",
    "Thomas",
    "William",
    "James",
    "Joshua",
    "Samuel",
    "Daniel",
    "Ali",
    "Yusuf",
    "Ibrahim",
    "Kacper",
    "Jakub",
    "Reuben",
    "Dylan",
    "Ethan",
    "Luca",
    "Robert",
    "Alexander",
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Ivy",
    "Freya",
    "Lily",
    "Florence",
    "Mia",
    "Willow",
    "Rosie",
    "Sophia",
    "Isabella",
    "Grace",
    "Evie",
    "Elsie",
    "Aisha",
    "Zara",
    "Maya",
    "Fatima",
    "Amira",
    "Zoe",
    "Katherine",
    "Elizabeth",
    "Charlotte",
    "Matilda",
    "Poppy",
    "Ella",
    "Hannah",
    "Layla",
    "Sienna",
    "Chloe",
    "Emily",
    "Jessica",
    "Abigail",
    "Rebecca",
    "Margaret",
    "Alexandra",
    "Nadia",
    "Oluwaseun",
    "Chidi",
    "Priya",
    "Arjun",
    "Aarav",
    "Mateo",
    "Hugo",
    "Felix",
    "Ezra",
    "Elijah",
    "Harrison",
    "Ronnie",
    "Tommy",
    "Bobby",
    "Louie",
]
NICKNAMES = {
    "Muhammad": ["Mohammed", "Mohammad"],
    "Oliver": ["Ollie"],
    "Theodore": ["Theo"],
    "Henry": ["Harry"],
    "Robert": ["Bob"],
    "Katherine": ["Kate"],
    "Elizabeth": ["Beth"],
    "Sophia": ["Sofia"],
    "Aisha": ["Ayesha"],
    "Alexander": ["Alex"],
    "Samuel": ["Sam"],
    "Daniel": ["Dan"],
}
PREFIX = [
    "Ash",
    "Bar",
    "Brad",
    "Brook",
    "Cart",
    "Chad",
    "Clay",
    "Dal",
    "Dun",
    "Els",
    "Fair",
    "Fen",
    "Gold",
    "Gran",
    "Hal",
    "Hart",
    "Hol",
    "Kings",
    "Lang",
    "Ley",
    "Mar",
    "Mil",
    "Nor",
    "Oak",
    "Pen",
    "Ray",
    "Red",
    "Ross",
    "Rut",
    "Sand",
    "Sher",
    "Stan",
    "Sut",
    "Thorn",
    "Wal",
    "Wes",
    "Whit",
    "Win",
    "Wood",
    "York",
]
SUFFIX = [
    "ford",
    "ley",
    "ton",
    "wood",
    "field",
    "ham",
    "well",
    "by",
    "worth",
    "more",
    "er",
    "son",
    "ridge",
    "cott",
    "brook",
    "stead",
    "wick",
    "land",
    "ing",
    "dale",
]
FAMILY = [p + s for p in PREFIX for s in SUFFIX] + [
    "Khan",
    "Patel",
    "Begum",
    "Ahmed",
    "Hussain",
    "Nowak",
    "Kowalski",
    "Okafor",
    "Adeyemi",
    "Smith",
    "Jones",
    "Brown",
]


@dataclass(frozen=True)
class Person:
    child_id: str
    given: str
    family: str
    born: date
    sex: str
    postcode: str
    nhs: str

    def demographics(self, *, nhs: bool) -> Demographics:
        return Demographics(
            self.given, self.family, self.born, self.sex, self.postcode, self.nhs if nhs else None
        )


def zipf(names: list[str], rng: random.Random) -> list[float]:
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(names))]
    rng.shuffle(weights)
    return weights


def nhs_numbers():  # type: ignore[no-untyped-def]
    for body in range(900_000_000, 1_000_000_000):
        digit = check_digit(str(body))
        if digit is not None:
            yield f"{body}{digit}"


def population(size: int, rng: random.Random) -> list[Person]:
    given_w, family_w = zipf(GIVEN, rng), zipf(FAMILY, rng)
    districts = [f"{a}{b}{n}" for a in "BCDLMNS" for b in "DELNORT" for n in range(1, 10)]
    start = date(2008, 1, 1)
    numbers = nhs_numbers()
    people = []
    givens = rng.choices(GIVEN, given_w, k=size)
    families = rng.choices(FAMILY, family_w, k=size)
    for i in range(size):
        postcode = (
            f"{rng.choice(districts)} {rng.randint(1, 9)}{rng.choice(string.ascii_uppercase)}"
            f"{rng.choice(string.ascii_uppercase)}"
        )
        people.append(
            Person(
                f"c{i:07d}",
                givens[i],
                families[i],
                start + timedelta(days=rng.randrange(6900)),
                rng.choice(("female", "male")),
                postcode,
                next(numbers),
            )
        )
    return people


def load(path: Path, people: list[Person]) -> None:
    """Bulk-load children and their blocking keys into the migrated database (sorted keys load fastest)."""
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("INSERT INTO partnerships (id, code, name) VALUES ('p', 'BENCH', 'Bench')")
    created = datetime(2026, 11, 2, tzinfo=UTC).isoformat()
    connection.executemany(
        "INSERT INTO children (id, nhs_number, given_name, family_name, date_of_birth, sex, postcode, "
        "partnership_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'p', ?)",
        (
            (p.child_id, p.nhs, p.given, p.family, p.born.isoformat(), p.sex, p.postcode, created)
            for p in people
        ),
    )
    keys = sorted(
        (key, p.child_id) for p in people for key in index_keys(p.demographics(nhs=False).normalised())
    )
    connection.executemany("INSERT INTO identity_keys (key, child_id) VALUES (?, ?)", keys)
    connection.commit()
    connection.execute("ANALYZE")
    connection.close()


def typo(name: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(name))
    return name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :]


def perturb(person: Person, rng: random.Random) -> Person:
    """One or two of the errors agencies make writing a child down."""
    changed = person
    for _ in range(rng.choice((1, 1, 2))):
        kind = rng.choice(
            [
                "copy",
                "nickname",
                "given_typo",
                "family_typo",
                "swap",
                "transpose",
                "dob_digit",
                "moved",
                "case",
            ]
        )
        if kind == "nickname" and changed.given in NICKNAMES:
            changed = replace(changed, given=rng.choice(NICKNAMES[changed.given]))
        elif kind == "given_typo":
            changed = replace(changed, given=typo(changed.given, rng))
        elif kind == "family_typo":
            changed = replace(changed, family=typo(changed.family, rng))
        elif kind == "swap":
            changed = replace(changed, given=changed.family, family=changed.given)
        elif kind == "transpose" and changed.born.day <= 12:
            changed = replace(changed, born=date(changed.born.year, changed.born.day, changed.born.month))
        elif kind == "dob_digit":
            day = changed.born.day
            changed = replace(changed, born=changed.born.replace(day=day + 1 if day < 28 else day - 1))
        elif kind == "moved":
            changed = replace(changed, postcode=changed.postcode[:-2] + "ZZ")
        elif kind == "case":
            changed = replace(changed, family=changed.family.upper())
    return changed


def timed(samples: list[float], start: float) -> None:
    samples.append((time.perf_counter() - start) * 1000)


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    args = parser.parse_args()
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "bench.sqlite3"
        url = f"sqlite:///{path}"
        started = time.perf_counter()
        upgrade(url)
        people = population(args.children, rng)
        load(path, people)
        print(
            f"indexed {args.children:,} children in {time.perf_counter() - started:.0f} s "
            f"({path.stat().st_size / 2**20:.0f} MB on disk)"
        )
        engine = make_engine(url)
        session = make_session_factory(engine)()
        sample = rng.sample(people, args.queries)
        baseline: list[float] = []
        exact: list[float] = []
        for person in sample:
            start = time.perf_counter()
            session.execute(select(t.Child.id).where(t.Child.nhs_number == person.nhs)).first()
            timed(baseline, start)
            start = time.perf_counter()
            found = matcher.match(session, person.demographics(nhs=True))
            timed(exact, start)
            assert found.child_id == person.child_id
        demographic: list[float] = []
        linked_right = linked_wrong = queued = true_matches = 0
        strangers = population(args.queries // 2, random.Random(7))  # not in the index
        # A twin: same family name, birthday and address, a given name that is no variant of the other's.
        twins = [
            replace(
                p,
                given=rng.choice([g for g in GIVEN if canonical_given(g) != canonical_given(p.given)]),
                child_id="twin",
            )
            for p in rng.sample(people, args.queries // 4)
        ]
        queries = [(perturb(p, rng), p.child_id) for p in sample]
        queries += [(replace(s, child_id="stranger"), None) for s in strangers] + [(tw, None) for tw in twins]
        for person, truth in queries:
            start = time.perf_counter()
            found = matcher.match(session, person.demographics(nhs=False))
            timed(demographic, start)
            true_matches += truth is not None
            if found.outcome == Outcome.LINK:
                if found.child_id == truth:
                    linked_right += 1
                else:
                    linked_wrong += 1
            elif found.outcome == Outcome.REVIEW:
                queued += 1
        session.close()
        engine.dispose()
    precision = linked_right / max(1, linked_right + linked_wrong)
    recall = linked_right / max(1, true_matches)
    base = statistics.median(baseline)
    print(f"plain indexed lookup by NHS number: median {base:.3f} ms, p95 {p95(baseline):.3f} ms")
    print(
        f"exact NHS number match:            median {statistics.median(exact):.3f} ms, "
        f"p95 {p95(exact):.3f} ms"
    )
    print(
        f"demographic match:                 median {statistics.median(demographic):.3f} ms, "
        f"p95 {p95(demographic):.3f} ms (target p95 <= 20 ms)"
    )
    print(
        f"{len(queries)} demographic queries ({true_matches} with a true match): auto-linked {linked_right} "
        f"right, {linked_wrong} wrong; queued {queued}"
    )
    print(f"precision at auto-link {precision:.4f} (target >= 0.99), recall at auto-link {recall:.4f}")
    print(f"ratio={statistics.median(demographic) / base:.1f}")


if __name__ == "__main__":
    main()
