"""Builds the demo district (示范数据) step by step; each stage of the platform adds its own step module.

A step is a function `build(rng) -> str` that bulk-creates its rows and returns a one-line Chinese summary.
Every step gets its own `random.Random` seeded from SEED and the step's module name, so adding a step (or
changing one) never changes the rows of the others.
"""

import graphlib
import random

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction

from jixiao.audit import context, log
from jixiao.org.models import Unit

SEED = 20260101
# The audit log is append-only and survives a reset; everything else of the platform is demo data.
KEPT_APPS = {"audit"}


def already_loaded() -> bool:
    return Unit.objects.exists()


def steps():
    """The steps in order. A later stage appends its module's `build` here (indicators, reports, …)."""
    from jixiao.demo import (
        accountability,
        accounts,
        analysis,
        api_tokens,
        cadres,
        evaluation,
        indicators,
        keywork,
        org,
        profiles,
        publishing,
        reporting,
        residents,
        results,
        scoring,
        stats,
    )

    return [org.build, accounts.build, keywork.build, evaluation.build, indicators.build, reporting.build, scoring.build,
            results.build, cadres.build, accountability.build, analysis.build, publishing.build, profiles.build,
            residents.build, api_tokens.build, stats.build]


def step_name(step) -> str:
    return step.__module__.rsplit(".", 1)[-1]


def step_rng(step) -> random.Random:
    # Seeding with a str is stable across runs and machines (it does not depend on PYTHONHASHSEED).
    return random.Random(f"{SEED}:{step_name(step)}")


def selected_steps(only=None) -> list:
    """All steps, or just those named in `only` (in their usual order); tests load only what they need."""
    chosen = steps()
    if only is None:
        return chosen
    names = set(only)
    unknown = names - {step_name(step) for step in chosen}
    if unknown:
        raise ValueError(f"unknown demo steps: {sorted(unknown)}")
    return [step for step in chosen if step_name(step) in names]


@transaction.atomic
def load(reset: bool = False, stdout=None, only=None) -> str:
    """Build the steps in one transaction (all or nothing) and write one audit event for the whole load."""
    if reset:
        wipe()
    summaries = {}
    for step in selected_steps(only):
        summaries[step_name(step)] = step(step_rng(step))
        if stdout is not None:
            stdout.write(f"  {step_name(step)}：{summaries[step_name(step)]}")
    token = context.bind(context.Actor(username="seed_demo", request_id=context.new_request_id()))
    try:
        log.record("demo.seeded", object_repr="示范区（示范数据）", after={"reset": reset, "steps": summaries})
    finally:
        context.reset(token)
    return "；".join(summaries.values())


def platform_models() -> list:
    """The platform's own tables, each listed before the tables it points to (safe deletion order)."""
    models = [
        m for m in apps.get_models(include_auto_created=True)
        if m.__module__.startswith("jixiao.") or m._meta.app_config.name.startswith("jixiao.")
    ]
    models = [m for m in models if m._meta.app_label not in KEPT_APPS and m._meta.managed and not m._meta.proxy]
    # graph[target] = models that reference target: those must be deleted before the target.
    graph = {m: set() for m in models}
    for m in models:
        for field in m._meta.concrete_fields:
            target = field.related_model if field.is_relation else None
            if target is not None and target is not m and target in graph:
                graph[target].add(m)
    try:
        return list(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError:
        return models  # foreign keys are checked at commit (deferred), so any order works then


def wipe() -> None:
    """Delete all platform data except the audit log. Demo mode only.

    Plain DELETE statements, not the ORM's delete(): historic tables protect their rows against deletion
    (PROTECT foreign keys, immutable snapshots), which is right everywhere except when throwing the whole
    demo away. Foreign keys are deferred to commit, so the self-referencing unit tree goes in one statement.
    """
    if not settings.DEMO_MODE:
        raise RuntimeError("wipe() deletes every row; it runs only in demo mode")
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in platform_models():
            cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")  # noqa: S608 (table names from models)
