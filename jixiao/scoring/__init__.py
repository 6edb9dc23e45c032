"""Scoring (考核计分): the pure engine (`engine`, `rules`, `types`); runs and snapshots build on it."""
