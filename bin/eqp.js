#!/usr/bin/env node
// The `eqp` command: runs the bundled CLI (build it with `npm run build`).
import "../dist/cli.js";
