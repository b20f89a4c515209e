# tmc in CI: a job checks, diffs and builds the model of every pull
# request, and the main branch's job publishes the site. The pull request
# decides what the model folder holds; the job's environment holds secrets.

person contributor "Pull-request author" in pr {
  description "Anyone who can open a pull request, from a fork too"
}

extend tmc {
  container ci_job "tmc in the CI job" in ci {
    tech "check, diff, build"
    description "Runs with the job's rights and environment"
  }
}

system runner "CI runner" {
  bucket env "Job environment and runner files" in ci {
    tech "env, ~/.git-credentials"
    description "Nothing tmc needs: it reads only `SOURCE_DATE_EPOCH`, `GOGC`, `GOMEMLIMIT` and its worker's variables"
  }
}

flow propose: contributor -> repo.files "Open a pull request" {
  carries model_src, named_files
  description "`.tm` files, the files they name, symbolic links, `.gitattributes`"
}

flow ci_load: repo.files -> tmc.ci_job "Load the pull request's model" {
  carries model_src, named_files
  crosses pr, ci "the same confined reads as on a workstation: nothing outside the checked-out model root is read, whatever a link or a path says"
}

flow ci_git: repo.objects -> tmc.ci_job "tmc diff BASE HEAD -- PATH" {
  carries git_objects
  crosses pr, ci "tree and blobs read with git ls-tree and git cat-file; attributes, filters and hooks play no part; sizes capped as for files"
}

flow ci_env: runner.env -> tmc.ci_job "Process environment" {
  carries ci_secrets
  description "Inherited from the job, and by the layout workers from tmc"
}

flow ci_layout: tmc.ci_job -> tmc.layout "Lay out a view" {
  carries layout_job
  crosses ci, workers "as on a workstation: DOT written by tmc, one process per layout, 10 s, memory capped"
}

threat ci_exfiltration "A pull request exfiltrates the job's secrets through the files tmc reads" {
  stride information_disclosure, elevation_of_privilege
  on ci_load
  impact 5
  likelihood 3
  description """
    The pull request adds `docs/adr/0009.md` as a symbolic link to
    `/proc/self/environ` (or `../../../.git-credentials`) and names it as
    a decision `file`, an `evidence` or a `test`; or makes `model.tm`
    itself such a link. tmc would render the file on a decision page,
    quote its lines in diagnostics, in the pull-request comment or in
    SARIF, and the site the job uploads would carry the repository token.
  """
  mitigated_by confined_reads
  claims "TMR-S01@ci_load", "TMR-E02@ci_load", "TMR-C02@ci_env"
}

threat ci_job_dos "A pull request holds the CI job until its time limit" {
  stride denial_of_service
  on tmc.ci_job
  impact 2
  likelihood 3
  description "`hostile_model_dos` and `layout_exhaustion`, paid in runner minutes and a blocked merge queue"
  mitigated_by input_limits, walk_limits, layout_limits
}

threat crossing_gate_bypass "A pull request hides a new crossing from tmc diff" {
  stride tampering, repudiation
  on ci_git
  impact 4
  likelihood 3
  description """
    `tmc diff --fail-on-new-crossing` fails a change that adds a boundary
    crossing with no decision. If the diff read the revisions with
    `git archive`, a `.gitattributes` line `*.tm export-ignore` added by
    the pull request would leave the new model out of the archive: the
    new side would look empty or old, and the gate would pass. The
    trees and blobs are the pull request's own: a symbolic link in the
    tree, a huge blob, a path that tries to leave `PATH`.
  """
  mitigated_by diff_git_objects
  claims "TMR-S01@ci_git", "TMR-E02@ci_git"
}

control diff_git_objects "tmc diff reads git objects, not archives" {
  status implemented
  owner "tmc-maintainers"
  description """
    `tmc diff REV1 REV2 -- PATH` lists each revision's tree with
    `git ls-tree` and reads blobs with `git cat-file`, so
    `.gitattributes` (`export-ignore`, `export-subst`, filters) cannot
    change what is compared. It follows the same rules as the folder
    loader: the same skipped folders, the same size caps, and links that
    leave `PATH` are not read.
  """
  test "verify.sh:TestDiffGit"
  test "verify.sh:TestDiffExportIgnore"
  test "verify.sh:TestDiffReadsOnlyTheModel"
  evidence "docs/adr/0006-diff-from-git-objects.md"
}

decision adr0006 "tmc diff from git objects" {
  status accepted
  file "docs/adr/0006-diff-from-git-objects.md"
  affects tmc.ci_job
}

accept "TMR-C01@ci_layout" {
  reason "tmc.layout is a child process of the same tmc binary, not a deployment: nothing reaches production through this flow"
  owner "tmc-maintainers"
  until 2027-06-30
}
