//go:build !unix

package compiler

const openNonblock = 0
