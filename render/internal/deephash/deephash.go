// Package deephash hashes a Go value by its content: every field,
// exported or not, every element, following pointers. Renderers use it to
// key caches by the whole input of a step (a diagram's scene, a page's
// data), so that a hit is exactly an equal input.
package deephash

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"math"
	"reflect"
	"sort"
)

// maxValues bounds the work of one Sum: a value larger than this is not
// worth a cache.
const maxValues = 1 << 20

// Sum returns the SHA-256 of v's content, and whether v could be hashed:
// it cannot when it holds a function, a channel or an unsafe pointer, a
// pointer cycle, or more than about a million values. Equal content gives
// equal sums whatever the addresses; map keys are sorted first. The
// dynamic type of an interface value is part of the content.
func Sum(v any) ([32]byte, bool) {
	s := &state{h: sha256.New(), onPath: map[uintptr]bool{}}
	ok := s.value(reflect.ValueOf(v))
	var k [32]byte
	if !ok {
		return k, false
	}
	s.h.Sum(k[:0])
	return k, true
}

type state struct {
	h      hash.Hash
	buf    [8]byte
	n      int
	onPath map[uintptr]bool // pointers being walked: a cycle returns to one
}

func (s *state) num(u uint64) {
	binary.LittleEndian.PutUint64(s.buf[:], u)
	s.h.Write(s.buf[:])
}

func (s *state) str(x string) {
	s.num(uint64(len(x)))
	s.h.Write([]byte(x))
}

func (s *state) value(v reflect.Value) bool {
	if s.n++; s.n > maxValues {
		return false
	}
	if !v.IsValid() {
		s.num(0)
		return true
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			s.num(0)
			return true
		}
		s.num(1)
		s.str(v.Elem().Type().String())
		return s.value(v.Elem())
	case reflect.Pointer:
		if v.IsNil() {
			s.num(0)
			return true
		}
		p := v.Pointer()
		if s.onPath[p] {
			return false
		}
		s.onPath[p] = true
		defer delete(s.onPath, p)
		s.num(1)
		return s.value(v.Elem())
	case reflect.Struct:
		s.num(uint64(v.NumField()))
		for i := range v.NumField() {
			if !s.value(v.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			s.num(uint64(v.Len()))
			s.h.Write(v.Bytes())
			return true
		}
		fallthrough
	case reflect.Array:
		s.num(uint64(v.Len()))
		for i := range v.Len() {
			if !s.value(v.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Map:
		s.num(uint64(v.Len()))
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) }) // map order must not reach the sum
		for _, k := range keys {
			if !s.value(k) || !s.value(v.MapIndex(k)) {
				return false
			}
		}
		return true
	case reflect.String:
		s.str(v.String())
		return true
	case reflect.Bool:
		if v.Bool() {
			s.num(1)
		} else {
			s.num(0)
		}
		return true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s.num(uint64(v.Int()))
		return true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s.num(v.Uint())
		return true
	case reflect.Float32, reflect.Float64:
		s.num(math.Float64bits(v.Float()))
		return true
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		s.num(math.Float64bits(real(c)))
		s.num(math.Float64bits(imag(c)))
		return true
	}
	return false // func, chan, unsafe pointer
}
