package deephash

import "testing"

type inner struct {
	name string
	tags map[string]int
}

type outer struct {
	A     int
	in    *inner
	list  []inner
	any   any
	bytes []byte
}

func TestSum(t *testing.T) {
	mk := func() outer {
		return outer{A: 1, in: &inner{name: "x", tags: map[string]int{"a": 1, "b": 2, "c": 3}},
			list: []inner{{name: "y"}}, any: "s", bytes: []byte("svg")}
	}
	a, ok := Sum(mk())
	if !ok {
		t.Fatal("not hashed")
	}
	b, _ := Sum(mk()) // other addresses, other map order
	if a != b {
		t.Fatal("equal content, different sums")
	}
	for name, change := range map[string]func(*outer){
		"field":       func(o *outer) { o.A = 2 },
		"unexported":  func(o *outer) { o.in.name = "z" },
		"map value":   func(o *outer) { o.in.tags["b"] = 5 },
		"slice":       func(o *outer) { o.list = append(o.list, inner{}) },
		"nil pointer": func(o *outer) { o.in = nil },
		"any type":    func(o *outer) { o.any = 1 },
		"bytes":       func(o *outer) { o.bytes[0] = 'S' },
		"shift":       func(o *outer) { o.list[0].name, o.any = "", "ys" },
	} {
		o := mk()
		change(&o)
		if c, _ := Sum(o); c == a {
			t.Errorf("%s: a change kept the sum", name)
		}
	}
	type cyc struct{ next *cyc }
	c := &cyc{}
	c.next = c
	if _, ok := Sum(c); ok {
		t.Error("a cycle was hashed")
	}
	if _, ok := Sum(struct{ f func() }{func() {}}); ok {
		t.Error("a func was hashed")
	}
	if _, ok := Sum(&struct{ a, b *inner }{&inner{}, &inner{}}); !ok {
		t.Error("two distinct pointers (no cycle) were refused")
	}
}
