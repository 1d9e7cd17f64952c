"""The Datasette configuration of a published archive (metadata, settings, templates,
plugins, static files), installed as the ``fitarchive_site`` package.

Holds no code: ``scraper.publish`` locates this directory and passes its parts to
Datasette.
"""
