package cql2

import (
	"strings"
	"unicode"
)

// kind classifies a token.
type kind int

const (
	tEOF    kind = iota
	tIdent       // bare identifier or keyword
	tQuoted      // "double quoted" identifier
	tString      // 'character string'
	tNumber      // unsigned numeric literal
	tOp          // punctuation or operator
)

// token is one lexical unit. text is the identifier as written, the string
// with escapes resolved, the number as written or the operator.
type token struct {
	kind kind
	text string
	pos  int // 1-based character position
}

// describe names the token for error messages.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "end of filter"
	case tString:
		return "string literal"
	case tQuoted:
		return "property " + quote(t.text)
	default:
		return quote(t.text)
	}
}

// quote quotes s for a message, shortening it so a long input does not
// flood the message.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "..."
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}

// lexer splits filter text into tokens.
type lexer struct {
	src  []rune
	i    int
	toks []token
}

// lex returns the tokens of text, ending with a tEOF token.
func lex(text string) ([]token, error) {
	l := &lexer{src: []rune(text)}
	for {
		l.skipSpace()
		if l.i >= len(l.src) {
			l.toks = append(l.toks, token{kind: tEOF, pos: l.i + 1})
			return l.toks, nil
		}
		if err := l.next(); err != nil {
			return nil, err
		}
	}
}

func (l *lexer) skipSpace() {
	for l.i < len(l.src) && unicode.IsSpace(l.src[l.i]) {
		l.i++
	}
}

func (l *lexer) peekRune(off int) rune {
	if l.i+off < len(l.src) {
		return l.src[l.i+off]
	}
	return 0
}

func (l *lexer) emit(k kind, text string, start int) {
	l.toks = append(l.toks, token{kind: k, text: text, pos: start + 1})
}

// next reads one token starting at a non-space rune.
func (l *lexer) next() error {
	start, r := l.i, l.src[l.i]
	switch {
	case r == '\'':
		return l.quoted('\'', tString, "string")
	case r == '"':
		return l.quoted('"', tQuoted, "property name")
	case isDigit(r) || (r == '.' && isDigit(l.peekRune(1))):
		return l.number()
	case isIdentStart(r):
		for l.i < len(l.src) && isIdentPart(l.src[l.i]) {
			l.i++
		}
		l.emit(tIdent, string(l.src[start:l.i]), start)
		return nil
	}
	for _, op := range []string{"<>", "<=", ">=", "(", ")", ",", "=", "<", ">", "+", "-", "*", "/", "%", "^"} {
		if l.hasPrefix(op) {
			l.i += len(op)
			l.emit(tOp, op, start)
			return nil
		}
	}
	return errorAt(start+1, "unexpected character %q", r)
}

func (l *lexer) hasPrefix(op string) bool {
	for k, c := range op {
		if l.peekRune(k) != c {
			return false
		}
	}
	return true
}

// quoted reads a string or a quoted identifier; a doubled delimiter stands
// for one.
func (l *lexer) quoted(delim rune, k kind, what string) error {
	start := l.i
	var b strings.Builder
	for l.i++; l.i < len(l.src); l.i++ {
		r := l.src[l.i]
		if r != delim {
			b.WriteRune(r)
			continue
		}
		if l.peekRune(1) == delim {
			b.WriteRune(r)
			l.i++
			continue
		}
		l.i++
		if k == tQuoted && b.Len() == 0 {
			return errorAt(start+1, "empty property name")
		}
		l.emit(k, b.String(), start)
		return nil
	}
	return errorAt(start+1, "unterminated %s", what)
}

// number reads digits [. digits] [e [+-] digits], or . digits [...].
func (l *lexer) number() error {
	start := l.i
	l.digits()
	if l.peekRune(0) == '.' {
		l.i++
		l.digits()
	}
	if r := l.peekRune(0); r == 'e' || r == 'E' {
		l.i++
		if r := l.peekRune(0); r == '+' || r == '-' {
			l.i++
		}
		if !isDigit(l.peekRune(0)) {
			return errorAt(start+1, "invalid number %s", quote(string(l.src[start:l.i])))
		}
		l.digits()
	}
	if r := l.peekRune(0); isIdentPart(r) {
		return errorAt(start+1, "invalid number %s", quote(string(l.src[start:l.i+1])))
	}
	l.emit(tNumber, string(l.src[start:l.i]), start)
	return nil
}

func (l *lexer) digits() {
	for l.i < len(l.src) && isDigit(l.src[l.i]) {
		l.i++
	}
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isIdentStart reports a rune that may start an identifier: a letter, '_'
// or ':'.
func isIdentStart(r rune) bool { return unicode.IsLetter(r) || r == '_' || r == ':' }

// isIdentPart reports a rune that may continue an identifier: also digits
// and '.'.
func isIdentPart(r rune) bool { return isIdentStart(r) || isDigit(r) || r == '.' }
