// Package migrations holds CommonGround's ordered SQL migrations in the
// jackc/tern format (NNN_name.sql with a "---- create above / drop below ----"
// separator). It imports nothing of the project's.
package migrations

import "embed"

// FS holds the migration files at its root.
//
//go:embed *.sql
var FS embed.FS
