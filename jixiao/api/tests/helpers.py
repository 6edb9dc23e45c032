"""Tokens for tests: a real token issued through `tokens.issue`, and the header that carries it."""

from jixiao.api import tokens


def issue(user, scopes=("read", "write"), **kwargs) -> str:
    """The secret of a new token for `user` (its first membership unless `membership=` is given)."""
    return tokens.issue(user=user, scopes=list(scopes), name=kwargs.pop("name", "测试令牌"), by=None,
                        **kwargs).secret


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
