package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/cmd/tmc/internal/serve"
	"github.com/tmc-dev/tmc/compiler"
	"github.com/tmc-dev/tmc/render/site"
)

// DefaultServeAddr is where tmc serve listens unless told otherwise.
const DefaultServeAddr = "127.0.0.1:7878"

func newServe() *cobra.Command {
	var (
		mflags      modelFlags
		addr        string
		open        bool
		allowRemote bool
		sourceURL   string
		poll        bool
	)
	cmd := &cobra.Command{
		Use:   "serve [PATH]",
		Short: "Preview the threat-report site, rebuilt on every save",
		Long: `Serve builds the site of the model at PATH (default: the current folder),
the same site as tmc build, keeps it in memory and serves it on --addr. It
watches every .tm file of the model and every file the model refers to,
rebuilds on each save and reloads the open pages, keeping their scroll
position. Editors' temporary and backup files and tmc's own output are
ignored; a burst of saves makes one rebuild.

Syntax and resolution errors do not stop it: the open pages show them over
the last good site until they are fixed. Check errors (TM301 and the like)
are shown by the site itself; a badge on every page counts the errors and
warnings. The terminal prints a line per rebuild.

It listens before it builds: until the first build is done, pages say the
site is being built, and reload by themselves once it is. Ctrl-C stops it at
once, even in the middle of a build.

Serve listens on the loopback interface only, unless --allow-remote is
given: the site is the whole threat model. It answers only requests for a
local host name, refuses requests a browser marks as coming from another
site, and tells browsers not to hand any file to a page of another origin.`,
		Example: `  tmc serve examples/checkout
  tmc serve --open .
  tmc serve --addr 127.0.0.1:0 .     # any free port`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := modelPath(args)
			if err := checkSourceURL(sourceURL); err != nil {
				return &usageError{err}
			}
			remote, err := checkServeAddr(addr, allowRemote)
			if err != nil {
				return &usageError{err}
			}
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			if _, err := os.Stat(path); err != nil {
				return &usageError{fmt.Errorf("cannot load model: %w", err)}
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return &usageError{listenError(addr, err)}
			}
			defer ln.Close()
			if remote {
				fmt.Fprintf(stderr, "tmc: warning: serving on %s, reachable from other machines: anyone who can reach it can read this threat model\n", ln.Addr())
			}
			defer longRunning()()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			// Once stopping, a second Ctrl-C kills at once.
			go func() { <-ctx.Done(); stop() }()

			srv := serve.NewServer(serve.ServerOptions{AllowRemote: allowRemote})
			loop := serve.NewLoop(serve.Config{
				Path:     path,
				Compile:  compileIncremental(&mflags),
				Site:     siteBuilder(site.Options{SourceURL: sourceURL}),
				Blocking: blocking,
				Printer:  printer,
				Publish:  srv.Publish,
				// The pages open in browsers first, the rest after.
				Shown:        srv.Shown,
				SiteOnly:     siteBuilderOnly(site.Options{SourceURL: sourceURL}),
				PublishEarly: srv.PublishEarly,
				Out:          stdout,
				Blocked:      "the browser shows them over the last good site",
				Watch:        serve.WatchOptions{Log: stderr, Poll: poll},
			})
			if err := loop.Open(); err != nil {
				return loopError(err)
			}
			// Serve first, build then: the pages say the site is being
			// built until it is, however long the first build takes.
			url := "http://" + ln.Addr().String() + "/"
			fmt.Fprintf(stdout, "serving %s on %s (Ctrl-C to stop)\n", path, url)
			if open {
				openBrowser(url, stderr)
			}
			if err := serve.Preview(ctx, ln, srv, loop); err != nil {
				return loopError(err)
			}
			fmt.Fprintln(stdout, "stopped")
			return nil
		},
	}
	mflags.register(cmd)
	cmd.Flags().StringVar(&addr, "addr", DefaultServeAddr, "address to listen on; port 0 picks a free port")
	cmd.Flags().BoolVar(&open, "open", false, "open the site in the default browser")
	cmd.Flags().BoolVar(&allowRemote, "allow-remote", false, "allow an --addr that other machines can reach")
	cmd.Flags().StringVar(&sourceURL, "source-url", "", "link test, evidence and decision files: a URL with {path}")
	cmd.Flags().BoolVar(&poll, "poll", false, "poll for changes every second instead of using file system events")
	return cmd
}

