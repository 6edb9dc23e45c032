import pytest

from jixiao.demo import build

# The steps the demo package itself owns; later stages test their own steps.
BASE_STEPS = ("org", "accounts")


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def demo(db, demo_mode):
    """The demo organisation and accounts (the steps these tests are about), loaded once for the test."""
    build.load(only=BASE_STEPS)
