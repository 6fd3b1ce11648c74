"""Generuj raport: period reports computed from the daily counts and rendered three ways.

``filters``, ``period`` and ``statistics`` are pure parts; ``compute`` builds one
``structure.Report`` from the ``sums`` of the daily counts (``matching`` questions across
versions, ``anonymity`` hiding small cells, ``comments`` read as rows); the admin page and
``pdf`` render it from the same templates (with ``charts``), ``spreadsheet`` as XLSX (its
tables written by ``sheets``) and CSV;
``archive`` stores generated files; ``frozen`` keeps a report's structure as data, for its file
to be rendered later (the §5 report before a change).
"""
