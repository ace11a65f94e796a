package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		args      []string
		code      int
		stdout    string // contained in stdout ("" means stdout must be empty)
		stderr    string // contained in stderr
		emptyErrs bool   // stderr must be empty
	}{
		{args: nil, code: 2, stderr: "Usage:"},
		{args: []string{"help"}, code: 0, stdout: "spoor <command>", emptyErrs: true},
		{args: []string{"--help"}, code: 0, stdout: "Commands:", emptyErrs: true},
		{args: []string{"help", "check"}, code: 0, stdout: "usage: spoor check", emptyErrs: true},
		{args: []string{"help", "demo"}, code: 0, stdout: "usage: spoor demo", emptyErrs: true},
		{args: []string{"help", "nope"}, code: 2, stderr: `unknown command "nope"`},
		{args: []string{"help", "check", "demo"}, code: 2, stderr: "Usage:"},
		{args: []string{"nope"}, code: 2, stderr: `spoor: unknown command "nope"`},
		{args: []string{"demo", "extra"}, code: 2, stderr: "usage: spoor demo"},
		{args: []string{"check"}, code: 2, stderr: "no files given"},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		code := run(tt.args, &out, &errb)
		if code != tt.code {
			t.Errorf("%v: exit status %d, want %d", tt.args, code, tt.code)
		}
		if tt.stdout == "" && out.Len() > 0 {
			t.Errorf("%v: unexpected stdout %q", tt.args, out.String())
		}
		if !strings.Contains(out.String(), tt.stdout) {
			t.Errorf("%v: stdout %q lacks %q", tt.args, out.String(), tt.stdout)
		}
		if !strings.Contains(errb.String(), tt.stderr) {
			t.Errorf("%v: stderr %q lacks %q", tt.args, errb.String(), tt.stderr)
		}
		if tt.emptyErrs && errb.Len() > 0 {
			t.Errorf("%v: unexpected stderr %q", tt.args, errb.String())
		}
	}
}

// Every command answers -h with its usage and status 0, which help relies on.
func TestCommandsAnswerHelp(t *testing.T) {
	for _, c := range commands {
		var out, errb bytes.Buffer
		if code := c.run([]string{"-h"}, &out, &errb); code != 0 {
			t.Errorf("%s -h: exit status %d, want 0", c.name, code)
		}
		if !strings.Contains(errb.String(), "usage: spoor "+c.name) {
			t.Errorf("%s -h: usage %q should start with the command", c.name, errb.String())
		}
	}
}
