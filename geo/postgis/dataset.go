package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"

	"github.com/commonground/commonground/geo"
)

// DatasetCounts says how many rows of each kind the database holds after an
// upsert.
type DatasetCounts struct {
	Organisations, Programmes, Activities, Locations int64
}

// UpsertDataset writes organisations (keyed by slug), programmes (by slug)
// and activities (by IATI identifier, which each must carry) in one
// transaction. An activity's organisations, themes and locations are
// replaced by the given ones, so writing the same dataset twice leaves the
// same rows. Unknown slugs, themes, countries or places are EInvalid.
func (s *Store) UpsertDataset(ctx context.Context, orgs []geo.Organisation, progs []geo.Programme, acts []geo.Activity) (DatasetCounts, error) {
	var n DatasetCounts
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		orgIDs, err := upsertOrganisations(ctx, tx, orgs)
		if err != nil {
			return err
		}
		progIDs, err := upsertProgrammes(ctx, tx, progs, orgIDs)
		if err != nil {
			return err
		}
		if err := upsertActivities(ctx, tx, acts, orgIDs, progIDs); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM organisations), (SELECT count(*) FROM programmes),
			(SELECT count(*) FROM activities), (SELECT count(*) FROM activity_locations)`).
			Scan(&n.Organisations, &n.Programmes, &n.Activities, &n.Locations)
	})
	if err != nil {
		return n, fmt.Errorf("postgis: upsert dataset: %w", translate(err))
	}
	return n, nil
}

const upsertOrganisation = `
INSERT INTO organisations (slug, name, short_name, aliases, constituency, iati_org_id, website, hq,
	member_since, last_reported, demo)
VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), NULLIF($7, ''), ST_GeomFromWKB($8, 4326), $9, $10, $11)
ON CONFLICT (slug) DO UPDATE SET
	name = EXCLUDED.name, short_name = EXCLUDED.short_name, aliases = EXCLUDED.aliases,
	constituency = EXCLUDED.constituency, iati_org_id = EXCLUDED.iati_org_id, website = EXCLUDED.website,
	hq = EXCLUDED.hq, member_since = EXCLUDED.member_since, last_reported = EXCLUDED.last_reported,
	demo = EXCLUDED.demo
RETURNING id`

func upsertOrganisations(ctx context.Context, tx pgx.Tx, orgs []geo.Organisation) (map[string]int64, error) {
	var b pgx.Batch
	ids := make(map[string]int64, len(orgs))
	for _, o := range orgs {
		var hq []byte
		if o.HQ != nil {
			hq = wkb.MustMarshal(*o.HQ)
		}
		aliases := o.Aliases
		if aliases == nil {
			aliases = []string{}
		}
		b.Queue(upsertOrganisation, o.Slug, o.Name, o.ShortName, aliases, string(o.Constituency), o.IATIOrgID,
			o.Website, hq, date(o.MemberSince), date(o.LastReported), o.Demo).
			QueryRow(func(row pgx.Row) error {
				var id int64
				if err := row.Scan(&id); err != nil {
					return fmt.Errorf("organisation %q: %w", o.Slug, err)
				}
				ids[o.Slug] = id
				return nil
			})
	}
	return ids, tx.SendBatch(ctx, &b).Close()
}

const upsertProgramme = `
INSERT INTO programmes (slug, name, type, tier, description, lead_organisation_id, demo)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (slug) DO UPDATE SET
	name = EXCLUDED.name, type = EXCLUDED.type, tier = EXCLUDED.tier, description = EXCLUDED.description,
	lead_organisation_id = EXCLUDED.lead_organisation_id, demo = EXCLUDED.demo
RETURNING id`

// Two statements: in one, the DELETE would not see the rows the INSERT
// skipped as duplicates.
const (
	deleteProgrammeOrganisations = `DELETE FROM programme_organisations WHERE programme_id = $1`
	insertProgrammeOrganisations = `
INSERT INTO programme_organisations (programme_id, organisation_id)
SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`
)

func upsertProgrammes(ctx context.Context, tx pgx.Tx, progs []geo.Programme, orgIDs map[string]int64) (map[string]int64, error) {
	ids := make(map[string]int64, len(progs))
	for _, p := range progs {
		var lead *int64
		if p.LeadSlug != "" {
			id, err := lookup(orgIDs, "organisation", p.LeadSlug)
			if err != nil {
				return nil, err
			}
			lead = &id
		}
		var id int64
		err := tx.QueryRow(ctx, upsertProgramme, p.Slug, p.Name, string(p.Type), p.Tier, p.Description, lead, p.Demo).Scan(&id)
		if err != nil {
			return nil, fmt.Errorf("programme %q: %w", p.Slug, err)
		}
		ids[p.Slug] = id
		members := make([]int64, 0, len(p.ParticipantSlugs))
		for _, slug := range p.ParticipantSlugs {
			oid, err := lookup(orgIDs, "organisation", slug)
			if err != nil {
				return nil, err
			}
			members = append(members, oid)
		}
		if _, err := tx.Exec(ctx, deleteProgrammeOrganisations, id); err != nil {
			return nil, fmt.Errorf("programme %q participants: %w", p.Slug, err)
		}
		if _, err := tx.Exec(ctx, insertProgrammeOrganisations, id, members); err != nil {
			return nil, fmt.Errorf("programme %q participants: %w", p.Slug, err)
		}
	}
	return ids, nil
}

// lookup resolves a slug, or fails with EInvalid naming it.
func lookup(ids map[string]int64, kind, slug string) (int64, error) {
	id, ok := ids[slug]
	if !ok {
		return 0, geo.Errorf(geo.EInvalid, "unknown %s %q", kind, slug)
	}
	return id, nil
}

// date turns a zero time into SQL NULL.
func date(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// geomWKB encodes a geometry for ST_GeomFromWKB; nil stays NULL.
func geomWKB(g orb.Geometry) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	return wkb.Marshal(g)
}
