"""The reporting pages, split by audience: `reporter` (a unit's people: entry, evidence, submission, template),
`review` (the unit's reviewer signs off; the assessor unit verifies, returns and enters values), `office` (periods,
exceptions, the board, timeliness, unlocking). `shared` holds what they share: reach, refusals, downloads, the
upload, and the pages several audiences read (an evidence file, a value's history, an import's progress)."""
