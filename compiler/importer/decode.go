package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Limits on what a source file may make the decoder build. Real models
// are far below them: Threagile's example has 1,300 nodes and a merge
// alias per data asset.
const (
	maxNodes  = 2_000_000 // YAML nodes, aliases expanded
	maxAlias  = 10_000    // alias uses
	maxDepth  = 100       // nesting of mappings and sequences
	maxString = 1 << 20   // one scalar, in bytes
)

// decodeYAML reads one YAML document into v after checking it against the
// limits: a document whose aliases expand to more than maxNodes nodes (a
// "billion laughs" bomb), uses more than maxAlias aliases, nests deeper
// than maxDepth or holds a scalar over maxString is refused before it is
// expanded.
func decodeYAML(what string, data []byte, v any) error {
	if !utf8.Valid(data) {
		return fmt.Errorf("%s: the file is not valid UTF-8", what)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	lim := &limits{}
	if err := lim.walk(&doc, 0); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	if err := doc.Decode(v); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	return nil
}

type limits struct{ nodes, aliases int }

var errBomb = errors.New("the document's aliases expand to more than 2,000,000 nodes (a YAML bomb?); refusing to read it")

func (l *limits) walk(n *yaml.Node, depth int) error {
	if n == nil {
		return nil
	}
	if depth > maxDepth {
		return fmt.Errorf("line %d: nested more than %d levels deep", n.Line, maxDepth)
	}
	l.nodes++
	if l.nodes > maxNodes {
		return errBomb
	}
	switch n.Kind {
	case yaml.AliasNode:
		l.aliases++
		if l.aliases > maxAlias {
			return fmt.Errorf("line %d: more than %d aliases; refusing to expand them", n.Line, maxAlias)
		}
		return l.walk(n.Alias, depth+1)
	case yaml.ScalarNode:
		if len(n.Value) > maxString {
			return fmt.Errorf("line %d: a value of %d bytes, more than the %d an import reads", n.Line, len(n.Value), maxString)
		}
	}
	for _, c := range n.Content {
		if err := l.walk(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// decodeJSON reads JSON into v after checking its nesting depth and
// string sizes.
func decodeJSON(what string, data []byte, v any) error {
	if !utf8.Valid(data) {
		return fmt.Errorf("%s: the file is not valid UTF-8", what)
	}
	depth, str := 0, 0
	inStr, esc := false, false
	for i, c := range data {
		if inStr {
			str++
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			if str > maxString {
				return fmt.Errorf("%s: a string of more than %d bytes at byte %d", what, maxString, i)
			}
			continue
		}
		switch c {
		case '"':
			inStr, str = true, 0
		case '{', '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("%s: nested more than %d levels deep at byte %d", what, maxDepth, i)
			}
		case '}', ']':
			depth--
		}
	}
	if err := json.Unmarshal(data, v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%s: not valid JSON at byte %d: %v", what, se.Offset, err)
		}
		return fmt.Errorf("%s: %v", what, err)
	}
	return nil
}
