from seology_pipeline_tests.databases import app_engine

__all__ = ["app_engine"]
