"""The names a region's synthetic children are given: a few hundred of each, drawn unevenly as real names are.

FIND is measured on a region, so its names must be as selective as an area's: with the demo's thirty given
and twenty family names, one name pair was shared by thousands of children in a million. Here about 300
given names (common in England and Wales, across its communities) and about 400 family names, most of them
made up from English place-name parts (so no list of real people's surnames is copied), each drawn with a
Zipf weight (the commonest name about fifteen times as frequent as the fiftieth), so a common name pair
still matches more children than a rare one, as in a real area.
"""

from __future__ import annotations

from itertools import accumulate


def _words(text: str) -> list[str]:
    """The names in a block of text, each once, in order (the order is their rank)."""
    return list(dict.fromkeys(text.split()))


GIVEN = _words("""
Muhammad Oliver Noah George Leo Arthur Oscar Harry Theodore Jack Henry Charlie Freddie Alfie Archie Thomas
William James Joshua Samuel Daniel Ali Yusuf Ibrahim Kacper Jakub Reuben Dylan Ethan Luca Robert Alexander
Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace Evie Elsie Aisha Zara
Maya Fatima Amira Zoe Katherine Elizabeth Charlotte Matilda Poppy Ella Hannah Layla Sienna Chloe Emily
Jessica Abigail Rebecca Margaret Alexandra Nadia Oluwaseun Chidi Priya Arjun Aarav Mateo Hugo Felix Ezra
Elijah Harrison Ronnie Tommy Bobby Louie Jacob Isaac Lucas Edward Finley Teddy Max Mason Logan Joseph Benjamin
Sebastian Albie Jude Rory Toby Elliot Hunter Frankie Ollie Stanley Jenson Reggie Louis Theo Ronan Carter Ellis
Riley Jaxon Caleb Roman Adam Harvey Zachary Michael David Nathan Luke Matthew Liam Tyler Kai Jayden Callum
Aaron Kian Ryan Connor Owen Rhys Evan Gabriel Nico Milo Jasper Otis Hudson Ralph Arlo Ezekiel Kayden Omar
Hamza Zayn Ayaan Musa Yahya Idris Bilal Aryan Rohan Dev Krish Vihaan Emmanuel Tobi Daniyal Ibrahima Kofi
Kwame Tomasz Szymon Filip Antoni Oskar Mikolaj Andrei Luka Matei Kaden Brandon Jordan Marcus Curtis Jamal
Tyrone Darnell Ellie Sofia Phoebe Isabelle Evelyn Millie Daisy Ruby Harper Emilia Eva Luna Arabella Mila
Violet Penelope Aria Hallie Bonnie Iris Esme Georgia Molly Maisie Jasmine Imogen Alice Emma Holly Lucy Megan
Niamh Erin Caitlin Amber Scarlett Lottie Edith Orla Thea Beatrice Rose Lyla Mabel Ada Nancy Summer Ayla
Hallie Eliza Clara Lola Maryam Khadija Zainab Hafsa Inaaya Anaya Saanvi Aanya Diya Riya Simran Ananya Tiana
Chioma Adaeze Amara Ife Zuzanna Julia Lena Natalia Maja Alicja Oliwia Antonina Amelie Sara Yasmin Leila Noor
Hiba Safa Mariam Aaliyah Kiara Jada Nia Imani Precious Destiny Keira Courtney Shannon Bethany Paige Demi
Kayla Leah Jade Abbie Lacey Tia Skye Autumn Hazel Robyn Naomi Miriam Esther Tilly Martha Annie Rosa Gracie
""")  # each once

_PREFIXES = _words("""Ash Bar Brad Brook Cart Chad Clay Dal Dun Els Fair Fen Gold Gran Hal Hol Kings Lang Ley Mar Mil
Nor Oak Pen Ray Red Ross Rut Sand Sher Stan Sut Thorn Wal Wes Whit Win York""")
_SUFFIXES = _words("ford ley ton wood field ham well by worth more")
FAMILY = list(dict.fromkeys(_words("""
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker
White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris
Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young
Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan
Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali
Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens
Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott
Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson
Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman
Barrett Webster Hunt Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins
Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates Henderson
Nowak Kowalski Wisniewski Okafor Adeyemi Mensah Owusu Nguyen Chen Wang Iqbal Rahman Akhtar Mahmood Malik
""") + [prefix + suffix for prefix in _PREFIXES for suffix in _SUFFIXES]))


def _zipf(count: int) -> list[float]:
    """Cumulative Zipf weights (exponent 0.7) for names in order of frequency, for ``random.choices``."""
    return list(accumulate(1 / (rank + 1) ** 0.7 for rank in range(count)))


GIVEN_WEIGHTS = _zipf(len(GIVEN))
FAMILY_WEIGHTS = _zipf(len(FAMILY))
