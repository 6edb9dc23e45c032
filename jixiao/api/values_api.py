"""Bulk values (数据交换, docs/api_values.md): `POST /api/v1/datavaluesets` imports JSON, CSV or ADX through the
Excel import's checks and write (`exchange.import_rows`), `GET` exports what changed since a time, with deletions,
and `GET /api/v1/jobs/{id}` follows a background import."""

import datetime

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, RawPostDataException, UnreadablePostError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from ninja import Field, Query, Router, Schema, Status

from jixiao.api import exchange, formats
from jixiao.api.api import Problem
from jixiao.api.models import ExchangeJob

router = Router(tags=["数值交换"])

ERRORS = {400: Problem, 401: Problem, 403: Problem, 409: Problem, 413: Problem, 415: Problem, 422: Problem,
          429: Problem}
BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["dataValues"], "properties": {
        "dataValues": {"type": "array", "items": {"type": "object", "properties": {
            "dataElement": {"type": "string"}, "period": {"type": "string"}, "orgUnit": {"type": "string"},
            "value": {"type": ["string", "null"]}, "comment": {"type": "string"}}}}}}},
    "text/csv": {"schema": {"type": "string"}},
    "application/adx+xml": {"schema": {"type": "string"}}}}}


class ConflictOut(Schema):
    line: int = Field(description="出错的行：CSV 的行号、JSON 数组中的序号（从 1 起）、ADX 中第几个 dataValue")
    object: str = Field(description="出错的对象：orgUnit、dataElement、period、value、comment、payload")
    code: str = Field(description="机器可读的冲突代码，见 docs/api_values.md")
    value: str | None = None
    message: str = Field(description="中文说明")


class ImportCount(Schema):
    imported: int
    updated: int
    ignored: int
    deleted: int


class ImportSummary(Schema):
    status: str = Field(description="SUCCESS、WARNING（有行被忽略）或 ERROR（未写入任何数据）")
    description: str
    dryRun: bool
    strategy: str
    importCount: ImportCount
    conflicts: list[ConflictOut]
    conflictCount: int
    jobId: int | None = None


class JobAccepted(Schema):
    jobId: int
    status: str
    status_url: str


class JobOut(Schema):
    jobId: int
    state: str
    stateLabel: str
    strategy: str
    dryRun: bool
    createdAt: str
    finishedAt: str | None = None
    status_url: str
    summary: ImportSummary | None = None


class ImportQuery(Schema):
    dryRun: bool = Field(False, description="试导入：完整检查后回滚，不写入任何数据")
    importStrategy: str = Field("create_and_update", description="create、update、create_and_update、delete")
    idScheme: str = Field("code", description="标识方式，仅支持 code（单位编码、指标编码）")
    run_async: bool | None = Field(None, alias="async", description="true：作为后台任务运行（大于 2,000 行时自动）")


@router.post("/datavaluesets", response={200: ImportSummary, 202: JobAccepted, **ERRORS}, openapi_extra=BODY,
             summary="批量导入数值（JSON、CSV、ADX）")
def import_values(request: HttpRequest, response: HttpResponse, query: Query[ImportQuery]):
    if query.idScheme.lower() != "code":
        return Status(400, {"detail": "idScheme 仅支持 code：单位和指标均以编码标识。", "code": "E_ID_SCHEME"})
    body = _body(request)
    if isinstance(body, Status):
        return body
    try:
        received = exchange.receive(body, request.content_type, user=request.user, token=request.api_token,
                                    strategy=query.importStrategy, dry_run=query.dryRun,
                                    key=request.headers.get("Idempotency-Key", ""), background=query.run_async)
    except formats.FormatError as error:
        return Status(415 if error.code == "E_CONTENT_TYPE" else 400, {"detail": str(error), "code": error.code})
    except exchange.ExchangeError as error:
        return Status(error.status, {"detail": str(error), "code": error.code})
    if received.replayed:
        response["Idempotent-Replayed"] = "true"
    if received.queued:
        url = _job_url(received.job)
        response["Location"] = url
        return Status(202, {"jobId": received.job.pk, "status": received.job.state, "status_url": url})
    return Status(200, received.summary)


