package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spoorhq/spoor/repl"
)

func runREPL(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("repl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", defaultDataDir(), "data directory")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: spoor repl [--data DIR]\n\n"+
			"Opens the interactive hunting terminal over the store: type KQL, get tables.\n"+
			"History is kept in DIR/history. Type .help inside for the commands.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	eng, err := openEngine(*data)
	if err != nil {
		fmt.Fprintf(stderr, "spoor repl: %v\n", err)
		return 1
	}
	defer eng.Store().Close()
	r := &repl.REPL{
		Engine:      eng,
		Out:         stdout,
		Err:         stderr,
		HistoryFile: filepath.Join(*data, "history"),
		Banner:      fmt.Sprintf("Spoor: KQL over %s. Type .help for help, .quit to leave.\n", *data),
	}
	if err := r.Run(context.Background(), os.Stdin); err != nil {
		fmt.Fprintf(stderr, "spoor repl: %v\n", err)
		return 1
	}
	return 0
}
