package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/commonground/commonground/geo"
)

const upsertActivity = `
INSERT INTO activities (iati_identifier, title, description, programme_id, status, start_date, end_date,
	budget, currency, visibility, demo)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (iati_identifier) DO UPDATE SET
	title = EXCLUDED.title, description = EXCLUDED.description, programme_id = EXCLUDED.programme_id,
	status = EXCLUDED.status, start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date,
	budget = EXCLUDED.budget, currency = EXCLUDED.currency, visibility = EXCLUDED.visibility,
	demo = EXCLUDED.demo
RETURNING id`

const insertActivityOrganisation = `
INSERT INTO activity_organisations (activity_id, organisation_id, role) VALUES ($1, $2, $3)`

const insertActivityTheme = `
INSERT INTO activity_themes (activity_id, theme_code) VALUES ($1, $2)`

const insertActivityLocation = `
INSERT INTO activity_locations (activity_id, kind, precision, name, country_code, place_id, admin_area, geom)
VALUES ($1, $2, $3, $4, NULLIF($5, ''), NULLIF($6, 0), $7, ST_GeomFromWKB($8, 4326))`

// upsertActivities writes the activity rows first (one pipelined batch, to
// learn their ids), then replaces their organisations, themes and locations.
func upsertActivities(ctx context.Context, tx pgx.Tx, acts []geo.Activity, orgIDs, progIDs map[string]int64) error {
	ids := make([]int64, len(acts))
	var b pgx.Batch
	for i, a := range acts {
		if a.IATIIdentifier == "" {
			return geo.Errorf(geo.EInvalid, "activity %q has no IATI identifier", a.Title)
		}
		var prog *int64
		if a.ProgrammeSlug != "" {
			id, err := lookup(progIDs, "programme", a.ProgrammeSlug)
			if err != nil {
				return err
			}
			prog = &id
		}
		var budget *float64
		var currency *string
		if a.Budget != nil {
			budget, currency = &a.Budget.Amount, &a.Budget.Currency
		}
		b.Queue(upsertActivity, a.IATIIdentifier, a.Title, a.Description, prog, string(a.Status),
			date(a.Start), date(a.End), budget, currency, string(a.Visibility), a.Demo).
			QueryRow(func(row pgx.Row) error {
				if err := row.Scan(&ids[i]); err != nil {
					return fmt.Errorf("activity %q: %w", a.IATIIdentifier, err)
				}
				return nil
			})
	}
	if err := tx.SendBatch(ctx, &b).Close(); err != nil {
		return err
	}
	for _, table := range []string{"activity_organisations", "activity_themes", "activity_locations"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE activity_id = ANY($1)`, ids); err != nil {
			return fmt.Errorf("replace %s: %w", table, err)
		}
	}
	return insertActivityChildren(ctx, tx, acts, ids, orgIDs)
}

func insertActivityChildren(ctx context.Context, tx pgx.Tx, acts []geo.Activity, ids []int64, orgIDs map[string]int64) error {
	var b pgx.Batch
	for i, a := range acts {
		for _, ao := range a.Organisations {
			oid, err := lookup(orgIDs, "organisation", ao.Slug)
			if err != nil {
				return fmt.Errorf("activity %q: %w", a.IATIIdentifier, err)
			}
			b.Queue(insertActivityOrganisation, ids[i], oid, string(ao.Role))
		}
		for _, theme := range a.Themes {
			b.Queue(insertActivityTheme, ids[i], theme)
		}
		for _, l := range a.Locations {
			if err := geo.CheckLonLat(l.Geometry); err != nil {
				return geo.Errorf(geo.EInvalid, "activity %q location: %v", a.IATIIdentifier, err)
			}
			g, err := geomWKB(l.Geometry)
			if err != nil {
				return fmt.Errorf("activity %q location: %w", a.IATIIdentifier, err)
			}
			b.Queue(insertActivityLocation, ids[i], string(l.Kind), string(l.Precision), l.Name, l.CountryCode,
				l.PlaceID, l.AdminArea, g)
		}
	}
	return tx.SendBatch(ctx, &b).Close()
}
