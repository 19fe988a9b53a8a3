/** `eqpreset.lock`: the bands each morph of a workspace was accepted with. */
export * from "./lockfile.js";
