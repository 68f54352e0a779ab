package main

import "context"

// onceCmd is `onboard once`.
type onceCmd struct{}

func (c *onceCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("once", "once -config F [-new-state]")
	path := fs.String("config", defaultConfig(), "config file")
	newState := fs.Bool("new-state", false, "start on a new, empty state although the folders show an earlier one")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	log := m.logger()
	e, release, ok := m.openEngineState(ctx, *path, log, true, *newState)
	if !ok {
		return 1
	}
	defer release()
	defer e.Close()
	if isTerminal(m.Stderr) {
		e.Intake.Progress = progressPrinter(m.Stderr)
	}
	if err := e.Once(ctx); err != nil {
		log.Error("pass finished with failures", "err", err)
		return 1
	}
	return 0
}
