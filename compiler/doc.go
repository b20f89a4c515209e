// Package compiler turns the .tm files of a model into the IR and checks
// it, like a compiler: it collects every diagnostic it can and goes on.
//
// The phases, in order:
//
//  1. Load (load.go): find every .tm file under the model root (or take the
//     one file given), read it, and parse files in parallel with dsl.Parse.
//     A file that fails to parse keeps the declarations that did parse.
//     LoadTree does the same for a model held in memory (tmc diff reads
//     git revisions that way); the paths a model names are then looked
//     up in the tree, not on disk.
//  2. Declare (declare.go): enter every declaration in one symbol table by
//     its dotted path (paths follow where a declaration is written, and an
//     `extend` block adds under its target); duplicates are TM203. Extends
//     are applied once their target exists, so their order does not matter.
//  3. Resolve and lower (lower.go): resolve every reference (a bare id when
//     unique among the kinds expected there, or a dotted path) and fill
//     the IR: boundary tree, effective boundaries of elements, flows,
//     sequences, threats with risk and status, controls, decisions, views.
//  4. Crossings (crossing.go): for every flow, the ordered list of
//     boundaries it leaves and enters, each matched with the `crosses`
//     statement that marks it.
//  5. Checks (package check): one declared check per family, run in order
//     over the IR.
//
// Diagnostics are sorted by file, line and column before they are returned.
package compiler
