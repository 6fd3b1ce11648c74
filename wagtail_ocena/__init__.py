"""Oceń Urząd: customer-satisfaction surveys for municipal offices, inside Wagtail."""

VERSION = (0, 1, 0, "dev", 0)
__version__ = "0.1.0.dev0"
