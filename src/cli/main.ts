// `mixtral-local` CLI entry.
process.exitCode = 0;
