package layout

import (
	"container/list"
	"sync"
	"time"
)

// cacheSize bounds the layouts kept in memory. A raw layout of a
// 200-node view is a few tens of KB.
const cacheSize = 1024

// cacheDisabled turns the cache off (benchmarks measure Graphviz).
var cacheDisabled bool

type cacheKey [32]byte // SHA-256 of the DOT text

// A cacheEntry is a finished layout, or a layout that did not finish
// within timedOut (it will not finish within any shorter limit either).
type cacheEntry struct {
	key      cacheKey
	raw      *rawLayout
	timedOut time.Duration
}

// lru is a bounded, least-recently-used map of layouts, safe for
// concurrent use. Entries are never changed once stored: every Run builds
// its own Result from the shared raw layout.
type lru struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used
	items map[cacheKey]*list.Element
}

func newLRU(max int) *lru {
	return &lru{max: max, order: list.New(), items: make(map[cacheKey]*list.Element)}
}

func (c *lru) get(k cacheKey) (cacheEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[k]
	if !ok {
		return cacheEntry{}, false
	}
	c.order.MoveToFront(el)
	return *el.Value.(*cacheEntry), true
}

func (c *lru) put(e cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[e.key]; ok {
		old := el.Value.(*cacheEntry)
		if old.raw != nil && e.raw == nil {
			return // a layout beats a later timeout under a shorter limit
		}
		*old = e
		c.order.MoveToFront(el)
		return
	}
	c.items[e.key] = c.order.PushFront(&e)
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
}

func (c *lru) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

func (c *lru) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
}
