"""``python -m scraper`` runs the fitarchive command line."""

from scraper.cli import cli

if __name__ == "__main__":
    cli()
