package canary_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/portalid/portalid/internal/canary"
)

// dump writes every scanned item, per sink, into the directory
// CANARY_DUMP names (unset: nothing): to investigate a hit, whose report
// names only the place. The values are the canaries', nobody's.
func dump(items []canary.Item) {
	dir := os.Getenv("CANARY_DUMP")
	if dir == "" {
		return
	}
	files := map[canary.Sink]*os.File{}
	for _, it := range items {
		f := files[it.Sink]
		if f == nil {
			var err error
			if f, err = os.Create(filepath.Join(dir, string(it.Sink)+".txt")); err != nil {
				return
			}
			defer f.Close()
			files[it.Sink] = f
		}
		fmt.Fprintf(f, "== %s [%s]\n%s\n", it.Where, it.Route, it.Text)
	}
}
