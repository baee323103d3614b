"""Scheduled jobs by name. A job's name is the one monitoring records for its runs (`jobType`, what
`GET /api/v1/jobs` lists: `file-cleanup`, `session-purge`, …); `stratus jobs run`, `stratus jobs list`,
`stratus routes` and the local scheduler's log use the same, and take the job function's name
(`files-cleanup-job`) too. A scheduled function that is not a `shared.jobs.Job` is named by its function."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from shared.declarations import Function, Schedule
from shared.jobs import Job
from shared.registry import Registry


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    function: Function

    @property
    def expression(self) -> str:
        assert isinstance(self.function.trigger, Schedule)
        return self.function.trigger.expression


class UnknownJob(ValueError):
    pass


def job_name(fn: Function) -> str:
    """The job's name: its `Job`'s job_type (imports the function's module, as its first run would)."""
    module = importlib.import_module(fn.module)
    for value in vars(module).values():
        if isinstance(value, Job) and value.function.qualified_name == fn.qualified_name:
            return value.job_type
    return fn.qualified_name


def scheduled_jobs(registry: Registry) -> list[ScheduledJob]:
    return sorted((ScheduledJob(job_name(fn), fn) for fn in registry.scheduled), key=lambda j: j.name)


def find_job(registry: Registry, name: str) -> ScheduledJob:
    """The job called `name` (its job name or its function's name), or UnknownJob naming the jobs."""
    jobs = scheduled_jobs(registry)
    for job in jobs:
        if name in (job.name, job.function.qualified_name):
            return job
    listed = ", ".join(job.name for job in jobs) or "none is declared"
    raise UnknownJob(f"no job named {name!r}; jobs: {listed}")
