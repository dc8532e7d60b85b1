"""Normalising names so that spelling, accents, script, hyphens and nicknames do not hide a match.

``canonical_given("Bob") == canonical_given("Robert")``: a small curated table of nicknames and
transliteration variants (Mohammed / Muhammad / Mohammad) maps each to one form. The table is curated, not
learned: an entry must be a well-attested variant, because each one widens what may be linked.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii

_VARIANTS: dict[str, tuple[str, ...]] = {
    "robert": ("bob", "bobby", "rob", "robbie"),
    "katherine": ("kate", "katie", "kathryn", "catherine", "cathy", "kathy", "kat"),
    "muhammad": ("mohammed", "mohammad", "mohamed", "muhammed", "mohamad", "mo"),
    "william": ("will", "bill", "billy", "liam"),
    "elizabeth": ("liz", "lizzie", "beth", "eliza", "betty"),
    "alexander": ("alex", "sandy", "xander"),
    "alexandra": ("alex", "lexi", "sasha"),
    "oliver": ("ollie", "olly"),
    "olivia": ("liv", "livvy"),
    "theodore": ("theo", "ted", "teddy"),
    "henry": ("harry", "hal"),
    "sophia": ("sofia", "sophie"),
    "aisha": ("ayesha", "aysha", "aishah"),
    "zara": ("zahra", "zarah"),
    "ali": ("aly",),
    "james": ("jim", "jimmy", "jamie"),
    "jack": ("jackie",),
    "john": ("johnny", "jon"),
    "thomas": ("tom", "tommy"),
    "daniel": ("dan", "danny"),
    "samuel": ("sam", "sammy"),
    "benjamin": ("ben", "benny"),
    "joseph": ("joe", "joey"),
    "charlotte": ("charlie", "lottie"),
    "abigail": ("abi", "abby", "abbie"),
    "rebecca": ("becky", "becca"),
    "jessica": ("jess", "jessie"),
    "margaret": ("maggie", "meg", "peggy"),
    "isabella": ("bella", "izzy", "isabel", "isobel"),
    "matthew": ("matt",),
    "michael": ("mike", "mikey", "mick"),
    "nicholas": ("nick", "nicky"),
    "christopher": ("chris",),
    "jonathan": ("jon", "jonny"),
    "edward": ("ed", "eddie", "ted", "ned"),
    "frederick": ("fred", "freddie", "freddy"),
    "archibald": ("archie",),
    "ellie": ("eleanor", "elena", "ella"),
    "yusuf": ("yousef", "yusef", "joseph"),
    "ibrahim": ("ebrahim",),
    "fatima": ("fatimah", "fatma"),
    "oscar": ("ozzy",),
}
_CANONICAL: dict[str, str] = {}
for canonical, variants in _VARIANTS.items():
    for variant in variants:
        _CANONICAL.setdefault(variant, canonical)  # the first listing wins: "alex" stays "alexander"
    _CANONICAL[canonical] = canonical
_NOT_LETTERS = re.compile(r"[^a-z]+")


def fold(name: str) -> str:
    """Lower case ASCII letters and single spaces: accents and other scripts transliterated, hyphens and
    apostrophes as spaces (``"O'Brien-Zoë" -> "o brien zoe"``)."""
    ascii_text = anyascii(unicodedata.normalize("NFKC", name)).lower()
    return " ".join(_NOT_LETTERS.sub(" ", ascii_text).split())


def compact(name: str) -> str:
    """The folded name without spaces: "Smith-Jones" and "Smith Jones" compare equal."""
    return fold(name).replace(" ", "")


def canonical_given(name: str) -> str:
    first = fold(name).split(" ")[0] if fold(name) else ""
    return _CANONICAL.get(first, first)


def soundex(name: str) -> str:
    """American Soundex of the folded name's letters (``"Robert" -> "R163"``); "0000" for no letters."""
    letters = compact(name)
    if not letters:
        return "0000"
    codes = {
        **dict.fromkeys("bfpv", "1"),
        **dict.fromkeys("cgjkqsxz", "2"),
        **dict.fromkeys("dt", "3"),
        "l": "4",
        **dict.fromkeys("mn", "5"),
        "r": "6",
    }
    out = letters[0].upper()
    previous = codes.get(letters[0], "")
    for letter in letters[1:]:
        code = codes.get(letter, "")
        if code and code != previous:
            out += code
        if letter not in "hw":  # h and w do not separate letters of the same code
            previous = code
    return (out + "000")[:4]
