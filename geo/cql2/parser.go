package cql2

import (
	"strings"
	"unicode/utf8"
)

// parser is a recursive-descent parser over the token list. depth and nodes
// are checked as the tree grows, so a hostile filter fails before it can
// recurse deeply or allocate much.
type parser struct {
	toks  []token
	i     int
	lim   Limits
	depth int
	nodes int
}

// Parse parses CQL2 text into a syntax tree. The filter must be a boolean
// expression. Errors (*geo.Error, EInvalid) report the first problem with
// its character position; text longer than lim.MaxLength, nesting deeper
// than lim.MaxDepth and more than lim.MaxNodes nodes are rejected.
func Parse(text string, lim Limits) (Expr, error) {
	lim = lim.withDefaults()
	if n := utf8.RuneCountInString(text); n > lim.MaxLength {
		return nil, errorAt(0, "filter too long (%d characters, maximum %d)", n, lim.MaxLength)
	}
	if strings.TrimSpace(text) == "" {
		return nil, errorAt(0, "empty filter")
	}
	toks, err := lex(text)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, lim: lim}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, errorAt(t.pos, "unexpected %s", t.describe())
	}
	if !isBoolean(e) {
		return nil, errorAt(e.Pos(), "expected a boolean expression")
	}
	return e, nil
}

func (p *parser) peek() token { return p.toks[p.i] }

// peekAt returns the token off places ahead, or the final tEOF.
func (p *parser) peekAt(off int) token {
	if p.i+off < len(p.toks) {
		return p.toks[p.i+off]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// isOp reports whether the next token is the operator op.
func (p *parser) isOp(op string) bool {
	t := p.peek()
	return t.kind == tOp && t.text == op
}

// isKeyword reports whether the next token is the bare keyword kw (upper case).
func (p *parser) isKeyword(kw string) bool {
	t := p.peek()
	return t.kind == tIdent && strings.EqualFold(t.text, kw)
}

// expectOp consumes the operator op or fails.
func (p *parser) expectOp(op string) error {
	if !p.isOp(op) {
		t := p.peek()
		return errorAt(t.pos, "expected '%s', found %s", op, t.describe())
	}
	p.advance()
	return nil
}

// node counts one more tree node against MaxNodes.
func (p *parser) node(pos int) error {
	p.nodes++
	if p.nodes > p.lim.MaxNodes {
		return errorAt(pos, "filter too complex (more than %d nodes)", p.lim.MaxNodes)
	}
	return nil
}

// enter counts one nesting level against MaxDepth; leave undoes it.
func (p *parser) enter(pos int) error {
	p.depth++
	if p.depth > p.lim.MaxDepth {
		return errorAt(pos, "filter too deep (more than %d levels)", p.lim.MaxDepth)
	}
	return nil
}

func (p *parser) leave() { p.depth-- }

// orExpr parses booleanTerm {OR booleanTerm}.
func (p *parser) orExpr() (Expr, error) {
	return p.chain("OR", p.andExpr, func(pos int, args []Expr) Expr { return &Or{at(pos), args} })
}

// andExpr parses booleanFactor {AND booleanFactor}.
func (p *parser) andExpr() (Expr, error) {
	return p.chain("AND", p.notExpr, func(pos int, args []Expr) Expr { return &And{at(pos), args} })
}

// chain parses operands joined by the keyword kw into one n-ary node.
func (p *parser) chain(kw string, operand func() (Expr, error), build func(int, []Expr) Expr) (Expr, error) {
	first, err := operand()
	if err != nil || !p.isKeyword(kw) {
		return first, err
	}
	args := []Expr{first}
	for p.isKeyword(kw) {
		p.advance()
		e, err := operand()
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	for _, a := range args {
		if !isBoolean(a) {
			return nil, errorAt(a.Pos(), "expected a boolean expression as operand of %s", kw)
		}
	}
	if err := p.node(first.Pos()); err != nil {
		return nil, err
	}
	return build(first.Pos(), args), nil
}

// notExpr parses [NOT] booleanPrimary, where the primary may be a predicate.
func (p *parser) notExpr() (Expr, error) {
	if !p.isKeyword("NOT") {
		return p.predicate()
	}
	t := p.advance()
	if err := p.enter(t.pos); err != nil {
		return nil, err
	}
	defer p.leave()
	x, err := p.notExpr()
	if err != nil {
		return nil, err
	}
	if !isBoolean(x) {
		return nil, errorAt(x.Pos(), "expected a boolean expression after NOT")
	}
	if err := p.node(t.pos); err != nil {
		return nil, err
	}
	return &Not{at(t.pos), x}, nil
}

// isBoolean reports whether e can stand where CQL2 wants a boolean:
// a predicate, a boolean literal or a function call.
func isBoolean(e Expr) bool {
	switch e.(type) {
	case *And, *Or, *Not, *Compare, *Like, *Between, *In, *IsNull,
		*Spatial, *Temporal, *ArrayPred, *BoolLit, *Func:
		return true
	}
	return false
}
