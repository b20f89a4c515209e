// Package graph draws the node-and-edge diagrams of a threat model: the
// data-flow diagram (DFD) and the C4 context, container and component
// views.
//
// A renderer here works in three steps:
//
//  1. build a scene from the IR: the nodes to draw (with their shape and
//     text lines, measured with render/style), the clusters (trust
//     boundaries, or the system or container a C4 view looks into) and the
//     edges (flows, with their label lines). Crossings are read from the IR,
//     never recomputed;
//  2. lay it out with render/layout (Graphviz places boxes and routes
//     splines; it draws nothing);
//  3. draw the scene at the laid-out positions with our own SVG writer, in
//     the shared visual language of render/style.
//
// Output depends only on the IR: scenes are built from the IR's slices in
// model order, maps are used for lookups only.
package graph

import (
	"context"
	"fmt"
	"strings"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/layout"
	"github.com/tmc-dev/tmc/render/style"
)

// DFD renders a data-flow view (kind dfd) as SVG. v.Elements nil means the
// whole model.
func DFD(ctx context.Context, m *ir.Model, v *ir.View, opts style.Options) ([]byte, error) {
	if v == nil || v.Kind != ir.ViewDFD {
		return nil, fmt.Errorf("graph.DFD: view %s is not a data-flow view", viewName(v))
	}
	return renderDFDView(ctx, m, v, opts) // overview.go: filters, zones, and the cost estimate
}

// C4 renders a C4 view (kind context, container or component) as SVG.
func C4(ctx context.Context, m *ir.Model, v *ir.View, opts style.Options) ([]byte, error) {
	if v == nil {
		return nil, fmt.Errorf("graph.C4: no view")
	}
	switch v.Kind {
	case ir.ViewContext:
	case ir.ViewContainer, ir.ViewComponent:
		if v.Of == nil {
			return nil, fmt.Errorf("graph.C4: view %q has no element to look into", v.ID)
		}
	default:
		return nil, fmt.Errorf("graph.C4: view %s is not a C4 view", viewName(v))
	}
	sc := buildC4(m, v)
	out, _, err := render(ctx, sc, opts)
	return out, err
}

func viewName(v *ir.View) string {
	if v == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%q (kind %s)", v.ID, v.Kind)
}

// runLayout is layout.Run; tests may swap it.
var runLayout = layout.Run

// render lays out and draws a scene, or only draws it when an equal
// scene was placed before (cache.go). It also returns the placed scene,
// for the geometric tests.
func render(ctx context.Context, sc *scene, opts style.Options) ([]byte, *placed, error) {
	sc.fitLabels()
	cached := cachedLayout()
	var key [32]byte
	if cached {
		key, cached = sceneKey(sc)
	}
	if cached {
		if p, ok := getPlacement(key); ok {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
			var b strings.Builder
			draw(&b, p, opts)
			return []byte(b.String()), p, nil
		}
	}
	g := sc.graph()
	res, err := runLayout(ctx, g)
	if err != nil {
		return nil, nil, err
	}
	p, err := place(sc, res)
	if err != nil {
		return nil, nil, err
	}
	if cached {
		putPlacement(key, p)
	}
	var b strings.Builder
	draw(&b, p, opts)
	return []byte(b.String()), p, nil
}
