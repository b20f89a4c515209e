package graph

import (
	"container/list"
	"reflect"
	"sync"

	"github.com/tmc-dev/tmc/render/internal/deephash"
	"github.com/tmc-dev/tmc/render/layout"
)

// Placements are cached: a placed scene (Graphviz's layout, then our own
// placement of labels, badges and legend, and the routing of every edge)
// depends on nothing but the scene, so a view whose scene did not change
// since an earlier render is only drawn again. In tmc serve most views of
// a model do not change with an edit; routing is most of the cost of the
// ones that do (render/layout caches Graphviz's part on its own).
//
// The key is a hash of the whole scene as built from the IR, before
// placement (which adds to it: the legend, the crossing numbers). A hit
// hands out the placed scene of the earlier render, whose scene was equal
// to this one and was changed by placement the same way; drawing only
// reads it, so renders may share it.
//
// 128 placed scenes keep every view of a model like examples/checkout
// over several edits (an undo finds its placement) and keep the cache's
// memory small beside the site (TestSoak measures the whole).
const placementCacheSize = 128

var placements = struct {
	sync.Mutex
	order *list.List // of *placementItem; front: most recently used
	items map[[32]byte]*list.Element
}{order: list.New(), items: map[[32]byte]*list.Element{}}

type placementItem struct {
	key [32]byte
	p   *placed
}

// cachedLayout reports whether renders go through the placement cache:
// only with the real layout (tests swap runLayout for fakes).
func cachedLayout() bool {
	return reflect.ValueOf(runLayout).Pointer() == reflect.ValueOf(layout.Run).Pointer()
}

func getPlacement(k [32]byte) (*placed, bool) {
	placements.Lock()
	defer placements.Unlock()
	el, ok := placements.items[k]
	if !ok {
		return nil, false
	}
	placements.order.MoveToFront(el)
	return el.Value.(*placementItem).p, true
}

func putPlacement(k [32]byte, p *placed) {
	placements.Lock()
	defer placements.Unlock()
	if el, ok := placements.items[k]; ok {
		placements.order.MoveToFront(el)
		return
	}
	placements.items[k] = placements.order.PushFront(&placementItem{key: k, p: p})
	for placements.order.Len() > placementCacheSize {
		last := placements.order.Back()
		placements.order.Remove(last)
		delete(placements.items, last.Value.(*placementItem).key)
	}
}

// sceneKey hashes everything a scene holds (render/internal/deephash);
// false when it cannot (never for a scene built by this package).
func sceneKey(sc *scene) ([32]byte, bool) { return deephash.Sum(sc) }

// ForgetPlacements drops every cached placement: the next render of each
// view places and routes it from scratch. Tests that render twice to
// check the output is deterministic call it between the two renders, so
// that the second render does the whole work instead of reusing the
// first's.
func ForgetPlacements() {
	placements.Lock()
	defer placements.Unlock()
	placements.order.Init()
	clear(placements.items)
}
