"""The ``seology`` command line: operators' entry point (``seology --help``)."""

import gc

# The cyclic garbage collector's first threshold while ``seology`` runs (Python's default: 700).
GC_THRESHOLD = 100_000


def main() -> None:
    """The ``seology`` console script, with garbage collection set for a command line.

    Loading a command's libraries (Dagster, pandas, SQLAlchemy) allocates millions of objects
    that live until exit: with the default threshold the collector walks them over and over, and
    at exit the interpreter's last collections walked them again (0.7 s). So the collector is
    paused before anything loads (hence the import below, not at the top of this module) until
    the command is loaded (``SeologyGroup.resolve_command`` then freezes what loaded, so later
    collections skip it, and resumes the collector), runs with a higher threshold, and what is
    left at exit is frozen, not walked.
    """
    gc.set_threshold(GC_THRESHOLD)
    gc.disable()
    try:
        from seology_pipeline.cli.main import cli

        cli(prog_name="seology")
    finally:
        gc.freeze()


__all__ = ["main"]
