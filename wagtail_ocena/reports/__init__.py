"""Generuj raport: period reports computed from the daily counts and rendered three ways.

``compute`` builds one report structure; ``html`` (with ``charts``), ``pdf`` and
``spreadsheet`` render it; ``archive`` stores generated files.
"""
