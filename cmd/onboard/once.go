package main

import "context"

// onceCmd is `onboard once`.
type onceCmd struct{}

func (c *onceCmd) Run(ctx context.Context, m *Main, args []string) int {
	fs := m.flagSet("once", "once -config F")
	path := fs.String("config", defaultConfig(), "config file")
	if code, ok := parse(fs, args); !ok {
		return code
	}
	log := m.logger()
	e, release, ok := m.openEngine(ctx, *path, log, true)
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
