#!/usr/bin/env node
// Thin launcher for the pidlab command-line tool: registers tsx so Node can
// load the TypeScript sources directly, then runs src/cli/main.ts.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../src/cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv.slice(2));
