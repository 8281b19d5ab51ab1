package cql2

import "strings"

// predicate parses an operand and, when one follows, a comparison, [NOT]
// LIKE, [NOT] BETWEEN, [NOT] IN or IS [NOT] NULL applied to it.
func (p *parser) predicate() (Expr, error) {
	left, err := p.additive()
	if err != nil {
		return nil, err
	}
	t := p.peek()
	if t.kind == tOp {
		switch t.text {
		case "=", "<>", "<", ">", "<=", ">=":
			p.advance()
			right, err := p.additive()
			if err != nil {
				return nil, err
			}
			return p.built(&Compare{at(left.Pos()), t.text, left, right})
		}
		return left, nil
	}
	not := false
	if p.isKeyword("NOT") {
		next := p.peekAt(1)
		if next.kind != tIdent || !isOneOf(next.text, "LIKE", "BETWEEN", "IN") {
			return left, nil
		}
		not = true
		p.advance()
	}
	switch {
	case p.isKeyword("LIKE"):
		p.advance()
		pat, err := p.additive()
		if err != nil {
			return nil, err
		}
		return p.built(&Like{at(left.Pos()), left, pat, not})
	case p.isKeyword("BETWEEN"):
		return p.between(left, not)
	case p.isKeyword("IN"):
		p.advance()
		list, err := p.list("IN")
		if err != nil {
			return nil, err
		}
		if len(list) == 0 {
			return nil, errorAt(t.pos, "IN needs at least one value")
		}
		return p.built(&In{at(left.Pos()), left, list, not})
	case p.isKeyword("IS"):
		return p.isNull(left)
	}
	return left, nil
}

// built counts e as a node and returns it.
func (p *parser) built(e Expr) (Expr, error) {
	if err := p.node(e.Pos()); err != nil {
		return nil, err
	}
	return e, nil
}

func isOneOf(s string, words ...string) bool {
	for _, w := range words {
		if strings.EqualFold(s, w) {
			return true
		}
	}
	return false
}

// between parses BETWEEN low AND high after the operand.
func (p *parser) between(x Expr, not bool) (Expr, error) {
	p.advance()
	low, err := p.additive()
	if err != nil {
		return nil, err
	}
	if !p.isKeyword("AND") {
		t := p.peek()
		return nil, errorAt(t.pos, "expected AND in BETWEEN, found %s", t.describe())
	}
	p.advance()
	high, err := p.additive()
	if err != nil {
		return nil, err
	}
	return p.built(&Between{at(x.Pos()), x, low, high, not})
}

// isNull parses IS [NOT] NULL after the operand.
func (p *parser) isNull(x Expr) (Expr, error) {
	p.advance()
	not := false
	if p.isKeyword("NOT") {
		p.advance()
		not = true
	}
	if !p.isKeyword("NULL") {
		t := p.peek()
		return nil, errorAt(t.pos, "expected NULL after IS, found %s", t.describe())
	}
	p.advance()
	return p.built(&IsNull{at(x.Pos()), x, not})
}

// list parses ( [expr {, expr}] ), as in IN lists and arrays; what names
// the construct for errors.
func (p *parser) list(what string) ([]Expr, error) {
	return p.items(what, p.orExpr)
}

// items parses ( [item {, item}] ) with the given item parser.
func (p *parser) items(what string, item func() (Expr, error)) ([]Expr, error) {
	open := p.peek()
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	if err := p.enter(open.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	var items []Expr
	if p.isOp(")") {
		p.advance()
		return items, nil
	}
	for {
		e, err := item()
		if err != nil {
			return nil, err
		}
		items = append(items, e)
		if p.isOp(",") {
			p.advance()
			continue
		}
		if !p.isOp(")") {
			t := p.peek()
			return nil, errorAt(t.pos, "expected ',' or ')' in %s, found %s", what, t.describe())
		}
		p.advance()
		return items, nil
	}
}

// additive parses term {(+|-) term}.
func (p *parser) additive() (Expr, error) {
	return p.binary(p.multiplicative, "+", "-")
}

// multiplicative parses power {(*|/|%|div) power}.
func (p *parser) multiplicative() (Expr, error) {
	return p.binary(p.power, "*", "/", "%", "DIV")
}

// binary parses left-associative operands joined by any of ops.
func (p *parser) binary(operand func() (Expr, error), ops ...string) (Expr, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if !(t.kind == tOp || t.kind == tIdent) || !isOneOf(t.text, ops...) {
			return left, nil
		}
		p.advance()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		op := t.text
		if t.kind == tIdent {
			op = "div"
		}
		if left, err = p.built(&Arith{at(left.Pos()), op, left, right}); err != nil {
			return nil, err
		}
	}
}

// power parses unary [^ power] (right-associative).
func (p *parser) power() (Expr, error) {
	left, err := p.unary()
	if err != nil || !p.isOp("^") {
		return left, err
	}
	t := p.advance()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	right, err := p.power()
	if err != nil {
		return nil, err
	}
	return p.built(&Arith{at(left.Pos()), "^", left, right})
}

// unary parses [-] primary; a minus before a number literal makes a
// negative literal.
func (p *parser) unary() (Expr, error) {
	if !p.isOp("-") {
		return p.primary()
	}
	t := p.advance()
	if n := p.peek(); n.kind == tNumber {
		p.advance()
		return p.number(n, true, t.pos)
	}
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.unary()
	if err != nil {
		return nil, err
	}
	return p.built(&Neg{at(t.pos), x})
}
