"""The ``seology`` command line: operators' entry point (``seology --help``)."""

from seology_pipeline.cli.main import main

__all__ = ["main"]
