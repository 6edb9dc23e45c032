"""Builds the demo district step by step; each stage of the platform adds its own step module."""

import random

from django.db import transaction

from jixiao.org.models import Unit

SEED = 20260101


def already_loaded() -> bool:
    return Unit.objects.exists()


def steps():
    from jixiao.demo import accounts, org

    return [org.build, accounts.build]


@transaction.atomic
def load(reset: bool = False, stdout=None) -> str:
    if reset:
        raise NotImplementedError("reset is not implemented yet")
    rng = random.Random(SEED)
    done = []
    for step in steps():
        done.append(step(rng))
    return "；".join(str(item) for item in done)
