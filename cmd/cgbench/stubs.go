package main

import (
	"context"
	"flag"
)

func runCmd(ctx context.Context, fs *flag.FlagSet, args []string) error   { return nil }
func allCmd(ctx context.Context, fs *flag.FlagSet, args []string) error   { return nil }
func checkCmd(ctx context.Context, fs *flag.FlagSet, args []string) error { return nil }
