package site

import "sync"

// Pages are cached by their data: a page is the layout template run on
// its page value (the page's text, links, tables and diagrams, all
// prepared before the template runs), and the templates and their
// functions read nothing else. So the same page value gives the same
// bytes, and a rebuild after an edit (tmc serve) runs the templates only
// for the pages whose data changed. The key is render/internal/deephash's
// sum of the whole value; a value it cannot hash is not cached.
//
// The cache keeps one page per path, the last one built, and forgets the
// paths the last complete build did not write: its bytes are the site's
// own (the files of a build share them), so it costs next to no memory
// beyond the site itself.
var pageCache = &pageMemo{m: map[string]pageEntry{}}

type pageMemo struct {
	mu sync.Mutex
	m  map[string]pageEntry
}

type pageEntry struct {
	key  [32]byte
	data []byte // never changed once stored: the site's files are only read
}

func (c *pageMemo) get(p string, k [32]byte) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[p]
	if !ok || e.key != k {
		return nil, false
	}
	return e.data, true
}

func (c *pageMemo) put(p string, k [32]byte, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[p] = pageEntry{k, data}
}

// retain forgets every path not in keep.
func (c *pageMemo) retain(keep map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for p := range c.m {
		if !keep[p] {
			delete(c.m, p)
		}
	}
}

func (c *pageMemo) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.m)
}
