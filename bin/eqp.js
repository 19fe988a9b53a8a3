#!/usr/bin/env node
// The `eqp` command: runs the bundled CLI (build it with `npm run build`). CommonJS (bin/package.json):
// Node's ES module loader, which nothing of eqp needs, costs every run ~2 MB and a few milliseconds.
/* global require */
// eslint-disable-next-line @typescript-eslint/no-require-imports
require("../dist/cli.js");
