# tmc on a workstation: check, render, build, diff and watch, the layout
# workers they start and the folders they write. The model folder may hold
# a pull request the engineer checked out to review.

person engineer "Engineer" in workstation {
  description "Writes and reviews threat models; runs tmc in a shell"
}

system repo "Repository" {
  description "A clone of the repository that holds the model"
  bucket files "Model folder" in pr {
    tech "the model root"
    description "`.tm` files and the tests, evidence and decision records they name"
  }
  database objects "Git object database" in pr {
    tech "git"
    description "What `tmc diff REV1 REV2 -- PATH` reads"
  }
}

system tmc "tmc" {
  description "The threat model compiler: one Go binary"
  owner "tmc-maintainers"
  container cli "tmc check, render, build, diff, watch" in workstation {
    tech "Go"
    description "Runs with the engineer's rights; reads the model, writes one output folder"
  }
  container layout "Layout worker" in workers {
    tech "Graphviz in WebAssembly"
    description "One child process per layout, killed after 10 s; memory capped"
  }
}

system disk "Workstation file system" {
  stores user_files
  bucket out "Output folder" in workstation {
    tech "-o DIR"
    description "The only folder tmc writes; marked with a `.tmc-output` file"
  }
}

flow run: engineer -> tmc.cli "Run a command" {
  description "Arguments and flags: the model path, `-o DIR`, `--source-url`"
}

flow load: repo.files -> tmc.cli "Load the model and the files it names" {
  carries model_src, named_files
  crosses pr, workstation "each read confined to the model root: symlinks resolved, regular files only, size capped; nothing from the model is executed"
  description "The walk for `.tm` files, then every `test`, `evidence` and decision `file` path"
}

flow layout: tmc.cli -> tmc.layout "Lay out a view" {
  carries layout_job
  crosses workstation, workers "DOT written by tmc with every label quoted; one process per layout, killed at 10 s, memory capped"
  description "The worker answers with Graphviz json0 on stdout, which tmc parses into its own scene"
}

flow write: tmc.cli -> disk.out "Write diagrams and the site" {
  carries report
  description "Built in a temporary sibling folder and swapped in; never written through a path the policy refuses"
}

threat read_outside_root "A cloned pull request makes tmc read the engineer's files" {
  stride information_disclosure
  on load
  impact 4
  likelihood 2
  description """
    A `.tm` file, a test or a decision record that is a symbolic link to
    `~/.ssh/id_ed25519` or `~/.aws/credentials`: tmc would show the file
    as a decision page, or quote its lines in a diagnostic, in a site the
    engineer then publishes. `tmc serve` and `tmc lsp` read the model the
    same way.
    The same attack in CI is `ci_exfiltration`.
  """
  mitigated_by confined_reads
  claims "TMR-S01@load", "TMR-S01@watch", "TMR-S01@lsp_load"
}

threat hostile_model_dos "A hostile model exhausts CPU, memory or time" {
  stride denial_of_service
  on load
  impact 3
  likelihood 3
  description """
    Files of gigabytes, a FIFO named `model.tm`, 10,000 nested blocks,
    100,000 diagnostics each printed with its source line (quadratic when
    each one rescans the file), a directory symlink to `/` or a link loop
    the walk follows for ever. On a workstation the shell hangs; in CI
    the job runs to its time limit.
  """
  mitigated_by input_limits, walk_limits
}

threat layout_exhaustion "A dense graph exhausts the layout's memory or time" {
  stride denial_of_service
  on layout
  impact 3
  likelihood 3
  description """
    Graphviz's layout is super-linear: a view of 900 elements and 1,800
    flows runs for minutes, and go-graphviz's WebAssembly memory grows
    with the graph and is never given back. WebAssembly ignores Go's
    contexts, so only killing the process stops it.
  """
  mitigated_by layout_limits
}

threat output_data_loss "A bad output path deletes the engineer's files" {
  stride tampering, denial_of_service
  on write
  impact 5
  likelihood 2
  description """
    `build` and `watch` replace their output folder as a whole. `-o ""`,
    `-o .`, `-o ~`, `-o /`, the model root, a folder above it, or a
    non-empty folder of the engineer's (a typo, a shell variable that is
    empty) would be emptied. A script in a pull request (a Makefile
    target) can pass such a path too.
  """
  mitigated_by output_policy
}

threat half_written_site "A killed build leaves a half-written site" {
  stride tampering
  on write
  impact 3
  likelihood 2
  description """
    `kill -9`, a full disk or a CI timeout in the middle of a build: a
    folder with some new pages and some old ones, published or served as
    if it were whole, or temporary folders left next to it that the next
    build refuses or reads as a model.
  """
  mitigated_by output_policy
}

