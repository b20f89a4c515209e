package layout

import (
	"container/list"
	"sync"
	"time"
)

// cacheSize bounds the layouts kept in memory. A raw layout of a
// 200-node view is a few tens of KB. render/graph keeps the placed scenes
// in front of this cache, so a layout is looked up here only when a view's
// scene changed: 256 are plenty, and keep a long tmc serve small.
const cacheSize = 256

// failureCacheSize bounds the remembered failures (a few dozen bytes
// each): a layout that ran out of time or memory, remembered so that the
// next rebuild of the same view fails at once instead of costing the
// whole limit again.
const failureCacheSize = 256

// cacheDisabled turns both caches off (benchmarks measure Graphviz).
var cacheDisabled bool

type cacheKey [32]byte // SHA-256 of the DOT text

// A failure is what stopped the layouts of one DOT text: a worker killed
// at the time limit timedOut, or over the memory limit overMemory (0: not
// that way). More time or more memory may let the layout finish; the same
// or less will not, so only a larger limit tries the input again.
type failure struct {
	timedOut   time.Duration
	overMemory int64
}

// worse merges two failures of the same input: it failed under the larger
// of each limit.
func (f failure) worse(g failure) failure {
	return failure{timedOut: max(f.timedOut, g.timedOut), overMemory: max(f.overMemory, g.overMemory)}
}

// lru is a bounded, least-recently-used map, safe for concurrent use.
// Values are never changed once stored: every Run builds its own Result
// from a shared raw layout.
type lru[V any] struct {
	mu    sync.Mutex
	max   int
	order *list.List // of *lruItem[V]; front: most recently used
	items map[cacheKey]*list.Element
}

type lruItem[V any] struct {
	key cacheKey
	val V
}

func newLRU[V any](max int) *lru[V] {
	return &lru[V]{max: max, order: list.New(), items: make(map[cacheKey]*list.Element)}
}

func (c *lru[V]) get(k cacheKey) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*lruItem[V]).val, true
}

func (c *lru[V]) put(k cacheKey, v V) { c.merge(k, v, nil) }

// merge stores v under k, or merge(old, v) when k is there already.
func (c *lru[V]) merge(k cacheKey, v V, merge func(old, v V) V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		it := el.Value.(*lruItem[V])
		if merge != nil {
			v = merge(it.val, v)
		}
		it.val = v
		c.order.MoveToFront(el)
		return
	}
	c.items[k] = c.order.PushFront(&lruItem[V]{key: k, val: v})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*lruItem[V]).key)
	}
}

func (c *lru[V]) delete(k cacheKey) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[k]; ok {
		c.order.Remove(el)
		delete(c.items, k)
	}
}

func (c *lru[V]) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *lru[V]) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
}
