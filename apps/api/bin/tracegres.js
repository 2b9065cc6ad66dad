#!/usr/bin/env node
// The `tracegres` bin. Tracegres runs its TypeScript sources directly: register tsx (resolved
// from here, so it works from any directory), then hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/tracegres.ts');
