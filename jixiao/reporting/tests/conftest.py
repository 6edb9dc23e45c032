import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Evidence and uploads go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
