// Package layering states the import rules between CommonGround's packages
// (GUIDE.md section 3) as data, and checks an import graph against them. Its
// test runs the check on the module itself, so a package that imports across
// the layering fails `go test`.
package layering

import (
	"fmt"
	"sort"
	"strings"
)

// Module is this module's import path.
const Module = "github.com/commonground/commonground"

// Rule says which of the module's packages a package may import (directly)
// and which packages, ours or not, must never be among its dependencies
// (transitively). Prefixes match a path and everything below it.
type Rule struct {
	MayImport []string // ours, relative to Module ("geo", "geo/postgis")
	Never     []string // full import path prefixes
	StdOnly   bool     // nothing outside the standard library at all
}

const (
	gin  = "github.com/gin-gonic/gin"
	pgx  = "github.com/jackc/pgx"
	tern = "github.com/jackc/tern"
)

// Rules maps each package of the module (relative path) to its rule.
var Rules = map[string]Rule{
	"cmd/commonground":       {MayImport: []string{"*"}},
	"cmd/cgbench":            {MayImport: []string{"*"}},
	"api":                    {MayImport: []string{"geo", "geo/cql2", "internal/glyphs"}, Never: []string{Module + "/geo/postgis", Module + "/migrations", Module + "/internal/pgtest", Module + "/internal/dataload", pgx, tern}},
	"geo":                    {Never: []string{gin, pgx, Module + "/api"}},
	"geo/postgis":            {MayImport: []string{"geo", "geo/cql2", "geo/overlaps", "geo/secret", "migrations"}, Never: []string{Module + "/api", gin}},
	"geo/cql2":               {MayImport: []string{"geo"}, Never: []string{Module + "/api", gin, pgx, Module + "/geo/postgis"}},
	"geo/secret":             {MayImport: []string{"geo"}, Never: []string{Module + "/api", gin, pgx, Module + "/geo/postgis"}},
	"geo/overlaps":           {MayImport: []string{"geo"}, Never: []string{Module + "/api", gin, pgx, Module + "/geo/postgis"}},
	"internal/pgtest":        {MayImport: []string{"geo", "geo/postgis", "geo/reference", "geo/demo", "migrations", "internal/dataload"}, Never: []string{Module + "/api", gin}},
	"geo/reference":          {MayImport: []string{"geo"}, Never: []string{Module + "/api", gin, pgx, Module + "/geo/postgis"}},
	"geo/demo":               {MayImport: []string{"geo"}, Never: []string{Module + "/api", gin, pgx, Module + "/geo/postgis"}},
	"internal/glyphs":        {MayImport: []string{"geo"}, Never: []string{Module + "/api", gin, pgx, Module + "/geo/postgis"}},
	"internal/dataload":      {MayImport: []string{"geo", "geo/demo", "geo/reference", "geo/postgis"}, Never: []string{Module + "/api", gin}},
	"internal/layering":      {StdOnly: true},
	"internal/mail":          {StdOnly: true}, // net/smtp only; api sees it through its Mailer interface
	"internal/mail/mailtest": {StdOnly: true}, // the tests' SMTP server
	"migrations":             {StdOnly: true},
	"frontend":               {StdOnly: true},
}

// Package is one node of the import graph: its direct imports and all its
// dependencies.
type Package struct {
	Path    string
	Imports []string
	Deps    []string
}

// Check returns one line per violation of Rules in pkgs; std tells whether
// an import path belongs to the standard library.
func Check(pkgs []Package, std func(string) bool) []string {
	var bad []string
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.Path, Module), "/")
		rule, ok := Rules[rel]
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: no layering rule; add it to internal/layering", rel))
			continue
		}
		for _, imp := range p.Imports {
			if msg := checkImport(rule, imp, std); msg != "" {
				bad = append(bad, fmt.Sprintf("%s imports %s: %s", rel, imp, msg))
			}
		}
		for _, dep := range p.Deps {
			for _, never := range rule.Never {
				if dep == never || strings.HasPrefix(dep, never+"/") {
					bad = append(bad, fmt.Sprintf("%s depends on %s, which it must never import", rel, dep))
				}
			}
		}
	}
	sort.Strings(bad)
	return bad
}

func checkImport(rule Rule, imp string, std func(string) bool) string {
	if std(imp) {
		return ""
	}
	if rule.StdOnly {
		return "only the standard library is allowed"
	}
	if imp != Module && !strings.HasPrefix(imp, Module+"/") {
		return ""
	}
	rel := strings.TrimPrefix(strings.TrimPrefix(imp, Module), "/")
	for _, ok := range rule.MayImport {
		if ok == "*" || ok == rel {
			return ""
		}
	}
	return "not in its allowed imports"
}
