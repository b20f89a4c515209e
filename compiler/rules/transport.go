package rules

import "github.com/tmc-dev/tmc/compiler/ir"

// Encrypted reports whether a flow's transport is encrypted, as the rules
// judge it: an encrypted protocol (https, grpcs, tls, mtls, wss, sftp,
// ssh, ldaps), auth mtls, or the safeguard mtls or encryption_in_transit.
// Renderers call it so a diagram never disagrees with TMR findings.
func Encrypted(f *ir.Flow) bool { return encrypted(f) }
