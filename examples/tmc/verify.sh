#!/bin/sh
# verify.sh runs the Go tests that the controls of this model name
# (`test "verify.sh:Name"`), from the repository root:
#
#   sh examples/tmc/verify.sh          run them
#   sh examples/tmc/verify.sh -list    only check that each one exists
#
# tmc check (TM605) warns when a control names a test this file does not
# list; this script fails when a test it lists no longer exists, so a
# renamed test cannot leave a control claiming a check that never runs.
set -eu
cd "$(dirname "$0")/../.."
mode=${1:-run}

# tests PACKAGE NAME... checks that PACKAGE declares each NAME, then runs them.
tests() {
	pkg=$1
	shift
	have=$(go test -list . "$pkg")
	for name in "$@"; do
		printf '%s\n' "$have" | grep -qx "$name" || {
			echo "verify.sh: $pkg has no test $name" >&2
			exit 1
		}
	done
	[ "$mode" = -list ] && return
	go test -count=1 -run "^($(echo "$@" | tr ' ' '|'))\$" "$pkg"
}

# confined_reads, input_limits, walk_limits (FuzzCheck runs its seeds)
tests ./compiler TestHostile FuzzCheck
tests ./dsl FuzzParse
# layout_limits
tests ./render/layout TestTimeout
# output_policy, layout_limits, site_safe_html (--source-url)
tests ./cmd/tmc/internal/cli TestBuildUsage TestBuildWithErrors TestRenderLayoutTimeout TestDiffGit
# site_safe_html
tests ./render/site TestHostileModel TestMarkdownLinks TestNeutralize TestLinks FuzzMarkdown
# serve_origin_checks, serve_site_only
tests ./cmd/tmc/internal/serve TestHostCheck TestPathTraversal TestMethodsAndRouting
# lsp_limits
tests ./cmd/tmc/internal/lsp FuzzLSPMessages TestLifecycle TestPositions

# confined_reads, walk_limits, input_limits: the attack pass's defects
tests ./compiler TestConfinementProperty TestLoadTreeReadsOnlyWhatItNeeds
tests ./dsl/diag TestPrinterLinear
tests ./render/report TestFingerprintsLinear
# output_policy
tests ./cmd/tmc/internal/cli TestEmptyOutputTouchesNothing TestOutputPolicy TestOutputPolicyProperty TestRenderRefusesUserFolder TestBuildRemovesStaleLeftovers TestWriteAtomicFails TestRenderLongIDs TestRenderLinkBase TestDiffExportIgnore TestDiffReadsOnlyTheModel TestServeCrossSite
tests ./render/site TestPageNameProperty TestLongIDsSite
# serve_origin_checks
tests ./cmd/tmc/internal/serve TestCrossOriginResourcePolicy TestFetchMetadata TestIdleConnectionClosed TestEventStreamOutlivesWriteTimeout TestPreviewStopsDuringBuild TestProblemsLinear
# layout_limits
tests ./render/layout TestMemoryLimit TestRememberedTimeout
