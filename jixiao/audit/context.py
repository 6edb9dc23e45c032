"""Who is acting in the current request, for the audit log. Set by RequestContextMiddleware."""

import contextvars
import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user_id: int | None = None
    username: str = ""
    role: str = ""
    unit_code: str = ""
    ip: str | None = None
    request_id: str = ""


_current: contextvars.ContextVar[Actor] = contextvars.ContextVar("jixiao_actor", default=Actor())  # noqa: B039 (Actor is frozen)


def current() -> Actor:
    return _current.get()


def bind(actor: Actor) -> contextvars.Token:
    return _current.set(actor)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return str(uuid.uuid4())
