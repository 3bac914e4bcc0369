"""The Dagster layer: thin, declarative wrappers around the domain code."""
