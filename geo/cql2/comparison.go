package cql2

// like compiles X [NOT] LIKE pattern; both sides must be strings.
func (c *compiler) like(e *Like) (string, error) {
	ops, err := c.operands(e.X, e.Pattern)
	if err != nil {
		return "", err
	}
	x, pat := ops[0], ops[1]
	if x.typ != String {
		return "", errorAt(e.Pos(), "LIKE needs a string, found %s", x.what())
	}
	if pat.typ != String {
		return "", errorAt(e.Pattern.Pos(), "LIKE needs a string pattern, found %s", pat.what())
	}
	op := " LIKE "
	if e.Not {
		op = " NOT LIKE "
	}
	return x.against(pat) + op + pat.against(x), nil
}

// between compiles X [NOT] BETWEEN low AND high on numbers, dates or
// timestamps.
func (c *compiler) between(e *Between) (string, error) {
	ops, err := c.operands(e.X, e.Low, e.High)
	if err != nil {
		return "", err
	}
	x, lo, hi := ops[0], ops[1], ops[2]
	if f := family(x.typ); f != "number" && f != "time" {
		return "", errorAt(e.Pos(), "BETWEEN needs a number, date or timestamp, found %s", x.what())
	}
	for _, b := range ops[1:] {
		if !canCompare(x, b) {
			return "", mismatch(e.Pos(), "compare", x, b)
		}
	}
	op := " BETWEEN "
	if e.Not {
		op = " NOT BETWEEN "
	}
	return x.against(lo) + op + lo.against(x) + " AND " + hi.against(x), nil
}

// in compiles X [NOT] IN (list). On a string array property it means "the
// array shares a value with the list".
func (c *compiler) in(e *In) (string, error) {
	x, err := c.operand(e.X)
	if err != nil {
		return "", err
	}
	if x.typ == StringArray {
		return c.arrayIn(e, x)
	}
	items, err := c.operands(e.List...)
	if err != nil {
		return "", err
	}
	sql := x.typed()
	if e.Not {
		sql += " NOT IN ("
	} else {
		sql += " IN ("
	}
	for i, it := range items {
		if !canCompare(x, it) {
			return "", mismatch(e.List[i].Pos(), "compare", x, it)
		}
		if i > 0 {
			sql += ", "
		}
		sql += it.against(x)
	}
	return sql + ")", nil
}

// arrayIn compiles array_property [NOT] IN ('a', 'b') as an overlap test
// with one text[] placeholder.
func (c *compiler) arrayIn(e *In, x operand) (string, error) {
	values, err := stringValues(e.List, x)
	if err != nil {
		return "", err
	}
	sql := x.sql + " && " + c.arg(values) + "::text[]"
	if e.Not {
		sql = "NOT (" + sql + ")"
	}
	return sql, nil
}

// stringValues returns the values of string literals matched against the
// string array operand x.
func stringValues(list []Expr, x operand) ([]string, error) {
	values := make([]string, 0, len(list))
	for _, it := range list {
		s, ok := it.(*StringLit)
		if !ok {
			return nil, errorAt(it.Pos(), "%s can only be matched with string literals, found %s", x.what(), describe(it))
		}
		values = append(values, s.Value)
	}
	return values, nil
}

// isNull compiles X IS [NOT] NULL.
func (c *compiler) isNull(e *IsNull) (string, error) {
	x, err := c.operand(e.X)
	if err != nil {
		return "", err
	}
	if e.Not {
		return x.typed() + " IS NOT NULL", nil
	}
	return x.typed() + " IS NULL", nil
}
