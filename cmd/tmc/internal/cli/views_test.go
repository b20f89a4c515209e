package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// externalViewsModel has external systems with and without containers:
// psp declared external, idp in a boundary of trust external (neither with
// containers), and bank, external but with a container of its own.
const externalViewsModel = `boundary app "App" { trust high }
boundary vendor "Vendor" { trust external }
system shop "Shop" in app {
  container api "API" { tech "Go" }
}
system psp "Payment provider" in vendor { external }
system idp "Identity provider" in vendor
system bank "Bank" in vendor {
  external
  container ledger "Ledger API" { tech "REST" }
}
flow charge: shop.api -> psp "Charge" { crosses app, vendor "API key" }
flow login: shop.api -> idp "Login" { crosses app, vendor "OIDC" }
flow pay: shop.api -> bank.ledger "Pay" { crosses app, vendor "mTLS" }
`

// An external system without containers gets no container view: no
// diagram, no page (the context view already shows it alone); one with
// containers keeps its view (issue 15).
func TestNoContainerViewOfEmptyExternalSystems(t *testing.T) {
	pinDate(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "model")
	if err := os.Mkdir(model, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(model, "model.tm"), []byte(externalViewsModel), 0o644); err != nil {
		t.Fatal(err)
	}
	diagrams, site := filepath.Join(dir, "diagrams"), filepath.Join(dir, "site")
	if code, out, errs := run(t, "render", "-o", diagrams, model); code != ExitOK {
		t.Fatalf("render: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, "build", "-o", site, model); code != ExitOK {
		t.Fatalf("build: exit %d\n%s%s", code, out, errs)
	}
	var names []string
	for _, root := range []string{diagrams, site} {
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names = append(names, filepath.ToSlash(p))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	all := strings.Join(names, "\n")
	for _, want := range []string{"diagrams/container-shop.svg", "diagrams/container-bank.svg"} {
		if !strings.Contains(all, want) {
			t.Errorf("no %s among:\n%s", want, all)
		}
	}
	for _, name := range names {
		if strings.Contains(name, "container-psp") || strings.Contains(name, "container-idp") {
			t.Errorf("a container view of an external system without containers: %s", name)
		}
	}
	for _, name := range names {
		if !strings.HasSuffix(name, ".html") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "container-psp") || strings.Contains(string(b), "container-idp") {
			t.Errorf("%s links to a container view of an external system without containers", name)
		}
	}
}
