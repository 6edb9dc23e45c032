"""Old name of campaign_results.py, kept only for jixiao/scoring/loader.py and bench/evaluation.py until they import the new one."""

from jixiao.evaluation.campaign_results import block_scores, unit_scores  # noqa: F401
