"""Oceń Urząd: customer-satisfaction surveys for municipal offices, inside Wagtail."""

__version__ = "0.1.0.dev0"
