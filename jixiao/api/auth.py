"""How the API knows who calls: a bearer token (`tokens.authenticate`) acting as its membership, through the same
access layer as the pages (`accounts.access`): `request.user` is the token's user with the token's membership
active, so `access.visible_units`, `access.require` and the actions see exactly what that person's page would."""

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from jixiao.api import tokens
from jixiao.audit import context
from jixiao.audit.middleware import client_ip


class Anonymous:
    """What `TokenAuth(optional=True)` returns for a request without a token: published data only."""

    api_token = None

    def __bool__(self):
        return True


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def __init__(self, *, optional: bool = False):
        super().__init__()
        self.optional = optional

    def __call__(self, request: HttpRequest):
        if self.optional and not request.headers.get("Authorization"):
            request.api_token = None
            return Anonymous()
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str):
        try:
            found = tokens.authenticate(token, method=request.method, path=request.path)
        except tokens.TokenError as error:
            raise HttpError(error.status, str(error)) from None
        user = found.user
        user._jixiao_memberships = [found.membership]
        user._jixiao_active = found.membership
        request.user = user
        request.api_token = found
        context.bind(context.Actor(user_id=user.pk, username=user.get_username(), role=found.membership.role,
                                   unit_code=found.membership.unit.code, ip=client_ip(request),
                                   request_id=getattr(request, "request_id", "")))
        return found


token_auth = TokenAuth()
optional_auth = TokenAuth(optional=True)
