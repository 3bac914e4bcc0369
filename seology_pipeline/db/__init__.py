"""App database: models, engines, migrations."""
