package postgis_test

import (
	"context"
	"testing"

	"github.com/commonground/commonground/internal/dataload"
	"github.com/commonground/commonground/internal/pgtest"
)

// BenchmarkCloneDemoDatabase measures what each test package pays for a
// fresh database with the reference and demo data.
func BenchmarkCloneDemoDatabase(b *testing.B) {
	ctx := context.Background()
	_, drop, err := pgtest.Clone(ctx, pgtest.Demo) // builds the template once
	if err != nil {
		b.Fatal(err)
	}
	drop()
	b.ResetTimer()
	for b.Loop() {
		_, drop, err := pgtest.Clone(ctx, pgtest.Demo)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		drop()
		b.StartTimer()
	}
}

// BenchmarkReloadReference measures `commonground load-reference` on a
// database that already holds the same data (the second `make run`).
func BenchmarkReloadReference(b *testing.B) {
	s := open(b, pgtest.New(b, pgtest.Reference))
	ctx := context.Background()
	for b.Loop() {
		if _, err := dataload.Reference(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSeedDemo measures `commonground seed-demo` (700 activities) on a
// database that already holds it.
func BenchmarkSeedDemo(b *testing.B) {
	s := open(b, pgtest.New(b, pgtest.Demo))
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := dataload.Demo(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}
