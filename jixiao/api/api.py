"""The versioned API, /api/v1/ (docs/api.md). Routers live beside their subject (`jixiao/api/*_api.py`) and are
mounted here; each reads through `accounts.access` and the apps' querysets and writes through their actions."""

from django.http import HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from jixiao.api.auth import token_auth


class ChineseJSON(JSONRenderer):
    """UTF-8 JSON as it reads: Chinese names and messages as themselves, not \\u escapes (half the bytes)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=ChineseJSON(),
    title="绩效管理平台数据接口",
    version="1",
    description="区绩效管理平台的数据接口（v1）：单位、指标、方案与目标、已核实数值、已公布结果和比较分析的读取，"
                "以及数值的批量交换（datavaluesets）。除公开数据外，调用须携带接口令牌：`Authorization: Bearer <令牌>`。",
    urls_namespace="api-v1",
    auth=token_auth,
    docs_url="/docs",
)


class Problem(Schema):
    """An error: `detail` in Chinese, `code` for programs."""

    detail: str
    code: str = ""


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError):
    return api.create_response(request, {"detail": str(exc), "code": _code(exc.status_code)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(request, {"detail": "缺少接口令牌：请在请求头中提供 Authorization: Bearer <令牌>。",
                                         "code": "unauthorized"}, status=401)


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError):
    where = "；".join(f"{'.'.join(str(p) for p in e.get('loc', []))}：{e.get('msg', '')}" for e in exc.errors[:10])
    return api.create_response(request, {"detail": f"请求参数有误：{where}", "code": "invalid"}, status=422)


def _code(status: int) -> str:
    return {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict",
            413: "too_large", 422: "invalid", 429: "rate_limited"}.get(status, "error")


class Me(Schema):
    username: str
    role: str
    unit_code: str
    scopes: list[str]
    expires_at: str


@api.get("/me", response={200: Me, 401: Problem, 403: Problem, 429: Problem}, tags=["令牌"],
         summary="当前令牌代表的账号、角色和权限")
def me(request):
    token = request.api_token
    return {"username": token.user.get_username(), "role": token.membership.role,
            "unit_code": token.membership.unit.code, "scopes": token.scope_list,
            "expires_at": token.expires_at.isoformat()}


api.add_router("/", "jixiao.api.read_api.router")
api.add_router("/", "jixiao.api.values_api.router")
