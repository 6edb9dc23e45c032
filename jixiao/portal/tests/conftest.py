# The evaluation app's fixtures (an open campaign at a frozen time, code issuing) serve the portal tests too.
from jixiao.evaluation.tests.conftest import campaign, clock, draft_campaign, issue  # noqa: F401

# Browser tests here drive the same Chromium as tests/browser/ with the same launch settings.
from tests.browser.conftest import browser_type_launch_args  # noqa: F401, E402
