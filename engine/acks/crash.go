package acks

// CrashApplied is the crash point (engine/crash) between an
// acknowledgement's commit and its move to archive/: the next run finds it
// applied (by sha256 and name) and only moves it.
const CrashApplied = "acks-applied"
