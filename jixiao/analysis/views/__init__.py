"""Pages of the analysis app, one module per part: comparisons (横比纵比), pace (序时进度), peers (近邻单位)."""
