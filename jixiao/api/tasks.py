"""Background work of the API: a big bulk import (`exchange.receive` queues it), run by the task worker."""

from django_tasks import task

from jixiao.api import exchange


@task()
def import_job_task(job_id: int) -> str:
    return exchange.run_job(job_id).state
