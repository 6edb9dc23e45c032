"""`manage.py check --deploy` fails with the public development key or with the second factor switched off."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

STRONG_KEY = "k8Vq2-Lz9wRt_N4mXc7pYb3Hs6Jf1Ud5Ga0Eo8Ki2Wn7Qv4Zx9Cr3Tl6By1Mp5Dh"


def deploy_check() -> str:
    """The output of the security deploy checks; raises SystemCheckError when one of them is an error."""
    out = io.StringIO()
    call_command("check", deploy=True, tags=["security"], stdout=out, stderr=out)
    return out.getvalue()


def deploy_report() -> str:
    """The deploy checks' report, whether or not another app's check (the audit key's) fails."""
    try:
        return deploy_check()
    except SystemCheckError as error:
        return str(error)


@pytest.fixture
def production(settings):
    settings.SECRET_KEY = STRONG_KEY
    settings.SECRET_KEY_FALLBACKS = []
    settings.REQUIRE_TOTP = True
    return settings


def test_a_production_key_with_totp_passes_our_checks(production):
    output = deploy_report()
    assert "jixiao.E001" not in output and "jixiao.E002" not in output


def test_the_development_key_fails(production):
    production.SECRET_KEY = production.DEVELOPMENT_SECRET_KEY
    with pytest.raises(SystemCheckError, match="jixiao.E001"):
        deploy_check()


def test_the_development_key_kept_as_a_fallback_fails(production):
    production.SECRET_KEY_FALLBACKS = [production.DEVELOPMENT_SECRET_KEY]
    with pytest.raises(SystemCheckError, match="jixiao.E001"):
        deploy_check()


def test_totp_switched_off_fails(production):
    production.REQUIRE_TOTP = False
    with pytest.raises(SystemCheckError, match="jixiao.E002"):
        deploy_check()


def test_plain_check_without_deploy_stays_quiet_in_development(settings):
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    settings.REQUIRE_TOTP = False
    out = io.StringIO()
    call_command("check", tags=["security"], stdout=out, stderr=out)
    assert "jixiao.E00" not in out.getvalue()
