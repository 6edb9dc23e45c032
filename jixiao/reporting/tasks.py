"""Background work of reporting: big workbook imports, locking and reminders (django-tasks)."""

from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks import task

from jixiao.accounts.models import User
from jixiao.lib.excel import WorkbookError
from jixiao.reporting import actions, imports, reminders
from jixiao.reporting.models import ImportJob, JobStatus


def run_import(job: ImportJob) -> ImportJob:
    """Import a stored upload, recording progress between phases; on failure record the errors and an event."""
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, phase="读取文件")

    def progress(phase, processed, total):
        ImportJob.objects.filter(pk=job.pk).update(phase=phase, processed=processed, total=total)

    user = User.objects.get(pk=job.created_by_id)
    expect = {"expect_assessor": job.unit} if job.as_assessor else {"expect_unit": job.unit}
    try:
        with default_storage.open(job.file.name, "rb") as handle:
            summary = imports.import_file(handle, by=user, expect_period=job.period, progress=progress, **expect)
    except WorkbookError as error:
        messages = [str(e) for e in error.errors]
        ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, errors=messages, finished_at=timezone.now(),
                                                   phase="未导入", summary=f"发现 {len(messages)} 处问题，未写入任何数据")
        actions.refusal("values.import_refused", job.period, user, messages[0], file=job.original_name,
                        problems=len(messages))
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


@task()
def lock_due_submissions_task() -> int:
    return actions.lock_due_submissions()


@task()
def send_reminders_task() -> int:
    return reminders.send_reminders()