def _body(request: HttpRequest):
    """The whole body, or the error answer: too big, or cut short (the client stopped sending mid-upload)."""
    try:
        body = request.body
    except RequestDataTooBig:
        return Status(413, {"detail": "请求内容过大：请拆分为多个请求，或减少单次导入的行数。", "code": "too_large"})
    except (UnreadablePostError, RawPostDataException, OSError):
        return Status(400, {"detail": "请求内容未完整接收（连接在上传中断开），未写入任何数据。", "code": "E_INCOMPLETE"})
    expected = request.META.get("CONTENT_LENGTH") or ""
    if expected.isdigit() and int(expected) != len(body):
        return Status(400, {"detail": f"请求内容不完整：应为 {int(expected)} 字节，只收到 {len(body)} 字节，未写入任何数据。",
                     "code": "E_INCOMPLETE"})
    return body


def _job_url(job: ExchangeJob) -> str:
    return f"/api/v1/jobs/{job.pk}"


class ExportValue(Schema):
    dataElement: str
    period: str
    orgUnit: str
    value: str | None = None
    comment: str
    verified: bool
    lastUpdated: str | None = None


class Deletion(Schema):
    dataElement: str
    period: str
    orgUnit: str
    deleted: str


class ExportOut(Schema):
    dataValues: list[ExportValue]
    deletions: list[Deletion]
    next: str | None = None


class ExportQuery(Schema):
    period: str = Field("", description="报送期，如 2026Q1、2026-01-01/P3M")
    orgUnit: str = Field("", description="单位编码，多个以逗号分隔")
    dataElement: str = Field("", description="指标编码，多个以逗号分隔")
    updatedAfter: str = Field("", description="只返回此时间之后修改或删除的数值（ISO 8601）")
    cursor: str = Field("", description="上一页返回的 next")
    limit: int = Field(1000, ge=1, le=10000)
    format: str = Field("json", description="json 或 csv")
    all: bool = Field(False, description="区级领导：同时导出未核定的数值（页面上的“查看含未核定的全部数据”）")


@router.get("/datavaluesets", response={200: ExportOut, **ERRORS}, summary="增量导出数值（含删除记录）")
def export_values(request: HttpRequest, query: Query[ExportQuery]):
    after = None
    if query.updatedAfter:
        after = _moment(query.updatedAfter)
        if after is None:
            return Status(400, {"detail": f"updatedAfter“{query.updatedAfter[:40]}”不是有效的时间，请用 ISO 8601，"
                                   "如 2026-07-01T08:00:00+08:00。", "code": "bad_request"})
    if query.format not in ("json", "csv"):
        return Status(400, {"detail": "format 只能是 json 或 csv。", "code": "bad_request"})
    try:
        found = exchange.export(request.user, request.api_token, period=query.period, org_unit=query.orgUnit,
                                data_element=query.dataElement, updated_after=after, cursor=query.cursor,
                                limit=query.limit, unverified=query.all)
    except exchange.ExchangeError as error:
        return Status(error.status, {"detail": str(error), "code": error.code})
    if query.format == "csv":
        response = HttpResponse(formats.write_csv(found["dataValues"], found["deletions"]),
                                content_type="text/csv; charset=utf-8")
        if found["next"]:
            response["X-Next-Cursor"] = found["next"]
        return response
    return Status(200, found)


def _moment(text: str) -> datetime.datetime | None:
    try:
        moment = parse_datetime(text)
        if moment is None and (day := parse_date(text)) is not None:
            moment = datetime.datetime.combine(day, datetime.time())
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


@router.get("/jobs/{job_id}", response={200: JobOut, **ERRORS, 404: Problem}, summary="后台导入任务的状态与结果")
def job_status(request: HttpRequest, job_id: int):
    job = ExchangeJob.objects.filter(pk=job_id, user=request.user).first()
    if job is None:
        return Status(404, {"detail": "没有这个导入任务，或它不属于当前账号。", "code": "not_found"})
    return Status(200, {"jobId": job.pk, "state": job.state, "stateLabel": job.get_state_display(), "strategy": job.strategy,
                 "dryRun": job.dry_run, "createdAt": job.created_at.isoformat(),
                 "finishedAt": job.finished_at.isoformat() if job.finished_at else None,
                 "status_url": _job_url(job), "summary": job.summary})
