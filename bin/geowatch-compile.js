#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (npm run build).
import { main } from '../dist/src/cli/main.js';

// A reader that stops early (`plan --format json | head`) closes the pipe: the output ends there, quietly.
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

process.exitCode = await main(process.argv.slice(2));
