package compiler

import (
	"fmt"
	"io/fs"
)

// A Blob is a file of a Tree whose contents are read only when the model
// needs them: a .tm file that loads, or a file a control's test is looked
// up in. Its size is known beforehand, so a file over the size limit of
// loading from disk (dsl.MaxFileSize for a .tm file, 8 MB for a test
// file) is never read, and whether a path the model names exists needs
// no read at all. tmc diff holds git revisions this way: the listing of
// the revision's tree, and blobs read from the object database on demand.
type Blob struct {
	Size int64 // in bytes
	// Read returns the Size bytes of the file. It may be called from
	// several goroutines at once, and more than once.
	Read func() ([]byte, error)
}

// read returns the contents of the file name of t and its size. A Blob
// over max is not read: data is nil and size is over max; a []byte is
// returned whatever its size. It fails with fs.ErrNotExist when t has no
// file name.
func (t Tree) read(name string, max int64) (data []byte, size int64, err error) {
	switch f := t[name].(type) {
	case []byte:
		return f, int64(len(f)), nil
	case Blob:
		if f.Size > max {
			return nil, f.Size, nil
		}
		if f.Read == nil {
			return nil, f.Size, fmt.Errorf("%s: no reader", name)
		}
		data, err := f.Read()
		if err != nil {
			return nil, f.Size, err
		}
		if int64(len(data)) != f.Size { // a reader that does not keep its word: never more than max
			return nil, f.Size, fmt.Errorf("%s: read %d bytes, want %d", name, len(data), f.Size)
		}
		return data, f.Size, nil
	}
	return nil, 0, fs.ErrNotExist
}

// check reports a value of t that is neither a []byte nor a Blob.
func (t Tree) check() error {
	for name, f := range t {
		switch f.(type) {
		case []byte, Blob:
		default:
			return fmt.Errorf("compiler.Tree: %s holds a %T, want a []byte or a Blob", name, f)
		}
	}
	return nil
}
