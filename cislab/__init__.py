"""Command-line front end (`cislab`)."""
