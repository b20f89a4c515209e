// Package lsp is tmc's language server: `tmc lsp` speaks the Language
// Server Protocol 3.17 (JSON-RPC 2.0 over stdio with Content-Length
// framing) to an editor.
//
// The server keeps, for every model that holds an open file, the text of
// its .tm files (from disk, overlaid with the editor's buffers), the
// parse of each file keyed by a hash of its text, and the last
// compilation. An edit reparses the changed file only, recompiles the
// model after a short debounce and publishes the diagnostics of every
// file of the model, as `tmc check` reports them. Definitions, references
// and renames read the names the compiler resolved (ir.Model.Refs) and the
// declarations' ranges on the IR; hover, completion and code actions read
// the compiled model; highlighting reads the lexer's tokens.
//
// The model of an open file is found as `tmc check DIR` would take it:
// walk up from the file's folder, not past the project root (the nearest
// folder holding .git or tmc.toml) nor out of a folder a model skips
// (testdata, _x, .x, vendor, ...); the model root is the highest folder
// visited that directly holds a .tm file.
package lsp
