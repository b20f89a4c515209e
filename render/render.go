// Package render turns a compiled model into its outputs. This file
// dispatches a view to the renderer of its kind: DFD and C4 views are laid
// out by Graphviz (render/graph, render/layout), sequence diagrams by our
// own layout (render/sequence); all draw with one visual language
// (render/style).
package render

import (
	"context"
	"fmt"

	"github.com/tmc-dev/tmc/compiler/ir"
	"github.com/tmc-dev/tmc/render/graph"
	"github.com/tmc-dev/tmc/render/sequence"
	"github.com/tmc-dev/tmc/render/style"
)

// Options are the options of every renderer.
type Options = style.Options

// View renders one view of m as SVG.
func View(ctx context.Context, m *ir.Model, v *ir.View, opts Options) ([]byte, error) {
	switch v.Kind {
	case ir.ViewDFD:
		return graph.DFD(ctx, m, v, opts)
	case ir.ViewContext, ir.ViewContainer, ir.ViewComponent:
		return graph.C4(ctx, m, v, opts)
	case ir.ViewSequence:
		return sequence.Render(m, v, opts)
	}
	return nil, fmt.Errorf("view %q: unknown kind %q", v.ID, v.Kind)
}
