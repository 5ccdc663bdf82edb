"""The render stage: a released sheet → a view → HTML through Jinja → PDF through WeasyPrint."""
