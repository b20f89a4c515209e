package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tmc-dev/tmc/compiler/rules"
	"github.com/tmc-dev/tmc/dsl"
)

func newRules() *cobra.Command {
	return &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the built-in threat rules, or explain one",
		Long: `Rules lists every built-in threat rule, one per line: its id, its STRIDE
categories and its title. With an id, it explains that rule: categories,
default impact and likelihood, why it is a threat, how to fix it (the
safeguard that silences it) and references. docs/rules.md has the same text.`,
		Example: `  tmc rules
  tmc rules TMR-S03`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return rules.IDs(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			out := cmd.OutOrStdout()
			if len(args) == 0 {
				var b strings.Builder
				width := 0 // the categories column fits the longest list
				for _, r := range rules.All {
					width = max(width, len(strings.Join(r.Stride, ",")))
				}
				for _, r := range rules.All {
					fmt.Fprintf(&b, "%-8s  %-*s  %s\n", r.ID, width, strings.Join(r.Stride, ","), r.Title)
				}
				_, err := fmt.Fprint(out, b.String())
				return err
			}
			r := rules.Lookup(args[0])
			if r == nil {
				msg := fmt.Sprintf("unknown rule %q", args[0])
				if s := dsl.Suggest(strings.ToUpper(args[0]), rules.IDs()); s != "" {
					msg += fmt.Sprintf("; did you mean %q?", s)
				}
				return &usageError{fmt.Errorf("%s (see 'tmc rules')", msg)}
			}
			_, err := fmt.Fprint(out, rules.Explain(r))
			return err
		},
	}
}
