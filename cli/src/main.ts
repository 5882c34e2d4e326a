#!/usr/bin/env node
/** `tug`: the Tugboat command line. */
import { run } from "./program.js";

process.exitCode = await run(process.argv);
