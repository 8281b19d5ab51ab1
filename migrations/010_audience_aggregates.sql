-- Tile aggregates for signed-in viewers (issue 12). Besides the public's,
-- tile_cells and tile_country_counts now hold the audience 'members': what
-- every member of the alliance sees unfiltered (public and members-only
-- activities, no drafts). A member's or the secretariat's unfiltered
-- clusters and countries layers read them and compute live only the cells
-- and countries holding drafts the viewer sees (geo/postgis/tiles.go), so
-- signed-in tiles need not aggregate every location per request.

ALTER TABLE tile_cells DROP CONSTRAINT tile_cells_audience_check,
	ADD CONSTRAINT tile_cells_audience_check CHECK (audience IN ('public', 'members'));
ALTER TABLE tile_country_counts DROP CONSTRAINT tile_country_counts_audience_check,
	ADD CONSTRAINT tile_country_counts_audience_check CHECK (audience IN ('public', 'members'));
-- Rebuild with the new audience before they are used again.
UPDATE tile_aggregates_state SET version = 0;

---- create above / drop below ----

DELETE FROM tile_cells WHERE audience <> 'public';
DELETE FROM tile_country_counts WHERE audience <> 'public';
ALTER TABLE tile_cells DROP CONSTRAINT tile_cells_audience_check,
	ADD CONSTRAINT tile_cells_audience_check CHECK (audience IN ('public'));
ALTER TABLE tile_country_counts DROP CONSTRAINT tile_country_counts_audience_check,
	ADD CONSTRAINT tile_country_counts_audience_check CHECK (audience IN ('public'));
