"""Background work of reporting: big workbook imports (django-tasks). Locking and reminders run with the other
daily jobs in `jixiao/schedule/jobs.py`."""

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from jixiao.accounts.models import User
from jixiao.lib.excel import WorkbookError
from jixiao.lib.rows import gc_paused
from jixiao.reporting import actions, imports
from jixiao.reporting.models import ImportJob, JobStatus


def import_in_own_process(file, **kwargs) -> dict:
    """`imports.import_file` with the cyclic garbage collector paused (`rows.gc_paused`), for a process that runs
    nothing else meanwhile: the task worker (django_tasks_db's `db_worker` runs one task at a time, in one thread)
    and the `import_values` command. Never in a server thread: the pause is process-wide and would hold for every
    request served meanwhile; the upload page imports inline only files under `views.BACKGROUND_BYTES`.

    The import keeps 50,000 rows of cells and tuples alive, and every allocation burst sets off collections that
    walk them and free nothing. Measured (bench/import_values.py, CPU medians, both ways alternated in one process,
    2026-12-07): at a load of 7, 0.945 s without the pause and 0.705 s with it (×2.80 and ×2.09 of calamine's 0.337 s);
    at a load of 3, 0.834 s and 0.737 s (×1.89 and ×1.67 of 0.440 s). Without it the goal (×2) holds only on a quiet
    machine; see docs/decisions/0003-excel.md."""
    with gc_paused():
        return imports.import_file(file, **kwargs)


def run_import(job: ImportJob) -> ImportJob:
    """Import a stored upload, recording progress between phases; on failure record the errors and an event."""
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, phase="读取文件")

    def progress(phase, processed, total):
        ImportJob.objects.filter(pk=job.pk).update(phase=phase, processed=processed, total=total)

    user = User.objects.get(pk=job.created_by_id)
    expect = {"expect_assessor": job.unit} if job.as_assessor else {"expect_unit": job.unit}
    try:
        with default_storage.open(job.file.name, "rb") as handle:
            summary = import_in_own_process(handle, by=user, expect_period=job.period, progress=progress, **expect)
    except WorkbookError as error:
        messages = [str(e) for e in error.errors]
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, errors=messages, finished_at=timezone.now(),
                                                   phase="未导入", summary=f"{error.summary()}，未写入任何数据")
        actions.refusal("values.import_refused", job.period, user, messages[0], file=job.original_name,
                        problems=error.total)
    else:
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.DONE, finished_at=timezone.now(), phase="已完成", processed=job.total or 0,
            summary=imports.describe(summary))
    finally:
        default_storage.delete(job.file.name)
    job.refresh_from_db()
    return job


@task()
def import_values_task(job_id: int) -> str:
    job = run_import(ImportJob.objects.select_related("unit", "period__cycle").get(pk=job_id))
    return job.status

