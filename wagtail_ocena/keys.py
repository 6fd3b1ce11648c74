"""Stable keys: short slugs that identify questions and answers across survey versions."""

from django.utils.text import slugify

# NFKD decomposition, which slugify relies on, leaves these letters out entirely.
_TRANSLITERATION = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss"})

MAX_KEY_LENGTH = 40


def make_key(text, fallback):
    slug = slugify(str(text).translate(_TRANSLITERATION))[:MAX_KEY_LENGTH].strip("-")
    return slug or fallback


def unique_key(text, taken, fallback):
    """A key made from ``text`` that is not in ``taken``."""
    base = make_key(text, fallback)
    key, n = base, 2
    while key in taken:
        suffix = f"-{n}"
        key = base[: MAX_KEY_LENGTH - len(suffix)] + suffix
        n += 1
    return key


def fill_keys(values, text_field, fallback):
    """Give each value with a blank ``key`` a unique one made from its ``text_field``.

    Returns the indexes of values whose own key repeats an earlier one.
    """
    taken, repeated = set(), []
    for index, value in enumerate(values):
        if value["key"] in taken:
            repeated.append(index)
        if value["key"]:
            taken.add(value["key"])
    for value in values:
        if not value["key"]:
            value["key"] = unique_key(value[text_field], taken, fallback)
            taken.add(value["key"])
    return repeated
