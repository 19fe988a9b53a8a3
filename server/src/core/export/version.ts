/**
 * The generator every exported document and header names, with the version that wrote it, so that a
 * committed export says which eqp made it. Kept equal to package.json's version by a unit test.
 */
export const EQP_VERSION = "0.1.0";
export const GENERATOR_NAME = "eqp";
/** "eqp 0.1.0": the `generator` of the JSON document and the first line of every generated file. */
export const GENERATOR_ID = `${GENERATOR_NAME} ${EQP_VERSION}`;
