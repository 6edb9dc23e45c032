import pytest
import time_machine

from jixiao.reporting.tests.builders import IN_Q1_WINDOW, world


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Evidence and uploads go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def frozen():
    """Inside the 2026 Q1 entry window, the clock stopped (modules opt in with usefixtures("frozen"))."""
    with time_machine.travel(IN_Q1_WINDOW, tick=False):
        yield


@pytest.fixture
def w(cast):
    """The reporting world of builders.world; a module may override it with its own data."""
    return world(cast)
