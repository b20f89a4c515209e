package compiler

import (
	"fmt"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/dsl"
	"github.com/tmc-dev/tmc/dsl/diag"
)

// lowerViews builds the default views and then the declared ones. Default
// views always exist; a declared id that collides with one is TM203.
func (c *compiler) lowerViews() {
	add := func(v *ir.View) { c.m.Views = append(c.m.Views, v) }
	add(&ir.View{ID: "dfd", Name: "Data flow", Kind: ir.ViewDFD})
	add(&ir.View{ID: "context", Name: "System context", Kind: ir.ViewContext})
	for _, e := range c.m.Elements {
		// An external system's inside is drawn only when the model
		// declares it: without containers its view would show the
		// system alone, which the context view already does.
		if e.Kind == ir.System && (len(e.Children) > 0 || !externalElement(e)) {
			add(&ir.View{ID: "container-" + e.ID, Name: nameOr(e) + " containers", Kind: ir.ViewContainer, Of: e})
		}
	}
	for _, e := range c.m.Elements {
		if e.IsContainer() && hasComponents(e) {
			add(&ir.View{ID: "component-" + e.ID, Name: nameOr(e) + " components", Kind: ir.ViewComponent, Of: e})
		}
	}
	for _, s := range c.m.Sequences {
		add(&ir.View{ID: "sequence-" + s.ID, Name: s.Name, Kind: ir.ViewSequence, Sequence: s})
	}
	defaults := map[string]*ir.View{}
	for _, v := range c.m.Views {
		defaults[v.ID] = v
	}
	for _, vd := range c.views {
		if _, ok := defaults[vd.v.ID]; ok {
			d := c.diags.Errorf("TM203", rng(vd.file, &vd.ast.ID.Node), "view %q collides with the default view of that name", vd.v.ID)
			d.Detail = "the default views dfd and context always exist; give this view another id"
			continue
		}
		c.lowerView(vd)
		add(vd.v)
	}
}

func nameOr(e *ir.Element) string {
	if e.Name != "" {
		return e.Name
	}
	return e.ID
}

// externalElement reports whether e lies outside the organisation:
// declared external, in a boundary of trust external, or part of such an
// element (as the diagrams draw it).
func externalElement(e *ir.Element) bool {
	for x := e; x != nil; x = x.Parent {
		if x.External || x.Boundary != nil && x.Boundary.Trust == "external" {
			return true
		}
	}
	return false
}

func hasComponents(e *ir.Element) bool {
	for _, ch := range e.Children {
		if ch.Kind == ir.Component {
			return true
		}
	}
	return false
}

func (c *compiler) lowerView(vd *viewDecl) {
	v, file := vd.v, vd.file
	var include, exclude []*dsl.Pattern
	kind := func(k string, s *dsl.ViewStmt) {
		if c.prop(v, "kind", rng(file, &s.Node)) {
			v.Kind = k
		}
	}
	for _, s := range vd.ast.Body {
		switch {
		case s.DFD:
			kind(ir.ViewDFD, s)
		case s.Context:
			kind(ir.ViewContext, s)
		case s.ContainerOf != nil:
			kind(ir.ViewContainer, s)
			if x := c.resolve(file, s.ContainerOf, "container of", kElement); x != nil {
				if x.element.Kind != ir.System {
					c.diags.Errorf("TM204", rng(file, &s.ContainerOf.Node), "%q is %s, but container of needs a system", x.path, article(x.element.Kind)).Related =
						[]diag.Note{noteAt(x.rng, "%q declared here", x.path)}
				} else {
					v.Of = x.element
				}
			}
		case s.ComponentOf != nil:
			kind(ir.ViewComponent, s)
			if x := c.resolve(file, s.ComponentOf, "component of", kElement); x != nil {
				if !x.element.IsContainer() {
					c.diags.Errorf("TM204", rng(file, &s.ComponentOf.Node), "%q is %s, but component of needs a container", x.path, article(x.element.Kind)).Related =
						[]diag.Note{noteAt(x.rng, "%q declared here", x.path)}
				} else {
					v.Of = x.element
				}
			}
		case s.Include != nil:
			include = append(include, s.Include...)
		case s.Exclude != nil:
			exclude = append(exclude, s.Exclude...)
		case s.Description != nil:
			c.setStr(v, file, "description", &v.Description, s.Description, &s.Node)
		case s.Crossing != nil || s.Unmarked || s.Carries != nil || s.Around != nil:
			c.lowerFilter(vd, s)
		}
	}
	if v.Kind == "" {
		v.Kind = ir.ViewDFD // a view that only selects elements is a data-flow view
	}
	if f := vd.filter; f != nil {
		if v.Kind != ir.ViewDFD {
			c.diags.Errorf("TM204", f.first, "filters (crossing, unmarked, carries, around) apply to data-flow views, not to a %s view", v.Kind).Detail =
				"remove the filter, or make the view a dfd"
			vd.filter = nil
		}
	}
	if include == nil && exclude == nil && (vd.filter == nil || vd.filter.around == nil) {
		return
	}
	selected := map[*ir.Element]bool{}
	if include == nil && (vd.filter == nil || vd.filter.around == nil) { // exclude alone starts from everything
		for _, e := range c.m.Elements {
			selected[e] = true
		}
	}
	for _, p := range include {
		for _, e := range c.pattern(file, p) {
			selected[e] = true
		}
	}
	if vd.filter != nil {
		for _, a := range vd.filter.around {
			for _, e := range neighbourhood(c.m.Flows, a.e, a.depth) {
				selected[e] = true
			}
		}
	}
	for _, p := range exclude {
		for _, e := range c.pattern(file, p) {
			delete(selected, e)
		}
	}
	v.Elements = []*ir.Element{}
	for _, e := range c.m.Elements { // model order, not map order
		if selected[e] {
			v.Elements = append(v.Elements, e)
		}
	}
}

// pattern resolves x, x.* (direct children) or x.** (all descendants).
func (c *compiler) pattern(file string, p *dsl.Pattern) []*ir.Element {
	ref := &dsl.Ref{Node: p.Node, Parts: p.Parts}
	x := c.resolve(file, ref, "a view", kElement)
	if x == nil {
		return nil
	}
	e := x.element
	switch p.Wild {
	case "*":
		return e.Children
	case "**":
		var out []*ir.Element
		var walk func(*ir.Element)
		walk = func(e *ir.Element) {
			for _, ch := range e.Children {
				out = append(out, ch)
				walk(ch)
			}
		}
		walk(e)
		return out
	}
	return []*ir.Element{e}
}

func noteAt(r diag.Range, msg string, args ...any) diag.Note {
	return diag.Note{Range: r, Message: fmt.Sprintf(msg, args...)}
}
