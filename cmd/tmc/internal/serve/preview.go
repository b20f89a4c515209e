package serve

import (
	"context"
	"fmt"
	"net"
	"time"
)

// shutdownGrace bounds how long a stop waits for the responses being
// written before it closes their connections.
const shutdownGrace = time.Second

// Preview serves srv on ln while loop builds the model and then rebuilds
// it on every change (the loop's Publish should be srv.Publish), until ctx
// ends. It serves before the first build: until the site is there, pages
// say it is being built, and they reload by themselves once it is.
//
// When ctx ends, Preview returns promptly, even in the middle of a build
// (the loop leaves the build behind): it ends the event streams, closes
// idle connections and gives the responses being written at most a second.
// It returns nil then; otherwise the error of the first build (see
// Loop.Start: the model cannot be loaded, or its site cannot be built), or
// the listener's.
func Preview(ctx context.Context, ln net.Listener, srv *Server, loop *Loop) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	hs := srv.HTTPServer()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	ran := make(chan error, 1)
	go func() {
		if _, err := loop.Start(ctx); err != nil {
			if ctx.Err() != nil {
				err = nil
			}
			ran <- err
			return
		}
		ran <- loop.Run(ctx)
	}()
	var err error
	select {
	case err = <-ran:
	case err = <-served:
		// The listener failed: stop the loop too (at once, build or not).
		cancel()
		<-ran
		err = fmt.Errorf("serving: %w", err)
	}
	cancel()
	srv.Close() // the event streams: Shutdown would wait for them forever
	sctx, scancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer scancel()
	if hs.Shutdown(sctx) != nil {
		hs.Close()
	}
	return err
}
