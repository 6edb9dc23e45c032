"""seed_demo: deterministic, resettable, skippable, one audit event; demo_accounts prints the logins."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command

from jixiao.accounts.models import User
from jixiao.audit.log import verify_chain
from jixiao.audit.models import Event
from jixiao.demo import accounts, build
from jixiao.demo.tests.conftest import BASE_STEPS
from jixiao.org.models import Cadre, Group, Unit


def digest() -> str:
    """A fingerprint of the organisation: units, cadres and group memberships, without database ids."""
    rows = list(Unit.objects.order_by("code").values_list(
        "code", "name", "short_name", "kind", "parent__code", "is_assessor", "valid_from", "valid_to", "note"))
    rows += list(Cadre.objects.order_by("unit__code", "post", "tenure_from", "name").values_list(
        "unit__code", "name", "post", "title", "tenure_from", "tenure_to"))
    rows += list(Group.objects.order_by("cycle__year", "code", "units__code").values_list(
        "cycle__year", "code", "name", "purpose", "units__code"))
    rows += list(User.objects.order_by("username").values_list("username", "full_name", "is_demo"))
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def run(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, "--only", ",".join(BASE_STEPS), stdout=out)
    return out.getvalue()


def test_two_builds_are_identical(demo):
    first = digest()
    build.load(reset=True, only=BASE_STEPS)
    assert digest() == first
    assert Unit.objects.count() > 140


def test_adding_a_step_leaves_the_other_steps_data_alone(db, demo_mode, monkeypatch):
    build.load(only=BASE_STEPS)
    before = digest()
    original = build.selected_steps(BASE_STEPS)

    def extra(rng):
        return f"额外 {rng.random()}"

    extra.__module__ = "jixiao.demo.extra"
    monkeypatch.setattr(build, "steps", lambda: [extra, *original])
    build.load(reset=True)
    assert digest() == before


def test_each_step_gets_its_own_stable_random_stream():
    from jixiao.demo import accounts as a
    from jixiao.demo import org

    assert build.step_rng(org.build).random() == build.step_rng(org.build).random()
    assert build.step_rng(org.build).random() != build.step_rng(a.build).random()


def test_seed_writes_exactly_one_audit_event(db, demo_mode):
    run()
    events = list(Event.objects.all())
    assert [e.code for e in events] == ["demo.seeded"]
    assert events[0].username == "seed_demo"
    assert set(events[0].after["steps"]) == set(BASE_STEPS)


def test_if_empty_skips_the_second_time(db, demo_mode):
    run("--if-empty")
    units, cadres = Unit.objects.count(), Cadre.objects.count()
    out = run("--if-empty")
    assert "跳过" in out
    assert (Unit.objects.count(), Cadre.objects.count()) == (units, cadres)
    assert Event.objects.filter(code="demo.seeded").count() == 1


def test_second_load_without_a_flag_refuses(db, demo_mode):
    run()
    with pytest.raises(CommandError, match="已有数据"):
        run()


def test_reset_reloads_and_keeps_the_audit_log(db, demo_mode):
    run()
    Unit.objects.create(code="X99", name="临时单位", kind="district")
    User.objects.create(username="someone")
    run("--reset")
    assert not Unit.objects.filter(code="X99").exists()
    assert not User.objects.filter(username="someone").exists()
    assert Unit.objects.current().filter(kind__in=["department", "bureau"]).count() == 72
    assert Event.objects.filter(code="demo.seeded").count() == 2
    assert Event.objects.filter(code="demo.seeded").first().after["reset"] is True
    checked, broken, reason = verify_chain()
    assert (checked, broken, reason) == (2, None, "")


def test_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="示范模式"):
        run()
    assert not Unit.objects.exists()


def test_wipe_refuses_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    with pytest.raises(RuntimeError):
        build.wipe()


def test_a_failing_step_writes_nothing(db, demo_mode, monkeypatch):
    def broken(rng):
        raise ValueError("boom")

    original = build.selected_steps(BASE_STEPS)
    monkeypatch.setattr(build, "steps", lambda: [*original, broken])
    with pytest.raises(ValueError, match="boom"):
        build.load()
    assert not Unit.objects.exists()
    assert not Event.objects.exists()


def test_wipe_order_lists_referencing_tables_first():
    order = build.platform_models()
    position = {m: i for i, m in enumerate(order)}
    assert position[Cadre] < position[Unit]
    assert position[Group.units.through] < position[Group]
    assert Event not in position


def test_demo_accounts_prints_every_login(demo):
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    text = out.getvalue()
    for acct in accounts.DEMO_ACCOUNTS:
        assert acct.username in text and acct.password in text
    assert "区绩效考核办公室 (M01)" in text
    assert "leader01" not in text


def test_demo_accounts_says_so_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    out = io.StringIO()
    call_command("demo_accounts", stdout=out)
    assert "不是示范模式" in out.getvalue()
    assert "Demo#2026" not in out.getvalue()


def test_docs_list_every_demo_account():
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "demo.md").read_text(encoding="utf-8")
    for acct in accounts.DEMO_ACCOUNTS:
        assert f"| `{acct.username}` | `{acct.password}` |" in text
    assert accounts.DEMO_TOTP_SECRET in text


def test_village_count_matches_the_docs(demo):
    villages = Unit.objects.filter(kind="village")
    assert villages.count() == 61
    assert villages.filter(valid_to__isnull=True).count() == 60


def test_only_refuses_an_unknown_step(db, demo_mode):
    with pytest.raises(CommandError, match="未知的示范数据步骤"):
        call_command("seed_demo", "--only", "org,nonsense", stdout=io.StringIO())
    assert not Unit.objects.exists()
