"""``python -m scraper`` runs the fitarchive command line."""

from scraper.cli import cli

cli()
