# tmc lsp: the language server an editor starts on the engineer's
# workstation. It reads the model the open file belongs to and answers the
# editor over stdin and stdout; it writes no file.

extend tmc {
  container lsp "tmc lsp" in workstation {
    tech "Go, LSP 3.17 over stdio"
    exposure private
    description "Started by the editor; checks the model of the open file as the engineer types"
  }
}

system editor "Editor" {
  container client "Editor with an LSP client" in workstation {
    description "VS Code, Neovim, Helix, Zed: starts tmc lsp and holds the unsaved text"
  }
}

flow lsp_load: repo.files -> tmc.lsp "Read the model of the open file" {
  carries model_src, named_files
  crosses pr, workstation "the same confined reads as tmc check; the search for the model root stops at .git or tmc.toml and at the folders models skip"
}

flow lsp_messages: editor.client -> tmc.lsp "Edits and requests" {
  protocol stdio
  carries model_src
  description "JSON-RPC with Content-Length framing: the unsaved text of open files, edits, positions"
}

threat lsp_crash "Text or messages that crash or hang the language server" {
  stride denial_of_service
  on lsp_messages
  impact 2
  likelihood 3
  description """
    A model being typed is broken most of the time: an unterminated
    string, half a flow, characters outside the Basic Multilingual Plane
    (two UTF-16 units each); and a client may send positions past the end
    of the text or a message that is not JSON.
  """
  mitigated_by lsp_limits
}

control lsp_limits "The language server survives any text and any message" {
  status implemented
  owner "tmc-maintainers"
  description """
    Messages over 16 MB or without `Content-Length` end the session with a
    reason; invalid JSON is answered with a parse error and the session
    goes on; positions are clamped to the text; a handler that panics is
    answered with an internal error instead of ending the session. The
    text is checked by the same parser and compiler as `tmc check`, with
    their limits.
  """
  test "verify.sh:FuzzLSPMessages"
  test "verify.sh:TestLifecycle"
  test "verify.sh:TestPositions"
}
