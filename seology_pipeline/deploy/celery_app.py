"""The Celery app of ``seology worker``: the tasks the Celery run launcher sends, on the same
broker, result backend, queue and Celery settings as the launcher (``celery_instance``)."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery
from dagster_celery.config import DEFAULT_CONFIG
from dagster_celery.make_app import make_app
from dagster_celery.tasks import create_execute_job_task, create_resume_job_task

from seology_pipeline.deploy.celery_instance import CELERY_CONFIG, QUEUE
from seology_pipeline.deploy.settings import CelerySettings

CODE_MODULE = "seology_pipeline.definitions"


def worker_app(settings: CelerySettings) -> Celery:
    """The Celery app of a worker, with the tasks the Celery run launcher sends."""
    app = make_app(
        {
            "broker": settings.broker_url,
            "backend": settings.backend_url,
            # Imported once by the worker before it forks its pool: runs start warm.
            "include": [CODE_MODULE],
            "config_source": DEFAULT_CONFIG | CELERY_CONFIG,
            "task_default_queue": QUEUE,
        }
    )
    create_execute_job_task(app)
    create_resume_job_task(app)
    return app


def worker_argv(settings: CelerySettings, name: str, loglevel: str = "INFO") -> list[str]:
    """``celery worker`` arguments: one run per pool process, one task fetched at a time (so
    a waiting higher-priority run is not stuck behind prefetched ones)."""
    return [
        "worker",
        f"--hostname={name}@%h",
        f"--concurrency={settings.concurrency}",
        "--prefetch-multiplier=1",
        f"--queues={QUEUE}",
        f"--loglevel={loglevel}",
    ]


def start_worker(settings: CelerySettings, name: str, dagster_home: Path) -> None:
    """Run a worker in this process until it is stopped; runs read ``DAGSTER_HOME``."""
    os.environ["DAGSTER_HOME"] = str(dagster_home)
    worker_app(settings).worker_main(worker_argv(settings, name))
