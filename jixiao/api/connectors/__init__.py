"""The statistics bureau's connector (统计数据对接, docs/api_stats.md): reads a bureau's file offline — the national
bureau's `datanodes` JSON (`nbs`) or a district bureau's workbook (`workbook`) — maps its codes onto our indicators
through the mapping table kept per indicator (`StatsMapping`), and sends the rows down the bulk path
(`jixiao.api.exchange.import_rows`), so the same checks, locks and revisions hold as for any other import."""
