"""Names as entity resolution compares them: folded, normalised, and whether they carry a legal form."""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["LEGAL_SUFFIXES", "has_legal_form", "name_key", "normalise_name"]

#: Legal-form words dropped from the end of a name before comparing (lower case, punctuation removed).
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    [
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "cos",
        "ltd",
        "limited",
        "llc",
        "lp",
        "llp",
        "plc",
        "pbc",
        "ag",
        "se",
        "sa",
        "spa",
        "sas",
        "sarl",
        "nv",
        "bv",
        "gmbh",
        "mbh",
        "kg",
        "kgaa",
        "oy",
        "oyj",
        "ab",
        "asa",
        "aps",
        "pte",
        "pty",
        "bhd",
        "sdn",
        "kk",
        "srl",
        "sl",
        "sro",
        "spolka",
        "zao",
        "ooo",
        "pjsc",
        "jsc",
    ]
)

_WORD = re.compile(r"[0-9a-z]+")
_NOT_WORD = re.compile(r"[^0-9a-z\n]+")


def _fold(name: str) -> str:
    return " ".join(name.split()).casefold()


def _without_suffixes(tokens: list[str]) -> tuple[list[str], bool]:
    """The tokens of a name without a leading "the" and trailing legal suffixes; whether a suffix was dropped."""
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    legal = False
    while len(tokens) > 1:
        for width in (3, 2):  # spelt-out forms: S.A. -> s a, S.p.A. -> s p a, N.V. -> n v
            tail = tokens[-width:]
            if len(tokens) > width and all(len(t) <= 2 for t in tail) and "".join(tail) in LEGAL_SUFFIXES:
                tokens = tokens[:-width]
                break
        else:
            if tokens[-1] not in LEGAL_SUFFIXES:
                break
            tokens = tokens[:-1]
        legal = True
    return tokens, legal


def _folded_text(name: str) -> str:
    text = name.casefold().replace("&", " and ")
    if not text.isascii():  # accents off: é -> e
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text


@functools.lru_cache(maxsize=1 << 16)  # an import normalises each name when it resolves it and when it adds it
def _normal(name: str) -> tuple[str, bool]:
    """The normalised name, and whether a legal-form suffix was dropped from it."""
    tokens, legal = _without_suffixes(_WORD.findall(_folded_text(name)))
    return " ".join(tokens), legal


def _normal_names(names: list[str]) -> list[str]:
    """:func:`normalise_name` of many names at once: one pass of the word pattern over all of them (indexing a
    store's 22k names, four times faster than one name at a time)."""
    text = "\n".join(_folded_text(name) for name in names)
    lines = _NOT_WORD.sub(" ", text).split("\n")
    if len(lines) != len(names):  # a name with a line break in it: one at a time
        return [normalise_name(name) for name in names]
    out = []
    for line in lines:
        tokens = line.split()
        if len(tokens) > 1 and (tokens[0] == "the" or tokens[-1] in LEGAL_SUFFIXES or len(tokens[-1]) <= 2):
            tokens = _without_suffixes(tokens)[0]
        out.append(" ".join(tokens))
    return out


def normalise_name(name: str) -> str:
    """Return ``name`` lower-cased, without accents, punctuation, a leading "the" and trailing legal suffixes.

    Examples
    --------
    >>> normalise_name("NVIDIA Corporation"), normalise_name("Nokia Oyj"), normalise_name("The Walt Disney Co.")
    ('nvidia', 'nokia', 'walt disney')
    >>> normalise_name("Société Générale S.A."), normalise_name("AT&T Inc."), normalise_name("SE")
    ('societe generale', 'at and t', 'se')
    """
    return _normal(name)[0]


def has_legal_form(name: str) -> bool:
    """Whether ``name`` ends with a legal-form suffix (:data:`LEGAL_SUFFIXES`): such a name is an organisation's.

    Examples
    --------
    >>> has_legal_form("Gemini Corp."), has_legal_form("Gemini"), has_legal_form("Ltd")
    (True, False, False)
    """
    return _normal(name)[1]


def name_key(name: str) -> str:
    """The key two names share when they are the same name normalised (``X.AI`` and ``xAI Corp.``: ``xai``)."""
    return normalise_name(name).replace(" ", "")
