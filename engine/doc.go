// Package engine wires onboard's stages into the daemon: it opens the
// store and the folders, runs every stage once (`onboard once`) or on its
// triggers (`onboard run`: fsnotify for local drop folders, cron schedules
// for everything), and stops gracefully.
//
//	e, err := engine.New(ctx, cfg, logger)
//	defer e.Close()
//	err = e.Once(ctx)
package engine
