#!/usr/bin/env node
import { main } from './index';

process.exitCode = main(process.argv.slice(2));
