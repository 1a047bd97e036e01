"""``cloudspy report``: HTML and PDF reports from the cache (Jinja2 templates, WeasyPrint).

Importing this package is light: Jinja2 and WeasyPrint are imported only when
a report is rendered.
"""
