// Package browsertest starts headless Chromium for tmc's browser tests
// (diagram geometry, the site, the live preview) and records what a page
// does that it must not: console errors and warnings, exceptions, failed
// requests, dialogs.
//
// The tests need Debian's chromium. Without it they skip with a message,
// unless TMC_BROWSER_TESTS is set (by .ci/run, which installs chromium):
// then a missing browser fails them. A package with browser tests calls
// Main from its TestMain, so that plain `go test ./...`, which hides
// skips, says on one line that they were skipped.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Chromium returns the path of Chromium, or skips the test (fails it when
// TMC_BROWSER_TESTS is set). TMC_CHROMIUM names another binary.
func Chromium(t testing.TB) string {
	if p := chromiumPath(); p != "" {
		return p
	}
	msg := "headless Chromium not found (apt-get install -y chromium); browser test skipped"
	if os.Getenv("TMC_BROWSER_TESTS") != "" {
		t.Fatal(msg + ", but TMC_BROWSER_TESTS is set")
	}
	t.Skip(msg)
	return ""
}

// Start starts headless Chromium for the test, with the flags this machine
// needs (no sandbox as root, no background networking on a closed
// network), and returns the context of its first tab. The browser stops
// when the test ends.
func Start(t testing.TB, more ...chromedp.ExecAllocatorOption) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(Chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()))
	opts = append(opts, more...)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// AwaitPromise makes chromedp.Evaluate wait for the promise a script
// returns.
func AwaitPromise(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }

// A Watch records the problems of the pages of one tab.
type Watch struct {
	mu       sync.Mutex
	problems []string
	dialogs  []string
}

// NewWatch starts recording the events of the tab of ctx. Dialogs are
// recorded and dismissed, so a page that opens one fails a test instead
// of hanging it.
func NewWatch(t testing.TB, ctx context.Context) *Watch {
	w := &Watch{}
	err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				w.report("console %s: %s", ev.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			w.report("exception: %s", text)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError || ev.Entry.Level == log.EntryLevelWarning {
				w.report("log %s (%s): %s %s", ev.Entry.Level, ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				w.report("failed request (%s): %s %s", ev.Type, ev.ErrorText, ev.BlockedReason)
			}
		case *page.EventJavascriptDialogOpening:
			w.mu.Lock()
			w.dialogs = append(w.dialogs, fmt.Sprintf("%s %q on %s", ev.Type, ev.Message, ev.URL))
			w.mu.Unlock()
			// Listen's func may not run commands itself.
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false}) //nolint:errcheck
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *Watch) report(format string, args ...any) {
	w.mu.Lock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
	w.mu.Unlock()
}

// Take returns and clears the problems recorded so far.
func (w *Watch) Take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	p := w.problems
	w.problems = nil
	return p
}

// Dialogs returns and clears the dialogs pages opened.
func (w *Watch) Dialogs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	d := w.dialogs
	w.dialogs = nil
	return d
}
