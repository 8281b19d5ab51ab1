package postgis

import (
	"context"
	"fmt"
)

// pruneEvery: one sign-in in this many also runs Prune, so the account
// tables stay small without a job of their own (a busy server prunes
// often, an idle one has little to prune).
const pruneEvery = 64

// Prune grace periods: sign-in attempts are kept a day (the throttle reads
// 15 minutes of them; the rest is for an administrator looking at a burst),
// ended sessions and used or expired links a week (for a question about
// them soon after).
const (
	keepAttempts = "1 day"
	keepEnded    = "7 days"
	// An Idempotency-Key is a retry's for a day; a deleted activity may be
	// restored for 30 (geo.RestoreWindow).
	keepIdempotency = "1 day"
	keepDeleted     = "30 days"
)

const pruneAccounts = `WITH
	a AS (DELETE FROM sign_in_attempts WHERE at < now() - interval '` + keepAttempts + `'),
	s AS (DELETE FROM sessions WHERE (revoked_at IS NOT NULL AND revoked_at < now() - interval '` + keepEnded + `')
		OR expires_at < now() - interval '` + keepEnded + `'),
	l AS (DELETE FROM account_links WHERE (used_at IS NOT NULL AND used_at < now() - interval '` + keepEnded + `')
		OR expires_at < now() - interval '` + keepEnded + `'),
	i AS (DELETE FROM idempotency_keys WHERE created_at < now() - interval '` + keepIdempotency + `'),
	d AS (DELETE FROM deleted_activities WHERE deleted_at < now() - interval '` + keepDeleted + `')
SELECT 1`

// Prune deletes sign-in attempts older than a day and sessions and links
// that ended (expired, revoked, used) more than a week ago. Idle-expired
// sessions are refused by SessionUser already and go when their absolute
// end is a week past; Idempotency-Keys after a day, deleted activities
// after their 30 days. The audit log and the change log are kept: they are
// the record.
func (s *Store) Prune(ctx context.Context) error {
	if _, err := s.pool.Exec(ctx, pruneAccounts); err != nil {
		return fmt.Errorf("postgis: prune: %w", translate(err))
	}
	return nil
}
