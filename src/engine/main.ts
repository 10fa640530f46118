// Engine child process entry (placeholder until the engine lands).
process.exit(0);
