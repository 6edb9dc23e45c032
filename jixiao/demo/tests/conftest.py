import pytest

from jixiao.demo import build


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    return settings


@pytest.fixture
def demo(db, demo_mode):
    """The whole demo district, loaded once for the test."""
    build.load()
