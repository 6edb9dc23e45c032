# The evaluation app's fixtures (an open campaign at a frozen time, code issuing) serve the portal tests too.
from jixiao.evaluation.tests.conftest import campaign, clock, draft_campaign, issue  # noqa: F401
