/**
 * oclif's entry point, which bin/run.js loads from the bundled commands (scripts/bundle-app.mjs):
 * oclif is bundled with them, and the commands must extend the Command class of the oclif that
 * runs them, so both come from the same chunk.
 */
export { execute } from '@oclif/core';
