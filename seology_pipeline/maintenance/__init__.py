"""Scheduled upkeep: daily cleanup of old rows and Dagster runs, monthly usage reset."""
