"""Folding text for the help desk's search: what staff type and what is stored are
compared once both are folded, so that case, accents and the variants of Arabic letters
do not matter ("ecole" finds "École", "محمد" finds "مُحَمَّد", "احمد" finds "أحمد").

`registrations.search_key` holds the folded name, e-mail and organisation of each
registration (see `search_key`); it is kept up to date by the ORM events at the end of
eventhub/registration/models.py, for every insert and every change of those fields.
The migration that added the column (0009) holds a copy of `fold` for its backfill:
change both together.
"""

from __future__ import annotations

import unicodedata

# Column size of `registrations.search_key`.
SEARCH_KEY_LENGTH = 500

# After NFKD and dropping the marks (which already turns أ إ آ into ا and drops the
# harakat): the letters Arabic writers use for one another, and the tatweel.
ARABIC_VARIANTS = str.maketrans(
    {
        "ٱ": "ا",  # alef wasla
        "ة": "ه",  # teh marbuta
        "ى": "ي",  # alef maksura
        "ـ": None,  # tatweel
    }
)


def fold(text: str | None) -> str:
    """`text` compatibility-decomposed (NFKD), without combining marks, casefolded, with
    Arabic letter variants unified and runs of white space made one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().translate(ARABIC_VARIANTS).split())


def search_key(first_name: str, last_name: str, email: str, organization: str) -> str:
    """The folded text the help desk searches in, within the column's size."""
    return fold(f"{first_name} {last_name} {email} {organization}")[:SEARCH_KEY_LENGTH]