func newWatch() *cobra.Command {
	var (
		mflags    modelFlags
		out       string
		sourceURL string
		poll      bool
	)
	cmd := &cobra.Command{
		Use:   "watch [PATH]",
		Short: "Rebuild the threat-report site into a folder on every save",
		Long: `Watch builds the site of the model at PATH (default: the current folder)
into the output folder, as tmc build does, then rebuilds it on every save of
the model or of a file it refers to, for those who serve the folder with
something else. Each site is written beside the folder and swapped in, so
readers never see half a site. Syntax and resolution errors are printed and
leave the last good site in place. Ctrl-C stops it.`,
		Example: `  tmc watch examples/checkout
  tmc watch -o public .`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			path := modelPath(args)
			if err := checkSourceURL(sourceURL); err != nil {
				return &usageError{err}
			}
			dir, err := outputFor(path, out, replaceFolder)
			if err != nil {
				return err
			}
			stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
			defer longRunning()()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			loop := serve.NewLoop(serve.Config{
				Path:     path,
				Compile:  compileIncremental(&mflags),
				Site:     siteBuilder(site.Options{SourceURL: sourceURL}),
				Blocking: blocking,
				Printer:  printer,
				Write: func(files []serve.File) error {
					sf := make([]site.File, len(files))
					for i, f := range files {
						sf[i] = site.File(f)
					}
					return swapIn(dir, sf)
				},
				Out:     stdout,
				Blocked: out + " keeps the last good site",
				Watch:   serve.WatchOptions{Log: stderr, Poll: poll},
			})
			if _, err := loop.Start(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return loopError(err)
			}
			fmt.Fprintf(stdout, "watching %s, writing the site to %s (Ctrl-C to stop)\n", path, out)
			err = loop.Run(ctx)
			stop()
			fmt.Fprintln(stdout, "stopped")
			return err
		},
	}
	mflags.register(cmd)
	cmd.Flags().StringVarP(&out, "out", "o", "site", "folder to write the site to (replaced as a whole on each rebuild)")
	cmd.Flags().StringVar(&sourceURL, "source-url", "", "link test, evidence and decision files: a URL with {path}")
	cmd.Flags().BoolVar(&poll, "poll", false, "poll for changes every second instead of using file system events")
	return cmd
}

// siteBuilder is site.Build for the rebuild loop, reading decision records
// under the model root. Its footers name the tmc version; not the commit,
// which would cost three git processes on every save.
func siteBuilder(opts site.Options) serve.SiteFunc {
	opts.Version = version()
	only := siteBuilderOnly(opts)
	return func(ctx context.Context, res *compiler.Result) ([]serve.File, error) {
		return only(ctx, res, nil)
	}
}

// siteBuilderOnly is siteBuilder limited to the paths only accepts (nil:
// every path).
func siteBuilderOnly(opts site.Options) func(context.Context, *compiler.Result, func(string) bool) ([]serve.File, error) {
	return func(ctx context.Context, res *compiler.Result, only func(string) bool) ([]serve.File, error) {
		opts := opts
		opts.Only = only
		files, err := site.Build(ctx, site.Input{
			Model: res.Model, Diags: res.Diags, ReadFile: modelFileReader(res.Source),
		}, opts)
		if err != nil {
			return nil, err
		}
		out := make([]serve.File, len(files))
		for i, f := range files {
			out[i] = serve.File(f)
		}
		return out, nil
	}
}

// loopError classifies an error of the first build: a model that cannot be
// loaded at all is a usage error.
func loopError(err error) error {
	var ue *compiler.UsageError
	if errors.As(err, &ue) {
		return &usageError{err}
	}
	return err
}

// longRunning sets the collector up for a process that lives for hours:
// main tunes it for short batch runs (GOGC=400), which would let the heap
// of a long preview grow to five times what it holds. GOGC overrides.
func longRunning() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	old := debug.SetGCPercent(100)
	return func() { debug.SetGCPercent(old) }
}

func checkSourceURL(u string) error {
	if u == "" {
		return nil
	}
	if !strings.HasPrefix(u, "https://") && !strings.HasPrefix(u, "http://") {
		return fmt.Errorf("--source-url must start with https:// or http://, not %q", u)
	}
	if !strings.Contains(u, "{path}") {
		return fmt.Errorf("--source-url must contain {path}, where the file's path goes")
	}
	return nil
}

// checkServeAddr checks --addr and reports whether it is reachable from
// other machines (which needs --allow-remote).
func checkServeAddr(addr string, allowRemote bool) (remote bool, err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("--addr %q: want HOST:PORT, for example %s", addr, DefaultServeAddr)
	}
	loopback := strings.EqualFold(host, "localhost")
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		loopback = true
	}
	if loopback {
		return false, nil
	}
	if !allowRemote {
		shown := host
		if shown == "" {
			shown = "every interface"
		}
		return true, fmt.Errorf("--addr %s listens on %s, which other machines can reach, and the site is the whole threat model; "+
			"add --allow-remote if that is what you want, or use 127.0.0.1:PORT", addr, shown)
	}
	return true, nil
}

// listenError explains why listening failed.
func listenError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("cannot serve on %s: the port is already in use (another tmc serve?); "+
			"choose another with --addr 127.0.0.1:PORT, or --addr 127.0.0.1:0 for any free port", addr)
	}
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		return fmt.Errorf("cannot serve on %s: no interface of this machine has that address", addr)
	}
	if errors.Is(err, syscall.EACCES) {
		return fmt.Errorf("cannot serve on %s: permission denied (ports below 1024 need privileges); use a port above 1024", addr)
	}
	return fmt.Errorf("cannot serve on %s: %w", addr, err)
}

// openBrowser opens url with the system's opener, if there is one.
var openBrowser = func(url string, stderr io.Writer) {
	name, args := "xdg-open", []string{url}
	switch runtime.GOOS {
	case "darwin":
		name = "open"
	case "windows":
		name, args = "rundll32", []string{"url.dll,FileProtocolHandler", url}
	}
	if _, err := exec.LookPath(name); err != nil {
		fmt.Fprintf(stderr, "tmc: cannot open a browser (no %s): open %s yourself\n", name, url)
		return
	}
	c := exec.Command(name, args...)
	if err := c.Start(); err != nil {
		fmt.Fprintf(stderr, "tmc: cannot open a browser: %v: open %s yourself\n", err, url)
		return
	}
	go c.Wait()
}
