from django.conf import settings

from jixiao.audit import context


def client_ip(request) -> str | None:
    """The client's address: X-Real-IP when the request came through one of our proxies, else the peer's.

    Only a peer listed in JIXIAO_TRUSTED_PROXIES (default: loopback, where nginx runs) may name the client;
    anyone else sending the header is ignored, so rate limits and audit addresses cannot be spoofed.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    forwarded = request.META.get("HTTP_X_REAL_IP", "").strip()
    if forwarded and peer in settings.TRUSTED_PROXIES:
        return forwarded
    return peer


class RequestContextMiddleware:
    """Binds the acting user, role, unit, IP and a request id for audit events written in this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = context.new_request_id()
        token = context.bind(self.actor_for(request))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request.request_id
        return response

    @staticmethod
    def actor_for(request) -> context.Actor:
        user = getattr(request, "user", None)
        membership = None
        if user is not None and user.is_authenticated:
            from jixiao.accounts import access

            membership = access.active_membership(request)
        return context.Actor(
            user_id=user.pk if user is not None and user.is_authenticated else None,
            username=user.get_username() if user is not None and user.is_authenticated else "",
            role=membership.role if membership else "",
            unit_code=membership.unit.code if membership else "",
            ip=client_ip(request),
            request_id=request.request_id,
        )


def rebind_for(request) -> None:
    """Re-read the actor after login or a unit switch changed it mid-request."""
    context.bind(RequestContextMiddleware.actor_for(request))