control confined_reads "Every model-named read goes through one confined open" {
  status implemented
  owner "tmc-maintainers"
  description """
    One function opens every file the model names and every `.tm` file
    the walk finds: it resolves symbolic links and refuses a target that
    is not under the model root (also resolved), refuses anything but a
    regular file (FIFOs, devices, folders) and caps the size it reads.
    Paths in the model are relative, with `/`, and may not climb out
    (TM503). Tests: `TestHostile` in `compiler` (links out of the root,
    to /proc/self/environ, dangling links, FIFOs, oversized files) and
    `TestConfinementProperty` (random trees of files and links).
  """
  test "verify.sh:TestHostile"
  test "verify.sh:TestConfinementProperty"
  evidence "docs/adr/0001-the-model-is-untrusted-input.md"
}

control input_limits "Size caps, nesting limit, diagnostic cap and a line index per file" {
  status implemented
  owner "tmc-maintainers"
  description """
    `.tm` files over 2 MB are not read; blocks nest at most 64 deep; a
    file stops at 50 syntax diagnostics; identifiers and names have a
    length limit; source lines are found through one line index per file,
    so printing n diagnostics costs O(n), not O(n × file size). Fuzzed:
    `FuzzParse` in `dsl`, `FuzzCheck` in `compiler`.
  """
  test "verify.sh:TestHostile"
  test "verify.sh:TestPrinterLinear"
  test "verify.sh:TestFingerprintsLinear"
  test "verify.sh:FuzzParse"
  test "verify.sh:FuzzCheck"
  evidence "docs/adr/0001-the-model-is-untrusted-input.md"
}

control walk_limits "The walk reads each real folder once and stays under the root" {
  status implemented
  owner "tmc-maintainers"
  description """
    The walk for `.tm` files reads each real folder once (so a link loop
    ends), does not follow a folder link whose target leaves the model
    root, skips tmc's own output folders, and stops at a cap on files and
    folders with a diagnostic instead of walking `/`.
  """
  test "verify.sh:TestHostile"
  evidence "docs/adr/0001-the-model-is-untrusted-input.md"
}

control layout_limits "Layouts run in killable worker processes with a memory cap" {
  status implemented
  owner "tmc-maintainers"
  description """
    Each layout runs in a child process with a 10 s kill timer (the
    child also exits by itself 2 s after that, should the parent die)
    and a cap on its memory. A layout that times out or fails is
    remembered for that graph, so `tmc serve` does not start it again on
    every save; the view is reported (split it with `include`/`exclude`)
    and the other views are still written. At most one worker per core
    runs at once.
  """
  test "verify.sh:TestTimeout"
  test "verify.sh:TestRenderLayoutTimeout"
  test "verify.sh:TestMemoryLimit"
  test "verify.sh:TestRememberedTimeout"
  evidence "docs/adr/0003-layout-in-worker-processes.md"
}

control output_policy "One output-folder policy for every command that writes" {
  status implemented
  owner "tmc-maintainers"
  description """
    `render`, `build` and `watch` (and `init`, which writes one file)
    check the output folder with one policy: refused are `""`, `/`, the
    home folder, the current folder, the model root, any folder above or
    inside it, and a non-empty folder that does not hold tmc's
    `.tmc-output` marker. The site is built in a temporary sibling
    folder and renamed into place, so a killed build leaves the previous
    site whole; tmc removes its own stale temporary folders (marked as
    its own) and never someone else's.
  """
  test "verify.sh:TestBuildUsage"
  test "verify.sh:TestEmptyOutputTouchesNothing"
  test "verify.sh:TestOutputPolicyProperty"
  test "verify.sh:TestBuildRemovesStaleLeftovers"
  test "verify.sh:TestBuildWithErrors"
  evidence "docs/adr/0002-one-output-folder-policy.md"
}

decision adr0001 "The model is untrusted input" {
  status accepted
  file "docs/adr/0001-the-model-is-untrusted-input.md"
  affects tmc.cli, tmc.serve, tmc.ci_job
}

decision adr0002 "One output-folder policy" {
  status accepted
  file "docs/adr/0002-one-output-folder-policy.md"
  affects tmc.cli, tmc.ci_job
}

decision adr0003 "Layout in worker processes" {
  status accepted
  file "docs/adr/0003-layout-in-worker-processes.md"
  affects tmc.layout
}
