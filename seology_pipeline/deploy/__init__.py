"""Running the pipeline on more than one machine: Celery workers (the Celery run launcher)."""
