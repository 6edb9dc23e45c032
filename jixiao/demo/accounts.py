"""Demo accounts, one per role (placeholder)."""


def build(rng) -> str:
    return "账号 0 个"
